/**
 * Duplicate keys, found in one pass. yaml's own `uniqueKeys` check compares each key with every
 * earlier one (quadratic: seconds for a 10,000-task file), so the parse runs without it and
 * this does the same check with a hash set per map.
 */
import { isMap, isPair, isScalar, visit, type Document, type LineCounter } from 'yaml';
import type { ConfigIssue } from './issues.js';

/** One 'duplicate-key' issue per repeated key (at the repeat), with its path and task. */
export function findDuplicateKeys(
  doc: Document,
  lineCounter: LineCounter,
  file: string,
): { issues: ConfigIssue[]; offsets: Set<number> } {
  const issues: ConfigIssue[] = [];
  const offsets = new Set<number>();
  visit(doc, {
    Map(_index, map, ancestors) {
      if (!isMap(map) || map.items.length < 2) return;
      // Keyed by the scalar's value, as yaml compares them: 1 and "1" are different keys.
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const value = pair.key.value;
        if (!seen.has(value)) {
          seen.add(value);
          continue;
        }
        const offset = pair.key.range?.[0] ?? 0;
        const { line, col } = lineCounter.linePos(offset);
        const path = [
          ...ancestors.filter(isPair).map((ancestor) => (isScalar(ancestor.key) ? String(ancestor.key.value) : '?')),
          String(value),
        ];
        const task = path[0] === 'tasks' && path[1] !== undefined ? path[1] : null;
        const message =
          path.length === 2 && task !== null ? `duplicate task name "${task}"` : `duplicate key "${String(value)}"`;
        issues.push({ code: 'duplicate-key', severity: 'error', file, line, column: col, path, task, message });
        offsets.add(offset);
      }
    },
  });
  return { issues, offsets };
}
