// compactSpec (config/compact-spec.ts): the daemon rebuilds each received spec as an object literal
// of its shape (issue 20.4). It must be the same spec: the same keys in the same order, the same
// values, the same definition fingerprint; a spec of other keys comes back as it is.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import { afterAll, describe, expect, test } from 'vitest';
import { compactSpec } from '../../src/config/compact-spec.js';
import { definitionFingerprint } from '../../src/config/definition.js';
import { loadTasksFile } from '../../src/config/load.js';
import type { TaskSpec } from '../../src/config/types.js';

const dir = mkdtempSync(join(tmpdir(), 'taskkit-compact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The tasks of `lines` (under `tasks:`) as the loader child sends them: structured clones. */
function received(lines: string[]): TaskSpec[] {
  const path = join(dir, 'tasks.yaml');
  writeFileSync(path, ['settings:', '  timezone: UTC', 'tasks:', ...lines.map((line) => `  ${line}`)].join('\n'));
  const file = loadTasksFile(path, { env: { HOME: '/home/u', PATH: '/usr/bin' } });
  return v8.deserialize(v8.serialize(file.tasks)) as TaskSpec[];
}

describe('compactSpec', () => {
  test('a spec of the usual keys: a new object, equal key by key and in order, with the same fingerprint', () => {
    const specs = received([
      'plain:',
      '  every: 5m',
      '  run: "true"',
      'busy:',
      '  cron: "*/15 * * * *"',
      '  run: backup --all',
      '  description: nightly backup',
      '  cwd: /srv',
      '  env: {A: "1", B: {secret: "s"}}',
      '  timeout: 1h',
      '  kill-after: 5s',
      '  overlap: queue',
      '  retry: {attempts: 2, delay: 10s}',
      '  jitter: 30s',
      '  catch-up: once',
      '  deadline: 10m',
      '  max-runs: 3',
      '  until: 2099-01-01T00:00',
      '  on-success: [plain]',
      '  history: {keep: 5}',
      'argv:',
      '  at: 2099-05-01T10:00',
      '  command: [echo, hi]',
    ]);
    expect(specs).toHaveLength(3);
    for (const spec of specs) {
      const compact = compactSpec(spec);
      expect(compact).not.toBe(spec);
      expect(Object.keys(compact)).toEqual(Object.keys(spec));
      expect(compact).toStrictEqual(spec);
      expect(Object.keys(compact.action)).toEqual(Object.keys(spec.action));
      expect(Object.keys(compact.source ?? {})).toEqual(Object.keys(spec.source ?? {}));
      expect(definitionFingerprint(compact)).toBe(definitionFingerprint(spec));
    }
  });

  test('a spec with an optional key (or without a source) comes back as it is', () => {
    const [grouped, watched, joined] = received([
      'grouped:',
      '  every: 5m',
      '  run: "true"',
      '  hold-after-failures: 3',
      'watched:',
      '  every: 5m',
      '  run: "true"',
      '  expect-success-within: 1h',
      'joined:',
      '  after-all: [grouped, watched]',
      '  run: "true"',
    ]);
    for (const spec of [grouped, watched, joined]) expect(compactSpec(spec as TaskSpec)).toBe(spec);
    const { source: _source, ...unplaced } = received(['plain:', '  every: 5m', '  run: "true"'])[0] as TaskSpec;
    expect(compactSpec(unplaced)).toBe(unplaced);
  });
});
