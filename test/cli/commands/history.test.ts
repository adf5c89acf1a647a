// `history` and `logs` in-process, reading a real SQLite history read-only with no daemon (DESIGN.md
// "State and history": they work from the database when no daemon runs); `logs --follow` against a
// real control server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import type { RunView } from '../../../src/control/views.js';
import type { RunRecord } from '../../../src/engine/run.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import { closeAll, startControl } from '../../support/control-fixture.js';
import { makeTask } from '../../support/engine-task.js';
import { createMemoryIo } from '../../support/memory-io.js';
import { waitUntil } from '../../support/process-state.js';
import { pinProcessZone } from '../../support/process-zone.js';

pinProcessZone('UTC');

const NOW = Date.parse('2026-07-02T12:00:00.000Z');
let dir = '';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-hist-'));
  writeFileSync(
    join(dir, 'tasks.yaml'),
    [
      'settings:',
      '  state-dir: ./state',
      'tasks:',
      '  backup: { run: ./backup.sh }',
      '  report: { every: 1h, run: echo hi }',
      '  quiet: { run: "true" }',
      '',
    ].join('\n'),
  );
});
afterEach(async () => {
  await closeAll();
  rmSync(dir, { recursive: true, force: true });
});

const at = (iso: string): number => Date.parse(iso);

function run(overrides: Partial<RunRecord>): RunRecord {
  return {
    id: 1,
    task: 'backup',
    trigger: 'schedule',
    scheduledAt: at('2026-07-02T11:00:00.000Z'),
    createdAt: at('2026-07-02T11:00:00.000Z'),
    startedAt: at('2026-07-02T11:00:00.000Z'),
    endedAt: at('2026-07-02T11:00:01.500Z'),
    status: 'succeeded',
    exitCode: 0,
    signal: null,
    attempt: 1,
    pid: 4000,
    output: Buffer.from(''),
    outputTruncated: false,
    outputBytes: 0,
    stop: null,
    error: null,
    ...overrides,
  };
}

/** The daemon's side: write these runs into <dir>/state/taskkit.db, then close it. */
function writeHistory(runs: readonly RunRecord[]): void {
  const store = openSqliteStore({ path: join(dir, 'state', 'taskkit.db') });
  for (const record of runs) store.saveRun(record);
  store.close();
}

const HISTORY = [
  run({
    id: 1,
    task: 'report',
    output: Buffer.from('hi\n'),
    outputBytes: 3,
    startedAt: at('2026-07-01T09:00:00.000Z'),
    createdAt: at('2026-07-01T09:00:00.000Z'),
    endedAt: at('2026-07-01T09:00:00.020Z'),
  }),
  run({ id: 2, task: 'backup', status: 'failed', exitCode: 3, output: Buffer.from('disk full\n'), outputBytes: 10 }),
  run({
    id: 3,
    task: 'report',
    trigger: 'catch-up',
    status: 'skipped',
    startedAt: null,
    endedAt: null,
    exitCode: null,
    pid: null,
    error: 'missed 3 instants (catch-up: skip)',
    createdAt: at('2026-07-02T11:30:00.000Z'),
    // One row for three instants, 11:00 to 11:30 (issue 16.7).
    skip: { reason: 'missed', count: 3, more: false, lastAt: at('2026-07-02T11:30:00.000Z') },
  }),
  run({
    id: 4,
    task: 'backup',
    trigger: 'manual',
    scheduledAt: null,
    status: 'interrupted',
    exitCode: null,
    error: 'taskkit stopped',
    createdAt: at('2026-07-02T11:50:00.000Z'),
    startedAt: at('2026-07-02T11:50:00.000Z'),
    endedAt: at('2026-07-02T11:55:00.000Z'),
  }),
  run({
    id: 5,
    task: 'backup',
    trigger: 'manual',
    scheduledAt: null,
    status: 'timed-out',
    exitCode: null,
    signal: 'SIGTERM',
    stop: { cause: 'timeout', afterMs: 60_000, signals: ['SIGTERM'], killAfterMs: 10_000, abandoned: null },
    createdAt: at('2026-07-02T11:56:00.000Z'),
    startedAt: at('2026-07-02T11:56:00.000Z'),
    endedAt: at('2026-07-02T11:57:00.000Z'),
    output: Buffer.from('working\n'),
    outputBytes: 8,
  }),
];

async function taskkit(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = {
    ...createMemoryIo({ cwd: dir, env: { PATH: process.env['PATH'], HOME: dir, TZ: 'UTC' } }),
    now: () => NOW,
  };
  const code = await runCli(args, io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

describe('history', () => {
  test('every run, newest first: id, task, trigger, start (local), duration, exit, outcome in words', async () => {
    writeHistory(HISTORY);
    expect(await taskkit(['history'])).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'RUN  TASK    TRIGGER   STARTED              DURATION     EXIT  STATUS',
        '  5  backup  manual    11:56:00                   1m  SIGTERM  timed out after 1m; sent SIGTERM',
        '  4  backup  manual    11:50:00                    -        -  interrupted (taskkit stopped)',
        '  3  report  catch-up  11:00:00                    -        -  ' +
          'skipped x3 11:00:00 .. 11:30:00: missed 3 instants (catch-up: skip)',
        '  2  backup  schedule  11:00:00                 1.5s        3  exited with code 3',
        '  1  report  schedule  2026-07-01 09:00:00      20ms        0  succeeded',
        '',
      ].join('\n'),
    });
  });

  test.each([
    [
      ['history', 'backup'],
      [5, 4, 2],
    ],
    [
      ['history', '--failed'],
      [5, 4, 2],
    ],
    [['history', 'report', '-n', '1'], [3]],
    [
      ['history', '--since', '30m'],
      [5, 4, 3],
    ],
    [
      ['history', '--since', '2026-07-02T11:00'],
      [5, 4, 3, 2],
    ],
    [
      ['history', '--since', '2026-07-02T13:00:00+02:00'],
      [5, 4, 3, 2],
    ],
    [
      ['history', 'backup', '--failed', '--since', '1h', '-n', '2'],
      [5, 4],
    ],
  ])('%j lists runs %j', async (args, ids) => {
    writeHistory(HISTORY);
    const result = await taskkit([...args, '--json']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { runs: RunView[] }).runs.map((view) => view.id)).toEqual(ids);
  });

  test('--json: RunView objects without output', async () => {
    writeHistory(HISTORY);
    const [first] = (JSON.parse((await taskkit(['history', '-n', '1', '--json'])).stdout) as { runs: RunView[] }).runs;
    expect(first).toEqual({
      id: 5,
      task: 'backup',
      trigger: 'manual',
      status: 'timed-out',
      scheduledAt: null,
      createdAt: '2026-07-02T11:56:00.000Z',
      startedAt: '2026-07-02T11:56:00.000Z',
      endedAt: '2026-07-02T11:57:00.000Z',
      durationMs: 60_000,
      exitCode: null,
      signal: 'SIGTERM',
      attempt: 1,
      pid: 4000,
      outputBytes: 8,
      outputTruncated: false,
      stop: { cause: 'timeout', afterMs: 60_000, signals: ['SIGTERM'], killAfterMs: 10_000, abandoned: null },
      error: null,
      outcome: 'timed out after 1m; sent SIGTERM',
      skipReason: null,
      skipCount: null,
      skipMore: null,
      skipFirstAt: null,
      skipLastAt: null,
    });
  });

  test('--skipped: only the rows of instants that did not run; --json has their count and range', async () => {
    writeHistory(HISTORY);
    const { stdout } = await taskkit(['history', '--skipped', '--json']);
    expect((JSON.parse(stdout) as { runs: RunView[] }).runs).toEqual([
      expect.objectContaining({
        id: 3,
        status: 'skipped',
        skipReason: 'missed',
        skipCount: 3,
        skipMore: false,
        skipFirstAt: '2026-07-02T11:00:00.000Z',
        skipLastAt: '2026-07-02T11:30:00.000Z',
      }),
    ]);
    expect((await taskkit(['history', 'backup', '--skipped'])).stdout).toBe('no runs of backup match\n');
  });

  test('a task of the file with no runs: says so; an unknown name: did you mean, exit 1', async () => {
    writeHistory(HISTORY);
    expect(await taskkit(['history', 'quiet'])).toEqual({ code: 0, stdout: 'no runs of quiet yet\n', stderr: '' });
    // No daemon answers: the tasks file's state dir, and --json says so (issue 13).
    const database = { path: join(dir, 'state', 'taskkit.db'), from: 'tasks-file', pid: null, socket: null };
    expect(await taskkit(['history', 'quiet', '--json'])).toEqual({
      code: 0,
      stdout: `${JSON.stringify({ database, runs: [] }, null, 2)}\n`,
      stderr: '',
    });
    expect(await taskkit(['history', 'backup', '--since', '1m'])).toEqual({
      code: 0,
      stdout: 'no runs of backup match\n',
      stderr: '',
    });
    expect(await taskkit(['history', 'bakup'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'taskkit: no task named "bakup" (did you mean "backup")\n',
    });
  });

  test('usage errors (exit 2) before the database is touched', async () => {
    expect(await taskkit(['history', '--since', 'yesterday'])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'taskkit: --since: expected a duration back from now like "2h" or "30m", ' +
        'or a date-time like "2026-11-25T08:00", got "yesterday"\n',
    });
    expect((await taskkit(['history', '-n', '0'])).stderr).toBe(
      'taskkit: -n: expected a positive whole number, got "0"\n',
    );
    expect(await taskkit(['history', '-n', '99999999999999999999'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'taskkit: -n: expected a positive whole number up to 9007199254740991, got "99999999999999999999"\n',
    });
  });

  test('no database yet: says where it looked and how to get one, exit 1', async () => {
    expect(await taskkit(['history'])).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `taskkit: no database at ${join(dir, 'state', 'taskkit.db')}: ` +
        `no daemon has run with this state dir yet (start one with "taskkit start")\n`,
    });
  });
});

describe('logs', () => {
  test("the newest run's output by default, another by id; a failure is said on stderr", async () => {
    writeHistory(HISTORY);
    expect(await taskkit(['logs', 'report'])).toEqual({
      code: 0,
      stdout: '',
      stderr: 'taskkit: report #3 skipped: missed 3 instants (catch-up: skip) (no output)\n',
    });
    expect(await taskkit(['logs', 'report', '1'])).toEqual({ code: 0, stdout: 'hi\n', stderr: '' });
    expect(await taskkit(['logs', 'backup', '2'])).toEqual({
      code: 0,
      stdout: 'disk full\n',
      stderr: 'taskkit: backup #2 exited with code 3 after 1.5s\n',
    });
  });

  test('--json: the RunView with its output', async () => {
    writeHistory(HISTORY);
    const { run: view } = JSON.parse((await taskkit(['logs', 'backup', '--json'])).stdout) as { run: RunView };
    expect([view.id, view.status, view.output, view.outcome]).toEqual([
      5,
      'timed-out',
      'working\n',
      'timed out after 1m; sent SIGTERM',
    ]);
  });

  test.each([
    [['logs', 'bakup'], 'taskkit: no task named "bakup" (did you mean "backup")\n'],
    [['logs', 'quiet'], 'taskkit: "quiet" has no runs yet\n'],
    [['logs', 'backup', '99'], 'taskkit: no run #99 in the history of "backup"\n'],
    [['logs', 'backup', '1'], 'taskkit: run #1 is a run of "report", not of "backup"\n'],
  ])('%j fails with exit 1: %s', async (args, stderr) => {
    writeHistory(HISTORY);
    expect(await taskkit(args)).toEqual({ code: 1, stdout: '', stderr });
  });

  test('a run id that is not a number is a usage error', async () => {
    expect(await taskkit(['logs', 'backup', 'latest'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'taskkit: RUN_ID: expected a positive whole number, got "latest"\n',
    });
  });

  test(
    'a running run: its output comes when it ends; --follow with no daemon prints what there is ' + 'and exits 3',
    async () => {
      writeHistory([run({ id: 8, task: 'backup', status: 'running', endedAt: null, exitCode: null })]);
      expect(await taskkit(['logs', 'backup'])).toEqual({
        code: 0,
        stdout: '',
        stderr:
          'taskkit: backup #8 is still running; its output is stored when it ends ("taskkit logs backup 8 ' +
          '--follow" streams it now)\n',
      });
      const socket = join(dir, 'nobody.sock');
      const followed = await taskkit(['logs', 'backup', '--follow', '--socket', socket]);
      expect(followed).toEqual({
        code: 3,
        stdout: '',
        stderr:
          `taskkit: backup #8 is marked running in the history; following its output live needs the daemon: ` +
          `no taskkit daemon reachable on ${socket}: the socket does not exist; start one with "taskkit start"\n`,
      });
    },
  );

  test('--follow with no daemon on a run that has ended just prints it', async () => {
    writeHistory(HISTORY);
    expect(await taskkit(['logs', 'report', '1', '--follow', '--socket', join(dir, 'nobody.sock')])).toEqual({
      code: 0,
      stdout: 'hi\n',
      stderr: '',
    });
  });

  test('--follow with a daemon streams a running run until it ends', async () => {
    const f = await startControl([makeTask('backup')]);
    const started = f.scheduler.runNow('backup');
    f.runner.emitOutput(started.id, 'one\n');
    const io = { ...createMemoryIo({ env: { PATH: process.env['PATH'], HOME: dir } }), now: () => f.clock.now() };
    const pending = runCli(['logs', 'backup', '--follow', '--socket', f.socket], io);
    // The daemon attaches the follower before it sends what the run printed so far.
    await waitUntil(() => io.stdoutText() === 'one\n', 5_000, 'the output so far');
    f.runner.emitOutput(started.id, 'two\n');
    await waitUntil(() => io.stdoutText() === 'one\ntwo\n', 5_000, 'the live chunk');
    f.runner.finish(started.id, { status: 'failed', exitCode: 2, output: Buffer.from('one\ntwo\n'), outputBytes: 8 });
    expect([await pending, io.stdoutText(), io.stderrText()]).toEqual([
      0,
      'one\ntwo\n',
      'taskkit: backup #1 exited with code 2 after 0ms\n',
    ]);
  });
});
