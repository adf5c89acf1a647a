/**
 * Source positions of keys and values, from yaml's node ranges and LineCounter, so every issue
 * points at the faulty value (or at the key, for unknown and missing keys).
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/** 1-based line and column. */
export interface SourcePoint {
  readonly line: number;
  readonly column: number;
}

/**
 * Where a key or value sits, for a path relative to one block (a task, the settings): `[]` is
 * the block itself (its key, or its value), `['retry', 'delay']` a nested value. A path that
 * does not exist in the source (a missing key) resolves to its deepest existing ancestor.
 */
export type PositionLookup = (path: readonly (string | number)[], target: 'key' | 'value') => SourcePoint | undefined;

/** A lookup rooted at one key/value pair of the document (or at the root, with `key` null). */
export function createPositionLookup(
  doc: Document,
  lineCounter: LineCounter,
  key: unknown,
  value: unknown,
): PositionLookup {
  const pointOf = (node: unknown): SourcePoint | undefined => {
    const range = (node as Node | null)?.range;
    if (range === undefined || range === null) return undefined;
    const { line, col } = lineCounter.linePos(range[0]);
    return { line, column: col };
  };
  return (path, target) => {
    let keyNode = key;
    let valueNode = value;
    for (const segment of path) {
      const container = isAlias(valueNode) ? valueNode.resolve(doc) : valueNode;
      let next: { key: unknown; value: unknown } | undefined;
      if (isMap(container)) {
        // The last of duplicate keys, as toJS keeps the last value.
        const pair = container.items.findLast((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        if (pair !== undefined) next = { key: pair.key, value: pair.value };
      } else if (isSeq(container) && typeof segment === 'number') {
        const item = container.items[segment];
        if (item !== undefined) next = { key: item, value: item };
      }
      if (next === undefined) break;
      keyNode = next.key;
      valueNode = next.value;
    }
    // `key:` with nothing after it has an empty value range at the line's end: show the key.
    const emptyValue = isScalar(valueNode) && valueNode.value === null && valueNode.range?.[0] === valueNode.range?.[1];
    if (target === 'key' || emptyValue || valueNode === null || valueNode === undefined) return pointOf(keyNode) ?? pointOf(valueNode);
    return pointOf(valueNode);
  };
}
