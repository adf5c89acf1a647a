import { describe, expect, test } from 'vitest';
import { toDefinitionView, toRunStatsView, toRunView, toScheduleView, toTaskView } from '../../src/control/views.js';
import type { RunRecord } from '../../src/engine/run.js';
import type { TaskStatus } from '../../src/engine/task-state.js';
import { every, makeTask, ms } from '../support/engine-task.js';

const finished: RunRecord = {
  id: 12,
  task: 'backup',
  trigger: 'schedule',
  scheduledAt: ms('2026-03-01T03:30:00Z'),
  createdAt: ms('2026-03-01T03:30:00Z'),
  startedAt: ms('2026-03-01T03:30:00.250Z'),
  endedAt: ms('2026-03-01T03:31:10Z'),
  status: 'timed-out',
  exitCode: null,
  signal: 'SIGTERM',
  attempt: 2,
  pid: 777,
  output: Buffer.from('partial\n'),
  outputTruncated: true,
  outputBytes: 300_000,
  stop: { cause: 'timeout', afterMs: 70_000, signals: ['SIGTERM'], killAfterMs: 10_000, abandoned: null },
  error: null,
};

describe('toRunView', () => {
  test('instants as ISO, the duration, and the outcome in words; no output by default', () => {
    expect(toRunView(finished)).toEqual({
      id: 12,
      task: 'backup',
      trigger: 'schedule',
      status: 'timed-out',
      scheduledAt: '2026-03-01T03:30:00.000Z',
      createdAt: '2026-03-01T03:30:00.000Z',
      startedAt: '2026-03-01T03:30:00.250Z',
      endedAt: '2026-03-01T03:31:10.000Z',
      durationMs: 69_750,
      exitCode: null,
      signal: 'SIGTERM',
      attempt: 2,
      pid: 777,
      outputBytes: 300_000,
      outputTruncated: true,
      stop: { cause: 'timeout', afterMs: 70_000, signals: ['SIGTERM'], killAfterMs: 10_000, abandoned: null },
      error: null,
      outcome: 'timed out after 1m10s; sent SIGTERM',
      skipReason: null,
      skipCount: null,
      skipMore: null,
      skipFirstAt: null,
      skipLastAt: null,
    });
  });

  test('withOutput adds the output; a queued run has nulls and no duration', () => {
    expect(toRunView(finished, { withOutput: true }).output).toBe('partial\n');
    const queued: RunRecord = {
      ...finished,
      status: 'queued',
      startedAt: null,
      endedAt: null,
      scheduledAt: null,
      pid: null,
      error: null,
    };
    expect(toRunView(queued)).toMatchObject({
      status: 'queued',
      startedAt: null,
      endedAt: null,
      scheduledAt: null,
      durationMs: null,
      outcome: 'queued',
    });
  });

  test('withOutput: output is the UTF-8 text (lossy), outputBase64 the exact bytes', () => {
    const bytes = Buffer.from([0x61, 0x00, 0x62, 0xff, 0x0a]);
    const view = toRunView({ ...finished, output: bytes }, { withOutput: true });
    expect([view.output, view.outputBase64]).toEqual(['a\u0000b\ufffd\n', 'YQBi/wo=']);
    expect(Buffer.from(view.outputBase64 ?? '', 'base64')).toEqual(bytes);
    expect(toRunView(finished)).not.toHaveProperty('outputBase64');
  });

  test('a stored run without its output (a history listing): the same view; withOutput gives ""', () => {
    const { output: _output, ...summary } = finished;
    expect(toRunView(summary)).toEqual(toRunView(finished));
    expect(toRunView(summary, { withOutput: true })).toMatchObject({ output: '', outputBase64: '' });
  });
});

test('toRunStatsView: the counts and the rate, without the task name the reply already has', () => {
  expect(toRunStatsView({ task: 'backup', succeeded: 19, failed: 1, successRate: 0.95 })).toEqual({
    succeeded: 19,
    failed: 1,
    successRate: 0.95,
  });
  expect(toRunStatsView({ task: 'backup', succeeded: 0, failed: 0, successRate: null })).toEqual({
    succeeded: 0,
    failed: 0,
    successRate: null,
  });
});

describe('toTaskView', () => {
  const spec = makeTask('report', {
    description: 'weekly',
    schedule: { kind: 'daily', times: [{ hour: 3, minute: 30, second: 0 }] },
    timezone: 'Europe/Berlin',
  });
  const status: TaskStatus = {
    name: 'report',
    spec,
    state: 'held',
    schedule: every('5m'),
    rescheduled: true,
    nextAt: ms('2026-03-01T12:05:00Z'),
    held: true,
    holdNote: 'disk full',
    heldAt: ms('2026-03-01T11:00:00Z'),
    heldUntil: null,
    running: [finished, finished],
    queued: 1,
    group: null,
    scheduledRuns: 4,
    lastScheduledAt: null,
    lastSuccessAt: null,
    overdueSince: null,
    lastRun: finished,
    failedSlots: 0,
    autoHeld: false,
    alert: { failureAlertedAt: ms('2026-03-01T10:00:00Z'), overdueAlertedAt: null },
  };

  test('the schedule in force in words, its zone named when not the default', () => {
    expect(toTaskView(status, 'UTC')).toEqual({
      name: 'report',
      description: 'weekly',
      state: 'held',
      schedule: 'every 5m (Europe/Berlin)',
      timezone: 'Europe/Berlin',
      rescheduled: true,
      nextAt: '2026-03-01T12:05:00.000Z',
      held: true,
      holdNote: 'disk full',
      heldAt: '2026-03-01T11:00:00.000Z',
      heldUntil: null,
      overdueSince: null,
      lastSuccessAt: null,
      autoHeld: false,
      failedSlots: 0,
      failing: true,
      alert: { failures: 0, failureAlertedAt: '2026-03-01T10:00:00.000Z', overdueAlertedAt: null },
      running: 2,
      queued: 1,
      group: null,
      lastRun: toRunView(finished),
      join: null,
    });
    expect(toTaskView(status, 'Europe/Berlin').schedule).toBe('every 5m');
  });

  test('a stored last run stands in only where the engine has none (right after a restart)', () => {
    const stored: RunRecord = { ...finished, id: 3, status: 'interrupted', error: 'taskkit stopped' };
    expect(toTaskView(status, 'UTC', stored).lastRun?.id).toBe(12);
    expect(toTaskView({ ...status, lastRun: null }, 'UTC', stored).lastRun).toEqual(toRunView(stored));
    expect(toTaskView({ ...status, lastRun: null }, 'UTC').lastRun).toBeNull();
  });

  test('failing (issue 16.8): the rule of status --check, on the same last run as lastRun', () => {
    const succeeded: RunRecord = { ...finished, status: 'succeeded', exitCode: 0, signal: null, stop: null };
    // Its last attempt timed out, no retry left: failing, though a run of it waits.
    expect(toTaskView(status, 'UTC').failing).toBe(true);
    expect(toTaskView({ ...status, lastRun: succeeded }, 'UTC').failing).toBe(false);
    expect(toTaskView({ ...status, lastRun: null }, 'UTC').failing).toBe(false);
    expect(toTaskView({ ...status, lastRun: null }, 'UTC', finished).failing).toBe(true);
    // A retry waits for that attempt: its slot is not over.
    const retrying = { ...spec, retry: { attempts: 3, delayMs: 1000, backoff: 1, maxDelayMs: 1000 } };
    expect(toTaskView({ ...status, spec: retrying }, 'UTC').failing).toBe(false);
    expect(toTaskView({ ...status, spec: retrying, queued: 0 }, 'UTC').failing).toBe(true);
    // Auto-held: the hold is what to see to; removed: no task of the file.
    expect(toTaskView({ ...status, autoHeld: true }, 'UTC').failing).toBe(false);
    expect(toTaskView({ ...status, state: 'removed' }, 'UTC').failing).toBe(false);
  });
});

describe('toDefinitionView', () => {
  test('schedules as JSON', () => {
    expect(
      toScheduleView({
        kind: 'daily',
        times: [
          { hour: 3, minute: 30, second: 0 },
          { hour: 15, minute: 0, second: 5 },
        ],
      }),
    ).toEqual({ kind: 'daily', times: ['03:30', '15:00:05'] });
    expect(toScheduleView({ kind: 'at', instants: [ms('2026-12-01T09:00:00Z')] })).toEqual({
      kind: 'at',
      instants: ['2026-12-01T09:00:00.000Z'],
    });
    expect(toScheduleView(every('1h', '2026-01-01T00:00'))).toEqual({
      kind: 'every',
      periodMs: 3_600_000,
      anchor: '2026-01-01T00:00:00.000Z',
      startGiven: true,
    });
    expect(toScheduleView({ kind: 'reboot' })).toEqual({ kind: 'reboot' });
  });

  test('a function action loses its function; argv and module keep their fields; until and source', () => {
    const fn = makeTask('f', { action: { kind: 'function', fn: () => 1 }, until: ms('2027-01-01T00:00:00Z') });
    const view = toDefinitionView(fn);
    expect(view.action).toEqual({ kind: 'function' });
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
    expect([view.until, view.source]).toEqual(['2027-01-01T00:00:00.000Z', null]);
    const module = makeTask('m', {
      action: { kind: 'module', path: '/t/report.js', exportName: 'run', args: { to: 'ops' } },
      source: { file: 'tasks.yaml', line: 4, column: 3 },
    });
    expect([toDefinitionView(module).action, toDefinitionView(module).source]).toEqual([
      { kind: 'module', path: '/t/report.js', exportName: 'run', args: { to: 'ops' } },
      { file: 'tasks.yaml', line: 4, column: 3 },
    ]);
    expect(toDefinitionView(makeTask('a', { action: { kind: 'argv', argv: ['node', 'x.js'] } })).action).toEqual({
      kind: 'argv',
      argv: ['node', 'x.js'],
    });
  });

  test('the notifier: kind, target and rules, never a URL password (issue 16.1); none is null', () => {
    const notify = {
      target: { kind: 'url', url: 'https://bot:hunter2@hooks.example.com/t/1' },
      on: ['failure', 'recovery'],
      after: 2,
      repeatMs: 3_600_000,
    } as const;
    const view = toDefinitionView(makeTask('n', { notify }));
    expect(view.notify).toEqual({
      kind: 'url',
      target: 'https://***@hooks.example.com/t/1',
      on: ['failure', 'recovery'],
      after: 2,
      repeatMs: 3_600_000,
    });
    expect(JSON.stringify(view)).not.toContain('hunter2');
    expect(toDefinitionView(makeTask('m')).notify).toBeNull();
  });
});
