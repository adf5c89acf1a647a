// DESIGN.md "Schedule semantics" / "State and history": instants missed while the daemon was down
// (between the restored lastScheduledAt and now) follow `catch-up` (skip | once | all, at most
// 100) and `deadline`; one-shot `at` instants in the past at add() are not run unless catch-up
// with restored state says so. Restored hold, reschedule and max-runs counter are kept.
import { describe, expect, test } from 'vitest';
import type { TaskSpec } from '../../src/config/types.js';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask, ms } from '../support/engine-task.js';

const DOWN_SINCE = ms('2026-07-01T08:00:00.000Z');

function restart(
  task: Partial<TaskSpec>,
  restored: Parameters<ReturnType<typeof createEngine>['scheduler']['add']>[1] = { lastScheduledAt: DOWN_SINCE },
) {
  const engine = createEngine('2026-07-01T10:20:00.000Z');
  engine.scheduler.add(makeTask('job', { schedule: every('1h'), ...task }), restored);
  return engine;
}

describe('restart with restored lastScheduledAt', () => {
  test('nothing runs before start(); then catch-up skip records one skip for 09:00 and 10:00', () => {
    const { runner, scheduler, eventsOf } = restart({});
    expect(eventsOf('run-skipped')).toEqual([]);
    scheduler.start();
    expect(runner.requests).toEqual([]);
    expect(eventsOf('run-skipped').map((run) => [run.trigger, iso(run.scheduledAt), run.error])).toEqual([
      ['catch-up', '2026-07-01T09:00:00.000Z', 'missed 2 instants while taskkit was down (catch-up: skip)'],
    ]);
    expect(eventsOf('run-skipped')[0]?.skip).toEqual({
      reason: 'missed',
      count: 2,
      more: false,
      lastAt: Date.parse('2026-07-01T10:00:00.000Z'),
    });
    expect(iso(scheduler.get('job').nextAt)).toBe('2026-07-01T11:00:00.000Z');
    expect(iso(scheduler.get('job').lastScheduledAt)).toBe('2026-07-01T10:00:00.000Z');
  });

  test('catch-up once: one run for the latest missed instant', () => {
    const { runner, scheduler } = restart({ catchUp: 'once' });
    scheduler.start();
    expect(runner.requests.map((request) => [request.trigger, iso(request.scheduledAt)])).toEqual([
      ['catch-up', '2026-07-01T10:00:00.000Z'],
    ]);
  });

  test('catch-up all: each missed instant in order, one after another', async () => {
    const { runner, scheduler } = restart({ catchUp: 'all' });
    scheduler.start();
    expect(runner.running()).toEqual([1]);
    runner.finish(1);
    await flush();
    expect(runner.running()).toEqual([2]);
    expect(runner.requests.map((request) => [request.trigger, iso(request.scheduledAt)])).toEqual([
      ['catch-up', '2026-07-01T09:00:00.000Z'],
      ['catch-up', '2026-07-01T10:00:00.000Z'],
    ]);
  });

  test('deadline: missed instants older than the deadline are skipped, younger ones run', async () => {
    const { runner, scheduler, eventsOf } = restart({ catchUp: 'all', deadlineMs: 30 * 60_000 });
    scheduler.start();
    expect(eventsOf('run-skipped').map((run) => [iso(run.scheduledAt), run.error])).toEqual([
      ['2026-07-01T09:00:00.000Z', 'would start 1h20m after its instant, past its deadline of 30m'],
    ]);
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual(['2026-07-01T10:00:00.000Z']);
  });

  test('no restored lastScheduledAt: a first start catches nothing up', () => {
    const { runner, scheduler, eventsOf } = restart({ catchUp: 'all' }, {});
    scheduler.start();
    expect(runner.requests).toEqual([]);
    expect(eventsOf('run-skipped')).toEqual([]);
  });

  test('a task added after start() catches up at once', () => {
    const { runner, scheduler } = createEngine('2026-07-01T10:20:00.000Z');
    scheduler.start();
    scheduler.add(makeTask('job', { schedule: every('1h'), catchUp: 'once' }), { lastScheduledAt: DOWN_SINCE });
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual(['2026-07-01T10:00:00.000Z']);
  });

  test('a restored hold: nothing is caught up; the time down counts as held (issue 16.7)', () => {
    const { runner, scheduler, eventsOf } = restart(
      { catchUp: 'all' },
      { lastScheduledAt: DOWN_SINCE, hold: { note: 'disk full', at: DOWN_SINCE } },
    );
    scheduler.start();
    expect(runner.requests).toEqual([]);
    expect(scheduler.get('job')).toMatchObject({ state: 'held', holdNote: 'disk full', heldAt: DOWN_SINCE });
    // Counted when asked (or at the resume): 09:00 and 10:00, one held row.
    scheduler.settleSkipped();
    expect(eventsOf('run-skipped').map((run) => [iso(run.scheduledAt), run.error, run.skip?.count])).toEqual([
      ['2026-07-01T09:00:00.000Z', 'held (disk full)', 2],
    ]);
    expect(iso(scheduler.get('job').lastScheduledAt)).toBe('2026-07-01T10:00:00.000Z');
  });
});

describe('one-shot at instants in the past at add()', () => {
  const at: TaskSpec['schedule'] = {
    kind: 'at',
    instants: [ms('2026-07-01T09:00:00.000Z'), ms('2026-07-02T09:00:00.000Z')],
  };

  test('are not run: the task waits for its next instant', () => {
    const { runner, scheduler } = restart({ schedule: at, catchUp: 'once' }, {});
    scheduler.start();
    expect(runner.requests).toEqual([]);
    expect(iso(scheduler.get('job').nextAt)).toBe('2026-07-02T09:00:00.000Z');
  });

  test('unless catch-up with restored state says so', () => {
    const { runner, scheduler } = restart({ schedule: at, catchUp: 'once' });
    scheduler.start();
    expect(runner.requests.map((request) => [request.trigger, iso(request.scheduledAt)])).toEqual([
      ['catch-up', '2026-07-01T09:00:00.000Z'],
    ]);
  });
});

describe('other restored state', () => {
  test('a run-time reschedule still in force replaces the file schedule', () => {
    const { scheduler } = restart({}, { schedule: every('15m') });
    expect(scheduler.get('job')).toMatchObject({ rescheduled: true, schedule: every('15m') });
    expect(iso(scheduler.get('job').nextAt)).toBe('2026-07-01T10:30:00.000Z');
  });

  test('the max-runs counter continues: 2 of 3 done means one more run, then done', async () => {
    const { clock, runner, scheduler } = restart({ maxRuns: 3 }, { scheduledRuns: 2 });
    scheduler.start();
    clock.advanceTo('2026-07-01T11:00:00.000Z');
    runner.finish(1);
    await flush();
    clock.advanceTo('2026-07-01T13:00:00.000Z');
    expect(runner.requests.length).toBe(1);
    expect(scheduler.get('job')).toMatchObject({ state: 'done', scheduledRuns: 3, nextAt: null });
  });
});
