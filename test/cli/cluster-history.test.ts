/**
 * `history` and `logs` reading a cluster's PostgreSQL directly (issue 21, CLUSTER.md section 9),
 * on a throwaway cluster: the runs of every host, newest first, each naming its host; a run's
 * output; the names with runs; the store given as `$NAME`; and clear errors for a database
 * without the cluster and for a server that does not answer.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { openClusterHistory, resolveStoreUrl, type ClusterHistory } from '../../src/cli/cluster-history.js';
import { renderHistory } from '../../src/cli/format/history.js';
import { runCli } from '../../src/cli/main.js';
import { PLAIN_PAINTER } from '../../src/cli/io.js';
import { toRunView } from '../../src/control/views.js';
import type { RunRecord } from '../../src/engine/run.js';
import { TaskkitError } from '../../src/errors.js';
import { RunWriter } from '../../src/store/postgres/run-writer.js';
import { type PgCluster, skipWithoutPg, startPgCluster } from '../support/pg-cluster.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { closeAll, startControl } from '../support/control-fixture.js';
import { createMemoryIo } from '../support/memory-io.js';
import { pinProcessZone } from '../support/process-zone.js';
import { makeRun } from '../store/_support.js';
import { SCHEMA, TestDb } from '../store/postgres/_pg.js';

pinProcessZone('UTC');

const T0 = Date.parse('2026-07-01T08:00:00.000Z');

let cluster: PgCluster;
let db: TestDb;
const opened: ClusterHistory[] = [];

async function failure(promise: Promise<unknown>): Promise<[string, string]> {
  const error = await promise.then(
    () => new Error('expected a failure'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(TaskkitError);
  return [(error as TaskkitError).code, (error as TaskkitError).message];
}

describe.skipIf(skipWithoutPg)('history from the cluster (PostgreSQL)', () => {
  beforeAll(async () => {
    cluster = await startPgCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());
  afterEach(async () => {
    for (const history of opened.splice(0)) await history.reader.close();
    await db?.close();
  });

  test('the runs of every host, newest first, with their host; a run with its output; names with runs', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const a = await db.host('web-1');
    const b = await db.host('web-2');
    const writer = new RunWriter({ db: pool, schema: SCHEMA });
    // Manual runs: the writer inserts them as they come (a scheduled instant's row is its claim's).
    const run = (overrides: Partial<RunRecord>): RunRecord =>
      makeRun({ trigger: 'manual', status: 'succeeded', exitCode: 0, error: null, ...overrides });
    writer.save(run({ id: 1, task: 'backup', createdAt: T0, scheduledAt: null }), a);
    writer.save(
      run({
        id: 65,
        task: 'backup',
        createdAt: T0 + 60_000,
        scheduledAt: null,
        status: 'failed',
        exitCode: 3,
        output: Buffer.from('disk full\n'),
        outputBytes: 10,
      }),
      b,
    );
    writer.save(run({ id: 2, task: 'report', createdAt: T0 + 30_000, scheduledAt: null }), a);
    await writer.flush();

    const history = await openClusterHistory({ store: db.url, name: SCHEMA }, {});
    opened.push(history);
    expect(history.target).toBe(db.url);
    const runs = (await history.reader.listRuns({})).map((run) => toRunView(run));
    expect(runs.map((run) => [run.id, run.task, run.host])).toEqual([
      [65, 'backup', 'web-2'],
      [2, 'report', 'web-1'],
      [1, 'backup', 'web-1'],
    ]);
    expect(renderHistory(runs, T0 + 120_000, PLAIN_PAINTER).map((line) => line.split(/ +/).slice(0, 4))).toEqual([
      ['RUN', 'TASK', 'HOST', 'TRIGGER'],
      ['', '65', 'backup', 'web-2'],
      ['', '2', 'report', 'web-1'],
      ['', '1', 'backup', 'web-1'],
    ]);
    const latest = await history.reader.latestRun('backup');
    expect([latest?.id, latest?.host, latest?.output.toString()]).toEqual([65, 'web-2', 'disk full\n']);
    expect(toRunView(latest ?? makeRun(), { withOutput: true })).toMatchObject({
      host: 'web-2',
      output: 'disk full\n',
    });
    expect((await history.reader.getRun(2))?.host).toBe('web-1');
    expect(await history.reader.getRun(999)).toBeNull();
    expect((await history.reader.listRuns({ task: 'backup', failed: true })).map((run) => run.id)).toEqual([65]);
    expect((await history.reader.taskNamesWithRuns()).sort()).toEqual(['backup', 'report']);
  });

  test('taskkit history and logs with settings.cluster and no daemon: from PostgreSQL, with HOST', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const writer = new RunWriter({ db: pool, schema: SCHEMA });
    const saved = makeRun({ id: 3, trigger: 'manual', scheduledAt: null, createdAt: T0, output: Buffer.from('ok\n') });
    writer.save(saved, await db.host('web-9'));
    await writer.flush();
    const dir = mkdtempSync(join(tmpdir(), 'tk-clh-'));
    try {
      writeFileSync(
        join(dir, 'tasks.yaml'),
        [
          'settings:',
          '  timezone: UTC',
          '  state-dir: ./state',
          '  cluster: { store: $TASKKIT_TEST_PG }',
          'tasks:',
          '  backup: { run: ./backup.sh }',
          '',
        ].join('\n'),
      );
      const taskkit = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
        const env = { PATH: process.env['PATH'], HOME: dir, TZ: 'UTC', TASKKIT_TEST_PG: db.url };
        const io = { ...createMemoryIo({ cwd: dir, env }), now: () => T0 + 60_000 };
        const code = await runCli(args, io);
        return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
      };
      const table = await taskkit(['history']);
      expect([table.code, table.stderr]).toEqual([0, '']);
      expect(table.stdout.split('\n')[0]).toMatch(/^RUN +TASK +HOST +TRIGGER/);
      expect(table.stdout.split('\n')[1]).toMatch(/^ +3 +backup +web-9 +manual /);
      const json = JSON.parse((await taskkit(['history', '--json'])).stdout) as {
        database: unknown;
        runs: { id: number; host?: string }[];
      };
      expect(json.database).toEqual({ path: db.url, from: 'cluster', pid: null, socket: null, cluster: 'taskkit' });
      expect(json.runs.map((run) => [run.id, run.host])).toEqual([[3, 'web-9']]);
      const logs = await taskkit(['logs', 'backup']);
      expect([logs.code, logs.stdout]).toEqual([0, 'ok\n']);
      const unknown = await taskkit(['logs', 'bakup']);
      expect([unknown.code, unknown.stderr]).toEqual([1, 'taskkit: no task named "bakup" (did you mean "backup")\n']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("with a daemon answering: still PostgreSQL; PostgreSQL not answering: the daemon's database, said", async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const writer = new RunWriter({ db: pool, schema: SCHEMA });
    writer.save(makeRun({ id: 5, trigger: 'manual', scheduledAt: null, createdAt: T0 }), await db.host('web-9'));
    await writer.flush();
    const fixture = await startControl([]);
    const dir = fixture.dir;
    // The daemon's own database: one run of this host.
    const local = openSqliteStore({ path: join(dir, 'taskkit.db') });
    local.saveRun(makeRun({ id: 7, trigger: 'manual' }));
    local.close();
    const info = fixture.daemon.info();
    fixture.daemon.info = () => ({ ...info, stateDir: dir });
    const file = (store: string): string[] => [
      '--config',
      writeTasks(dir, store),
      '--socket',
      fixture.socket,
      'history',
      '--json',
    ];
    const env = { PATH: process.env['PATH'], HOME: dir, TZ: 'UTC', TASKKIT_TEST_PG: db.url };
    const taskkit = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
      const io = { ...createMemoryIo({ cwd: dir, env }), now: () => T0 + 60_000 };
      const code = await runCli(args, io);
      return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
    };
    try {
      const fromPg = JSON.parse((await taskkit(file('$TASKKIT_TEST_PG'))).stdout) as {
        database: { from: string; pid: number | null };
        runs: { id: number; host?: string }[];
      };
      expect([fromPg.database.from, fromPg.database.pid]).toEqual(['cluster', 4242]);
      expect(fromPg.runs.map((run) => [run.id, run.host])).toEqual([[5, 'web-9']]);
      const down = await taskkit(file('postgresql://nobody@/jobs?host=/nonexistent-taskkit-dir&port=1'));
      expect(down.stderr).toMatch(
        /^taskkit: cannot connect to PostgreSQL at .*; reading this host's runs from its daemon's database instead\n$/,
      );
      const fromDaemon = JSON.parse(down.stdout) as { database: { from: string }; runs: { id: number }[] };
      expect([fromDaemon.database.from, fromDaemon.runs.map((run) => run.id)]).toEqual(['daemon', [7]]);
    } finally {
      await closeAll();
    }
  });

  test('the store as $NAME is read from the environment; a cluster not in the database is said', async () => {
    db = await TestDb.create(cluster);
    const history = await openClusterHistory({ store: '$TASKKIT_PG', name: SCHEMA }, { TASKKIT_PG: db.url });
    opened.push(history);
    expect(await history.reader.listRuns({})).toEqual([]);
    expect(await failure(openClusterHistory({ store: db.url, name: 'other' }, {}))).toEqual([
      'STORE_UNAVAILABLE',
      `PostgreSQL at ${db.url} has no cluster "other" (no runs yet)`,
    ]);
  });

  test('a read that fails once connected says it could not read, not that it could not connect', async () => {
    db = await TestDb.create(cluster);
    const history = await openClusterHistory({ store: db.url, name: SCHEMA }, {});
    opened.push(history);
    db.sql(`ALTER TABLE ${SCHEMA}.run RENAME COLUMN stop TO stop_gone`);
    const [code, message] = await failure(history.reader.listRuns({}));
    expect(code).toBe('STORE_UNAVAILABLE');
    expect(message).toMatch(
      new RegExp(`^cannot read the runs from PostgreSQL at ${escape(db.url)}: column .* does not exist$`),
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A tasks file in `dir` whose settings.cluster.store is `store`; returns its path. */
function writeTasks(dir: string, store: string): string {
  const path = join(dir, 'tasks.yaml');
  writeFileSync(
    path,
    [
      'settings:',
      '  timezone: UTC',
      `  cluster: { store: "${store}" }`,
      'tasks:',
      '  backup: { run: "true" }',
      '',
    ].join('\n'),
  );
  return path;
}

describe('the store URL and a server that does not answer', () => {
  test('$NAME unset or empty, a URL with a password: USAGE, saying what to do', () => {
    const unset = (): string => resolveStoreUrl({ store: '$TASKKIT_PG' }, {});
    expect(unset).toThrow(
      'settings.cluster.store is $TASKKIT_PG, but TASKKIT_PG is not set in this shell: with no daemon answering, ' +
        'history and logs read PostgreSQL themselves (or ask a running daemon)',
    );
    expect(() => resolveStoreUrl({ store: '$TASKKIT_PG' }, { TASKKIT_PG: ' ' })).toThrow(
      'TASKKIT_PG is empty in this shell',
    );
    expect(() => resolveStoreUrl({ store: 'postgres://u:secret@db/jobs' }, {})).toThrow(
      'settings.cluster.store: the store URL postgres://u:***@db/jobs carries a password',
    );
    expect(resolveStoreUrl({ store: '$TASKKIT_PG' }, { TASKKIT_PG: 'postgresql://db/jobs ' })).toBe(
      'postgresql://db/jobs',
    );
  });

  test("$NAME through settings.cluster.env-file first (the daemon's rule: a password may come with it)", () => {
    const envFile = { path: '/etc/taskkit/cluster.env', values: { TASKKIT_PG: 'postgres://u:pw@db/jobs' } };
    expect(resolveStoreUrl({ store: '$TASKKIT_PG', envFile }, { TASKKIT_PG: 'postgres://other/x' })).toBe(
      'postgres://u:pw@db/jobs',
    );
    expect(() => resolveStoreUrl({ store: '$TASKKIT_PG', envFile: { ...envFile, values: {} } }, {})).toThrow(
      'settings.cluster.store is $TASKKIT_PG, but TASKKIT_PG is in neither /etc/taskkit/cluster.env nor this shell',
    );
  });

  test('no server at the target: STORE_UNAVAILABLE naming it', async () => {
    const url = 'postgresql://nobody@/jobs?host=/nonexistent-taskkit-socket-dir&port=1';
    const [code, message] = await failure(openClusterHistory({ store: url, name: 'taskkit' }, {}));
    expect(code).toBe('STORE_UNAVAILABLE');
    expect(message).toMatch(/^cannot connect to PostgreSQL at postgresql:\/\/nobody@\/jobs\?host=/);
  });
});
