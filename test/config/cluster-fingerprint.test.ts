// config/cluster-fingerprint.ts: the same tasks file in two folders (two hosts) gives every task the
// same cluster fingerprint, although paths resolved from the file's folder differ (and with them
// definitionFingerprint, this host's); a real change of definition, or of zone, still changes it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { clusterFingerprint, portablePath } from '../../src/config/cluster-fingerprint.js';
import { definitionFingerprint } from '../../src/config/definition.js';
import { parseTasksText } from '../../src/config/load.js';
import type { TaskSpec } from '../../src/config/types.js';
import { TEST_ENV } from '../support/config-issues.js';

const FILE = [
  'settings:',
  '  timezone: Europe/Berlin',
  '  cluster: { store: postgres://db.example/jobs }',
  'tasks:',
  '  plain: { every: 1m, run: ./go.sh }',
  '  in-sub: { every: 1m, run: ./go.sh, cwd: ./work, env-file: ./jobs.env }',
  '  outside: { every: 1m, run: ./go.sh, cwd: /var/tmp }',
  '  js: { daily: "03:00", module: ./job.mjs, args: { n: 1 } }',
].join('\n');

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** The tasks file `text` as read from a new folder holding its env file and module. */
function tasksIn(text: string, nested = ''): { baseDir: string; tasks: readonly TaskSpec[] } {
  const root = mkdtempSync(join(tmpdir(), 'taskkit-fp-'));
  folders.push(root);
  const baseDir = join(root, nested);
  mkdirSync(join(baseDir, 'work'), { recursive: true });
  writeFileSync(join(baseDir, 'jobs.env'), 'LEVEL=2\n');
  writeFileSync(join(baseDir, 'job.mjs'), 'export default () => {};\n');
  const file = parseTasksText(text, join(baseDir, 'tasks.yaml'), { env: TEST_ENV, baseDir });
  return { baseDir, tasks: file.tasks };
}

const byName = (found: { baseDir: string; tasks: readonly TaskSpec[] }, of: (spec: TaskSpec) => string) =>
  Object.fromEntries(found.tasks.map((spec) => [spec.name, of(spec)]));

describe('clusterFingerprint', () => {
  test('the same file in two folders: the same cluster fingerprints, other host fingerprints', () => {
    const hostA = tasksIn(FILE);
    const hostB = tasksIn(FILE, 'deeper/srv');
    const cluster = (found: typeof hostA) => byName(found, (spec) => clusterFingerprint(spec, found.baseDir));
    expect(cluster(hostA)).toEqual(cluster(hostB));
    // Without the portable paths it would differ: this host's fingerprints do (cwd, env-file, module).
    const local = (found: typeof hostA) => byName(found, definitionFingerprint);
    expect(local(hostA)['plain']).not.toBe(local(hostB)['plain']);
    expect(local(hostA)['js']).not.toBe(local(hostB)['js']);
  });

  test('a change of definition or of zone changes it; a notifier does not', () => {
    const base = tasksIn(FILE);
    const fingerprints = (text: string) => {
      const found = tasksIn(text);
      return byName(found, (spec) => clusterFingerprint(spec, found.baseDir));
    };
    const before = byName(base, (spec) => clusterFingerprint(spec, base.baseDir));
    expect(fingerprints(FILE.replace('every: 1m, run: ./go.sh }', 'every: 2m, run: ./go.sh }'))['plain']).not.toBe(
      before['plain'],
    );
    expect(fingerprints(FILE.replace('Europe/Berlin', 'Europe/Paris'))['plain']).not.toBe(before['plain']);
    expect(fingerprints(FILE.replace('cwd: /var/tmp', 'cwd: /srv'))['outside']).not.toBe(before['outside']);
    expect(fingerprints(FILE.replace('cwd: ./work', 'cwd: .'))['in-sub']).not.toBe(before['in-sub']);
    expect(fingerprints(FILE.replace('plain: { every: 1m,', 'plain: { notify: { run: x }, every: 1m,'))['plain']).toBe(
      before['plain'],
    );
  });
});

describe('portablePath', () => {
  test.each([
    ['/srv/jobs', '/srv/jobs', '.'],
    ['/srv/jobs/work/a', '/srv/jobs', 'work/a'],
    ['/srv/other', '/srv/jobs', '/srv/other'],
    ['/srv/jobs..x', '/srv/jobs', '/srv/jobs..x'],
    ['/srv/jobs/..x', '/srv/jobs', '..x'],
  ])('%s from %s: %s', (path, baseDir, portable) => {
    expect(portablePath(path, baseDir)).toBe(portable);
  });
});
