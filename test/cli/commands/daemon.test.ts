/**
 * `status` and `reload` in-process against a real control server over a fake-clock engine, and
 * the verbs' usage errors. (start, stop and the detached daemon are tested as subprocesses in
 * test/e2e/daemon-cycle.test.ts.)
 */
import { afterEach, describe, expect, test } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { runCli } from '../../../src/cli/main.js';
import { closeAll, startControl } from '../../support/control-fixture.js';
import { every, makeTask } from '../../support/engine-task.js';
import { createMemoryIo } from '../../support/memory-io.js';
import { runAgainst } from '../_control-cli.js';
import { pinProcessZone } from '../../support/process-zone.js';

// status prints local times: pin this process's zone.
pinProcessZone('UTC');

afterEach(closeAll);

describe('status', () => {
  test('pid, spawner, uptime, files, counts by state, runs in progress and the next instant', async () => {
    const f = await startControl([
      makeTask('tick', { schedule: every('5m') }),
      makeTask('held', { schedule: every('1m') }),
      makeTask('backup'),
    ]);
    f.scheduler.hold('held');
    f.scheduler.runNow('backup');
    expect(await runAgainst(f, ['status'])).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'taskkit is running',
        '  pid         4242',
        '  spawner     pid 4243 (taskkit-spawner, starts the runs)',
        '  uptime      1h (since 2026-03-01 11:00:00 +00:00)',
        '  tasks file  /etc/tasks.yaml',
        `  socket      ${f.socket}`,
        '  state dir   /var/lib/taskkit',
        '  tasks       3: 1 scheduled, 1 running, 1 held, 0 on demand, 0 done',
        '  runs        1 in progress',
        '  next        tick in 5m (12:05:00)',
        '',
      ].join('\n'),
    });
  });

  test('a run of a task removed from the file is counted and named, with how to stop it (issue 15.9)', async () => {
    const f = await startControl([makeTask('tick', { schedule: every('5m') }), makeTask('backup')]);
    f.scheduler.runNow('backup');
    f.scheduler.remove('backup');
    f.clock.advanceBy(90_000);
    const lines = (await runAgainst(f, ['status'])).stdout.split('\n');
    expect(lines.slice(7, 10)).toEqual([
      '  tasks       1: 1 scheduled, 0 running, 0 held, 0 on demand, 0 done',
      '  runs        1 in progress',
      '  orphaned    backup #1, running for 1m30s (removed from the tasks file; taskkit cancel --run 1 stops it)',
    ]);
  });

  test('--json: the status result as it is', async () => {
    const f = await startControl([makeTask('tick', { schedule: every('5m') })]);
    expect(JSON.parse((await runAgainst(f, ['status', '--json'])).stdout)).toEqual({
      pid: 4242,
      spawnerPid: 4243,
      startedAt: '2026-03-01T11:00:00.000Z',
      uptimeMs: 3_600_000,
      configPath: '/etc/tasks.yaml',
      socket: f.socket,
      stateDir: '/var/lib/taskkit',
      tasks: { total: 1, scheduled: 1, running: 0, held: 0, onDemand: 0, done: 0 },
      runsInProgress: 0,
      orphanedRuns: [],
      nextAt: { task: 'tick', at: '2026-03-01T12:05:00.000Z' },
    });
  });
});

describe('reload', () => {
  test('the summary of what changed', async () => {
    const f = await startControl([]);
    f.daemon.reloadResult = () =>
      Promise.resolve({ added: ['a', 'b'], changed: ['c'], removed: [], unchanged: ['d', 'e'] });
    expect(await runAgainst(f, ['reload'])).toEqual({
      code: 0,
      stdout: 'reloaded: 2 added (a, b), 1 changed (c), 0 removed, 2 unchanged\n',
      stderr: '',
    });
  });

  const issue = {
    code: 'invalid-value' as const,
    severity: 'error' as const,
    file: '/etc/tasks.yaml',
    line: 3,
    column: 12,
    path: ['tasks', 'a', 'every'],
    task: 'a',
    message: 'expected a duration like "90s", got "5 minutes"',
  };

  test('a refused file: every issue on stderr, exit 2, the daemon goes on', async () => {
    const f = await startControl([]);
    f.daemon.reloadResult = () => Promise.reject(new ConfigError([issue], 'tasks:\n  a:\n    every: 5 minutes\n'));
    expect(await runAgainst(f, ['reload'])).toEqual({
      code: 2,
      stdout: '',
      stderr: [
        '/etc/tasks.yaml:3:12: task "a": expected a duration like "90s", got "5 minutes"',
        '        every: 5 minutes',
        '               ^',
        'taskkit: reload refused; the daemon goes on with the tasks it had',
        '',
      ].join('\n'),
    });
  });

  test('a refused file with --json: the error with its issues on stdout, exit 2', async () => {
    const f = await startControl([]);
    f.daemon.reloadResult = () => Promise.reject(new ConfigError([issue]));
    const result = await runAgainst(f, ['reload', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      error: {
        code: 'CONFIG_INVALID',
        message: '/etc/tasks.yaml:3:12: task "a": expected a duration like "90s", got "5 minutes"',
        issues: [issue],
      },
    });
  });
});

describe('usage', () => {
  test('an unknown verb: did you mean, exit 2', async () => {
    const io = createMemoryIo();
    expect(await runCli(['stauts'], io)).toBe(2);
    expect(io.stderrText()).toBe('taskkit: unknown verb "stauts" (did you mean "status"); see taskkit help\n');
  });

  test('a verb that needs a daemon, none there: exit 3 naming the socket and how to start one', async () => {
    const io = createMemoryIo();
    expect(await runCli(['status', '--socket', '/nonexistent/dir/taskkit.sock'], io)).toBe(3);
    expect(io.stderrText()).toBe(
      'taskkit: no taskkit daemon reachable on /nonexistent/dir/taskkit.sock: the socket does not exist; ' +
        'start one with "taskkit start"\n',
    );
  });
});
