// settings.cluster.env-file: `store: $NAME` is looked up in that NAME=VALUE file first (read with a
// task's env-file parser and trust rules, relative to the tasks file's folder), then in the
// environment; a URL from the file may carry a password; a bad file is an error at the key.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { resolveClusterStore } from '../../src/config/cluster-settings.js';
import { loadTasksFile, parseTasksText } from '../../src/config/load.js';
import type { ClusterSettings } from '../../src/config/types.js';
import { resolveClusterSettings } from '../../src/daemon/cluster/daemon-mode.js';
import { catchIssues, summarize } from '../support/config-issues.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-cluster-env-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ENV = { TZ: 'UTC', HOME: '/home/tester' };

function tasksText(envFile: string): string {
  return [
    'settings:',
    '  timezone: Europe/Berlin',
    '  cluster:',
    '    store: $TASKKIT_PG',
    `    env-file: ${envFile}`,
    'tasks:',
    '  a: { every: 1m, run: x }',
    '',
  ].join('\n');
}

const clusterOf = (envFile: string): ClusterSettings | undefined =>
  parseTasksText(tasksText(envFile), 'tasks.yaml', { env: ENV, baseDir: dir }).settings.cluster;

describe('settings.cluster.env-file', () => {
  test('read relative to the tasks file: $NAME found in the file wins over the environment, password and all', () => {
    writeFileSync(join(dir, 'cluster.env'), '# the store\nTASKKIT_PG="postgres://taskkit:s3cret@db/jobs"\n');
    const cluster = clusterOf('cluster.env');
    expect(cluster?.envFile?.path).toBe(join(dir, 'cluster.env'));
    expect(cluster?.store).toBe('$TASKKIT_PG');
    const lookup = cluster?.envFile === undefined ? {} : { envFile: cluster.envFile };
    expect(resolveClusterStore('$TASKKIT_PG', { TASKKIT_PG: 'postgres://other/db' }, lookup)).toEqual({
      ok: true,
      url: 'postgres://taskkit:s3cret@db/jobs',
    });
  });

  test('not in the file: the environment; in neither: the message names both', () => {
    writeFileSync(join(dir, 'cluster.env'), 'OTHER=1\n');
    const envFile = clusterOf('cluster.env')?.envFile;
    expect(envFile).toBeDefined();
    const lookup = envFile === undefined ? {} : { envFile };
    expect(resolveClusterStore('$TASKKIT_PG', { TASKKIT_PG: ' postgres://db/jobs ' }, lookup)).toEqual({
      ok: true,
      url: 'postgres://db/jobs',
    });
    expect(resolveClusterStore('$TASKKIT_PG', {}, lookup)).toEqual({
      ok: false,
      message:
        `settings.cluster.store is $TASKKIT_PG, but TASKKIT_PG is in neither ${join(dir, 'cluster.env')} ` +
        "nor the daemon's environment",
    });
    writeFileSync(join(dir, 'empty.env'), 'TASKKIT_PG=\n');
    const empty = clusterOf('empty.env')?.envFile;
    expect(
      resolveClusterStore('$TASKKIT_PG', { TASKKIT_PG: 'postgres://db/jobs' }, empty ? { envFile: empty } : {}),
    ).toEqual({
      ok: false,
      message: `settings.cluster.store is $TASKKIT_PG, but TASKKIT_PG is empty in ${join(dir, 'empty.env')}`,
    });
  });

  test('a missing file or a malformed line: an error at the key, the value never shown', () => {
    const issues = (envFile: string) =>
      summarize(catchIssues(() => parseTasksText(tasksText(envFile), 'tasks.yaml', { env: ENV, baseDir: dir })));
    expect(issues('nowhere.env')).toEqual([
      ['invalid-value', 5, 15, null, `env file ${join(dir, 'nowhere.env')}: not found`],
    ]);
    writeFileSync(join(dir, 'bad.env'), 'TASKKIT_PG="postgres://u:pw@db/jobs\n');
    expect(issues('bad.env')).toEqual([
      [
        'invalid-value',
        5,
        15,
        null,
        `env file ${join(dir, 'bad.env')}: line 1: TASKKIT_PG: a quoted value must end with the same quote`,
      ],
    ]);
  });

  test('the trust rule of a task env-file: one others can write is refused at load', () => {
    writeFileSync(join(dir, 'cluster.env'), 'TASKKIT_PG=postgres://db/jobs\n');
    chmodSync(join(dir, 'cluster.env'), 0o666);
    writeFileSync(join(dir, 'tasks.yaml'), tasksText('cluster.env'));
    chmodSync(dir, 0o755);
    const uid = process.getuid?.() ?? 0;
    expect(() => loadTasksFile(join(dir, 'tasks.yaml'), { env: ENV, trust: { uid } })).toThrow(
      /env file .*cluster\.env/,
    );
  });
});

describe('the daemon at start (daemon-mode resolveClusterSettings)', () => {
  test('resolves $NAME through the env-file and keeps its values out of the settings it passes on', () => {
    writeFileSync(join(dir, 'cluster.env'), 'export TASKKIT_PG=postgresql://taskkit:pw@db/jobs\n');
    writeFileSync(join(dir, 'tasks.yaml'), tasksText('cluster.env'));
    const file = loadTasksFile(join(dir, 'tasks.yaml'), { env: ENV });
    const settings = resolveClusterSettings(file, {});
    expect(settings?.store).toBe('postgresql://taskkit:pw@db/jobs');
    expect(settings).not.toHaveProperty('envFile');
    rmSync(join(dir, 'cluster.env'));
    writeFileSync(join(dir, 'cluster.env'), 'OTHER=1\n');
    const without = loadTasksFile(join(dir, 'tasks.yaml'), { env: ENV });
    expect(() => resolveClusterSettings(without, {})).toThrow(
      `TASKKIT_PG is in neither ${join(dir, 'cluster.env')} nor the daemon's environment`,
    );
  });
});
