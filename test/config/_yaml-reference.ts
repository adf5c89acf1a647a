/**
 * yaml's own reading of a text, parsed as config/load.ts parses a tasks file (its options, not a
 * copy): the reference config/plain-yaml.ts is compared with (plain-yaml.test.ts, plain-yaml-diff.test.ts).
 */
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { TASKS_YAML_OPTIONS } from '../../src/config/load.js';

/** The value and the `tasks:` keys' points, or what yaml reported (errors and warnings). */
export function yamlTree(text: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...TASKS_YAML_OPTIONS, lineCounter });
  if (doc.errors.length > 0 || doc.warnings.length > 0) return { problems: [...doc.errors, ...doc.warnings] };
  const tasks = isMap(doc.contents)
    ? doc.contents.items.find((pair) => isScalar(pair.key) && pair.key.value === 'tasks')?.value
    : undefined;
  const taskKeys = isMap(tasks)
    ? tasks.items.map((pair) => {
        const key = pair.key as unknown as { value: unknown; range: [number] };
        const { line, col } = lineCounter.linePos(key.range[0]);
        return { name: String(key.value), point: { line, column: col } };
      })
    : [];
  return { data: doc.toJS() as unknown, taskKeys };
}
