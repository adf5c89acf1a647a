// Issue 16 part 3: `expect-success-within: D`, the dead-man. An `overdue` event when no run of the
// task succeeded for D (from its last success, or from the daemon's start), once per overdue
// period, then `recovery` at the next success; on the engine's clock, for on-demand tasks too.
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask, ms } from '../support/engine-task.js';

const HOUR = 3_600_000;

describe('expect-success-within', () => {
  test('an on-demand task goes overdue once, D after the start, and recovers at the next success', async () => {
    const { clock, runner, scheduler, events, eventsOf, logs } = createEngine('2026-08-01T12:00:00.000Z');
    scheduler.add(makeTask('sync', { expectSuccessWithinMs: 2 * HOUR }));
    scheduler.start();
    clock.advanceTo('2026-08-01T13:59:59.999Z');
    expect(eventsOf('overdue')).toEqual([]);
    clock.advanceTo('2026-08-01T14:00:00.000Z');
    const overdue = events.filter((event) => event[0] === 'overdue');
    expect(overdue.map(([, task, since, dueAt]) => [task.name, iso(since), iso(dueAt)])).toEqual([
      ['sync', '2026-08-01T12:00:00.000Z', '2026-08-01T14:00:00.000Z'],
    ]);
    expect(scheduler.get('sync')).toMatchObject({ overdueSince: ms('2026-08-01T14:00:00.000Z'), lastSuccessAt: null });
    expect(logs).toContainEqual(['warn', 'sync: overdue: no run succeeded within 2h (none since taskkit started)']);
    // Once per overdue period: days later, still one event.
    clock.advanceTo('2026-08-05T14:00:00.000Z');
    expect(eventsOf('overdue')).toHaveLength(1);
    // A failed run is no recovery.
    const failed = scheduler.runNow('sync');
    runner.finish(failed.id, { status: 'failed', exitCode: 1 });
    await flush();
    expect(eventsOf('recovery')).toEqual([]);
    expect(scheduler.get('sync').overdueSince).not.toBeNull();
    // `run-now` from another system's cron: the success recovers it.
    const run = scheduler.runNow('sync');
    runner.finish(run.id);
    await flush();
    const recovery = events.filter((event) => event[0] === 'recovery');
    expect(recovery.map(([, task, record, since]) => [task.name, record.id, iso(since)])).toEqual([
      ['sync', run.id, '2026-08-01T14:00:00.000Z'],
    ]);
    expect(scheduler.get('sync')).toMatchObject({ overdueSince: null, lastSuccessAt: ms('2026-08-05T14:00:00.000Z') });
    // The period counts from that success again: a second overdue period, a second event.
    clock.advanceTo('2026-08-05T15:59:59.000Z');
    expect(eventsOf('overdue')).toHaveLength(1);
    clock.advanceTo('2026-08-05T16:00:00.000Z');
    expect(eventsOf('overdue')).toHaveLength(2);
  });

  test('each success moves the deadline: a task that keeps succeeding never goes overdue', async () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-08-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('1h'), expectSuccessWithinMs: 90 * 60_000 }));
    scheduler.start();
    for (let hour = 1; hour <= 5; hour++) {
      clock.advanceTo(new Date(ms('2026-08-01T00:00:00.000Z') + hour * HOUR).toISOString());
      for (const id of runner.running()) runner.finish(id);
      await flush();
    }
    expect(eventsOf('overdue')).toEqual([]);
    expect(eventsOf('recovery')).toEqual([]);
    // It stops succeeding: overdue 90 minutes after the last success.
    clock.advanceTo('2026-08-01T06:00:00.000Z');
    for (const id of runner.running()) runner.finish(id, { status: 'failed', exitCode: 1 });
    await flush();
    clock.advanceTo('2026-08-01T06:29:59.000Z');
    expect(eventsOf('overdue')).toEqual([]);
    clock.advanceTo('2026-08-01T06:30:00.000Z');
    expect(eventsOf('overdue').map((task) => task.name)).toEqual(['job']);
  });

  test('a restart keeps the last success: the deadline counts from it, not from the new start', () => {
    const lastSuccessAt = ms('2026-08-01T10:00:00.000Z');
    const { clock, scheduler, eventsOf } = createEngine('2026-08-01T11:00:00.000Z');
    scheduler.add(makeTask('sync', { expectSuccessWithinMs: 2 * HOUR }), { lastSuccessAt });
    scheduler.start();
    expect(scheduler.get('sync').lastSuccessAt).toBe(lastSuccessAt);
    clock.advanceTo('2026-08-01T11:59:59.000Z');
    expect(eventsOf('overdue')).toEqual([]);
    clock.advanceTo('2026-08-01T12:00:00.000Z');
    expect(eventsOf('overdue').map((task) => [task.name, iso(task.overdueSince)])).toEqual([
      ['sync', '2026-08-01T12:00:00.000Z'],
    ]);
  });

  test('a deadline that passed while the daemon was down fires at the start', () => {
    const { clock, scheduler, eventsOf } = createEngine('2026-08-02T00:00:00.000Z');
    const lastSuccessAt = ms('2026-08-01T10:00:00.000Z');
    scheduler.add(makeTask('sync', { expectSuccessWithinMs: 2 * HOUR }), { lastSuccessAt });
    scheduler.start();
    clock.advanceBy(0);
    expect(eventsOf('overdue').map((task) => iso(task.overdueSince))).toEqual(['2026-08-01T12:00:00.000Z']);
  });

  test('a reload that drops the key ends the watch; a task without it never goes overdue', () => {
    const { clock, scheduler, eventsOf } = createEngine('2026-08-01T00:00:00.000Z');
    scheduler.add(makeTask('sync', { expectSuccessWithinMs: HOUR }));
    scheduler.add(makeTask('plain'));
    scheduler.start();
    clock.advanceTo('2026-08-01T01:00:00.000Z');
    expect(eventsOf('overdue').map((task) => task.name)).toEqual(['sync']);
    scheduler.replace(makeTask('sync'));
    expect(scheduler.get('sync').overdueSince).toBeNull();
    clock.advanceTo('2026-08-03T00:00:00.000Z');
    expect(eventsOf('overdue')).toHaveLength(1);
    expect(scheduler.get('plain').overdueSince).toBeNull();
  });
});
