// DESIGN.md "Schedule semantics" and the engine brief: on each wake every task whose next instant
// is <= now fires once; its next instant becomes schedule.next(max(now, fired)), so a late wake
// never fires the same task twice in a burst; instants skipped over in between are missed and
// follow `catch-up`; a run that would start later than its `deadline` is skipped instead.
import { describe, expect, test } from 'vitest';
import { createEngine, every, iso, makeTask } from '../support/engine-task.js';

describe('a late wake', () => {
  test('fires the due instant once; the skipped-over ones are missed (catch-up: skip records one skip)', () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-04-01T10:00:00.000Z');
    scheduler.add(makeTask('tick', { schedule: every('1s') }));
    scheduler.start();
    clock.stall(3_500); // the event loop was blocked from 10:00:00 to 10:00:03.5
    clock.advanceBy(0);
    expect(runner.requests.map((request) => [request.trigger, iso(request.scheduledAt)])).toEqual([
      ['schedule', '2026-04-01T10:00:01.000Z'],
    ]);
    expect(eventsOf('run-started').map((run) => iso(run.startedAt))).toEqual(['2026-04-01T10:00:03.500Z']);
    // One record for both, from the first to the last (issue 16.7).
    expect(eventsOf('run-skipped').map((run) => [run.trigger, iso(run.scheduledAt), run.error])).toEqual([
      ['catch-up', '2026-04-01T10:00:02.000Z', 'missed 2 instants (catch-up: skip)'],
    ]);
    expect(eventsOf('run-skipped')[0]?.skip).toEqual({
      reason: 'missed',
      count: 2,
      more: false,
      lastAt: Date.parse('2026-04-01T10:00:03.000Z'),
    });
    expect(iso(scheduler.get('tick').nextAt)).toBe('2026-04-01T10:00:04.000Z');
    expect(iso(scheduler.get('tick').lastScheduledAt)).toBe('2026-04-01T10:00:03.000Z');
  });

  test('catch-up once: one more run for the latest missed instant, after the on-time one', () => {
    const { clock, runner, scheduler } = createEngine('2026-04-01T10:00:00.000Z');
    scheduler.add(makeTask('tick', { schedule: every('1s'), catchUp: 'once', overlap: 'allow' }));
    scheduler.start();
    clock.stall(3_500);
    clock.advanceBy(0);
    expect(runner.requests.map((request) => [request.trigger, iso(request.scheduledAt)])).toEqual([
      ['schedule', '2026-04-01T10:00:01.000Z'],
      ['catch-up', '2026-04-01T10:00:03.000Z'],
    ]);
  });

  test('a late run past its deadline is skipped, saying why', () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-04-01T10:00:00.000Z');
    scheduler.add(makeTask('tick', { schedule: every('1m'), deadlineMs: 1_000 }));
    scheduler.start();
    clock.advanceTo('2026-04-01T10:00:59.000Z');
    clock.stall(2_500);
    clock.advanceBy(0);
    expect(runner.requests).toEqual([]);
    expect(eventsOf('run-skipped').map((run) => [run.trigger, iso(run.scheduledAt), run.error])).toEqual([
      ['schedule', '2026-04-01T10:01:00.000Z', 'would start 1s500ms after its instant, past its deadline of 1s'],
    ]);
    expect(iso(scheduler.get('tick').nextAt)).toBe('2026-04-01T10:02:00.000Z');
  });

  test('a late run within its deadline starts, with its instant as scheduledAt', () => {
    const { clock, scheduler, eventsOf } = createEngine('2026-04-01T10:00:00.000Z');
    scheduler.add(makeTask('tick', { schedule: every('1m'), deadlineMs: 5_000 }));
    scheduler.start();
    clock.advanceTo('2026-04-01T10:00:59.000Z');
    clock.stall(2_500);
    clock.advanceBy(0);
    expect(eventsOf('run-started').map((run) => [iso(run.scheduledAt), iso(run.startedAt)])).toEqual([
      ['2026-04-01T10:01:00.000Z', '2026-04-01T10:01:01.500Z'],
    ]);
  });
});
