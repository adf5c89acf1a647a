/** `hold`, `resume`, `cancel`, `reschedule` in-process against a real control server over a fake-clock engine. */
import { afterEach, describe, expect, test } from 'vitest';
import { buildRescheduleDefinition } from '../../../src/cli/commands/control.js';
import { runCli } from '../../../src/cli/main.js';
import { closeAll, startControl } from '../../support/control-fixture.js';
import { every, makeTask } from '../../support/engine-task.js';
import { createMemoryIo } from '../../support/memory-io.js';
import { runAgainst } from '../_control-cli.js';

afterEach(closeAll);

const tasks = (): ReturnType<typeof makeTask>[] => [
  makeTask('tick', { schedule: every('5m') }),
  makeTask('tock', { schedule: every('1h') }),
  makeTask('backup'),
];

describe('hold and resume', () => {
  test('hold several with a note, then resume one', async () => {
    const f = await startControl(tasks());
    expect(await runAgainst(f, ['hold', 'tick', 'tock', '--note', 'disk full'])).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'tick: held (note: disk full); it runs on schedule again after "taskkit resume tick"',
        'tock: held (note: disk full); it runs on schedule again after "taskkit resume tock"',
        '',
      ].join('\n'),
    });
    expect([f.scheduler.get('tick').held, f.scheduler.get('tick').holdNote]).toEqual([true, 'disk full']);
    expect(await runAgainst(f, ['resume', 'tick'])).toEqual({
      code: 0,
      stdout: 'tick: resumed, next in 5m (12:05:00)\n',
      stderr: '',
    });
    expect([f.scheduler.get('tick').held, f.scheduler.get('tock').held]).toEqual([false, true]);
  });

  test('one unknown name: nothing is held, exit 1 with the closest name', async () => {
    const f = await startControl(tasks());
    expect(await runAgainst(f, ['hold', 'tick', 'tokc'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'taskkit: no task named "tokc" (did you mean "tock")\n',
    });
    expect(f.scheduler.get('tick').held).toBe(false);
  });

  test('--json: the task views', async () => {
    const f = await startControl(tasks());
    const json = JSON.parse((await runAgainst(f, ['hold', 'tick', '--json'])).stdout) as {
      tasks: Record<string, unknown>[];
    };
    expect(
      json.tasks.map((task) => [task['name'], task['state'], task['held'], task['holdNote'], task['heldAt']]),
    ).toEqual([['tick', 'held', true, null, '2026-03-01T12:00:00.000Z']]);
  });
});

describe('cancel', () => {
  test('running runs are cancelled; nothing to cancel is said on stderr, exit 0', async () => {
    const f = await startControl(tasks());
    expect(await runAgainst(f, ['cancel', 'backup'])).toEqual({
      code: 0,
      stdout: '',
      stderr: 'taskkit: nothing to cancel: backup has no running or waiting run\n',
    });
    f.scheduler.runNow('backup');
    expect(await runAgainst(f, ['cancel', 'backup'])).toEqual({
      code: 0,
      stdout: 'backup #1: cancelling\n',
      stderr: '',
    });
    expect(f.runner.cancels).toEqual([{ runId: 1, reason: 'cancel' }]);
  });

  test('a removed task by its old name, or one run by id (a number no task is named, or --run)', async () => {
    const f = await startControl(tasks());
    f.scheduler.runNow('backup');
    f.scheduler.runNow('tick');
    f.scheduler.remove('backup');
    expect(await runAgainst(f, ['cancel', 'backup'])).toEqual({
      code: 0,
      stdout: 'backup #1: cancelling\n',
      stderr: '',
    });
    expect(await runAgainst(f, ['cancel', '2'])).toEqual({ code: 0, stdout: 'tick #2: cancelling\n', stderr: '' });
    expect(await runAgainst(f, ['cancel', '--run', '3'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'taskkit: no run #3 (not running or waiting, and not in the history)\n',
    });
  });

  test('usage: a name or --run, not both, and --run takes a number', async () => {
    const f = await startControl(tasks());
    expect((await runAgainst(f, ['cancel'])).code).toBe(2);
    expect(await runAgainst(f, ['cancel', 'tick', '--run', '1'])).toMatchObject({
      code: 2,
      stderr: 'taskkit: give a task name or --run 1, not both\n',
    });
    expect(await runAgainst(f, ['cancel', '--run', 'x1'])).toMatchObject({
      code: 2,
      stderr: 'taskkit: --run: expected a run id (a whole number >= 1), got "x1"\n',
    });
  });
});

describe('reschedule', () => {
  test("--every, then --reset back to the file's schedule", async () => {
    const f = await startControl(tasks());
    expect(await runAgainst(f, ['reschedule', 'tick', '--every', '10m'])).toEqual({
      code: 0,
      stdout: 'tick: rescheduled to every 10m, next in 10m (12:10:00)\n',
      stderr: '',
    });
    expect(f.scheduler.get('tick').rescheduled).toBe(true);
    expect(await runAgainst(f, ['reschedule', 'tick', '--reset'])).toEqual({
      code: 0,
      stdout: "tick: back to the file's schedule: every 5m, next in 5m (12:05:00)\n",
      stderr: '',
    });
    expect(f.scheduler.get('tick').rescheduled).toBe(false);
  });

  test("--daily with two times and --cron, validated by the daemon in the task's zone", async () => {
    const f = await startControl(tasks());
    expect((await runAgainst(f, ['reschedule', 'tock', '--daily', '03:30, 15:30'])).stdout).toBe(
      'tock: rescheduled to daily 03:30, 15:30, next in 3h30m (15:30:00)\n',
    );
    expect((await runAgainst(f, ['reschedule', 'tock', '--cron', '0 13 * * *'])).stdout).toBe(
      'tock: rescheduled to cron 0 13 * * *, next in 1h (13:00:00)\n',
    );
    const rule = 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=18';
    expect((await runAgainst(f, ['reschedule', 'tock', '--rrule', rule])).stdout).toMatch(
      /^tock: rescheduled to monthly on the last weekday at 18:00, next in \S+ \(.*18:00:00\)\n$/,
    );
  });

  test('an invalid value is refused by the daemon as a usage error (exit 2) naming the key', async () => {
    const f = await startControl(tasks());
    expect(await runAgainst(f, ['reschedule', 'tick', '--every', '5 minutes'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'taskkit: reschedule: every: expected a duration like "90s", "5m" or "1h30m", got "5 minutes"\n',
    });
    expect(f.scheduler.get('tick').rescheduled).toBe(false);
    expect(await runAgainst(f, ['reschedule', 'tick', '--rrule', 'FREQ=DAILY;BYHOUR=9,24'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'taskkit: reschedule: rrule: rrule part "BYHOUR" out of range (0-23): 24\n',
    });
  });

  test.each([
    [[], 'taskkit: reschedule needs one of --every, --daily, --cron, --at, --rrule or --reset\n'],
    [
      ['--every', '5m', '--cron', '* * * * *'],
      'taskkit: give one of --every, --daily, --cron, --at, --rrule, --reset (got --every and --cron)\n',
    ],
    [
      ['--daily', '03:00', '--reset'],
      'taskkit: give one of --every, --daily, --cron, --at, --rrule, --reset (got --daily and --reset)\n',
    ],
    [['--daily', '03:00', '--start', '2026-01-01T00:00'], 'taskkit: --start only applies to --every and --rrule\n'],
    [
      ['--rrule', 'FREQ=DAILY', '--cron', '* * * * *'],
      'taskkit: give one of --every, --daily, --cron, --at, --rrule, --reset (got --cron and --rrule)\n',
    ],
  ])('option mistakes %j are usage errors (exit 2) found before connecting', async (options, stderr) => {
    // No daemon listens on this socket: a connection attempt would exit 3 instead.
    const io = createMemoryIo();
    const code = await runCli(['reschedule', 'tick', ...options, '--socket', '/nonexistent/taskkit.sock'], io);
    expect([code, io.stdoutText(), io.stderrText()]).toEqual([2, '', stderr]);
  });

  test.each([
    [{ every: '10m' }, { every: '10m' }],
    [
      { every: '10m', start: '2026-01-01T00:05' },
      { every: '10m', start: '2026-01-01T00:05' },
    ],
    [{ daily: '03:30' }, { daily: '03:30' }],
    [{ daily: '03:30,15:30' }, { daily: ['03:30', '15:30'] }],
    [{ at: '2026-12-01T09:00, 2026-12-02T09:00' }, { at: ['2026-12-01T09:00', '2026-12-02T09:00'] }],
    [{ cron: '*/15 * * * 1-5' }, { cron: '*/15 * * * 1-5' }],
    [{ rrule: 'FREQ=MONTHLY;BYDAY=-1FR' }, { rrule: 'FREQ=MONTHLY;BYDAY=-1FR' }],
    [
      { rrule: 'FREQ=WEEKLY', start: '2026-01-05T09:00' },
      { rrule: 'FREQ=WEEKLY', start: '2026-01-05T09:00' },
    ],
    [{ reset: true }, null],
  ])('buildRescheduleDefinition(%j) -> %j (the tasks-file keys)', (options, expected) => {
    expect(buildRescheduleDefinition(options)).toEqual(expected);
  });
});
