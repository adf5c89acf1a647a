// DESIGN.md "Schedule semantics", `every`: fixed rate on the absolute timeline, anchored at
// `start` (default local midnight 2000-01-01); a late run never shifts later instants (no drift),
// and restarts keep the phase (the instants depend on the anchor, not on when the daemon started).
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask } from '../support/engine-task.js';

describe('every: phase', () => {
  test('every 1h fires on the hour, at exact instants, from a start in the middle of an hour', () => {
    const { clock, runner, scheduler } = createEngine('2026-03-10T10:17:23.000Z');
    scheduler.add(makeTask('hourly', { schedule: every('1h'), overlap: 'allow' }));
    scheduler.start();
    expect(iso(scheduler.get('hourly').nextAt)).toBe('2026-03-10T11:00:00.000Z');
    clock.advanceTo('2026-03-10T13:30:00.000Z');
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual([
      '2026-03-10T11:00:00.000Z',
      '2026-03-10T12:00:00.000Z',
      '2026-03-10T13:00:00.000Z',
    ]);
  });

  test('no drift: a run that lasts longer than its period does not shift the next instants', async () => {
    const { clock, runner, scheduler } = createEngine('2026-03-10T10:00:00.000Z');
    scheduler.add(makeTask('slow', { schedule: every('10m'), overlap: 'skip' }));
    scheduler.start();
    clock.advanceTo('2026-03-10T10:10:00.000Z');
    expect(runner.running()).toEqual([1]);
    clock.advanceTo('2026-03-10T10:23:00.000Z'); // 10:20 collides with run #1 and is skipped
    runner.finish(1);
    await flush();
    clock.advanceTo('2026-03-10T10:30:00.000Z');
    expect(runner.requests.map((request) => [request.runId, iso(request.scheduledAt)])).toEqual([
      [1, '2026-03-10T10:10:00.000Z'],
      [3, '2026-03-10T10:30:00.000Z'],
    ]);
    expect(scheduler.get('slow').lastRun).toMatchObject({ id: 1, status: 'succeeded' });
    expect(scheduler.get('slow').running.map((run) => run.id)).toEqual([3]);
    expect(iso(scheduler.get('slow').nextAt)).toBe('2026-03-10T10:40:00.000Z');
  });

  test('every run starts exactly at its instant: startedAt equals scheduledAt on time', () => {
    const { clock, scheduler, eventsOf } = createEngine('2026-03-10T10:00:00.500Z');
    scheduler.add(makeTask('tick', { schedule: every('1s') }));
    scheduler.start();
    clock.advanceTo('2026-03-10T10:00:01.000Z');
    const [started] = eventsOf('run-started');
    expect(started?.startedAt).toBe(Date.parse('2026-03-10T10:00:01.000Z'));
    expect(started?.scheduledAt).toBe(Date.parse('2026-03-10T10:00:01.000Z'));
  });

  test('a restart keeps the phase: a scheduler created at another time gets the same instants', () => {
    const first = createEngine('2026-03-10T10:07:00.000Z');
    first.scheduler.add(makeTask('five', { schedule: every('20m', '2026-01-01T00:05') }));
    const second = createEngine('2026-03-10T10:41:13.000Z');
    second.scheduler.add(makeTask('five', { schedule: every('20m', '2026-01-01T00:05') }), {
      lastScheduledAt: Date.parse('2026-03-10T10:25:00.000Z'),
    });
    expect(iso(first.scheduler.get('five').nextAt)).toBe('2026-03-10T10:25:00.000Z');
    expect(iso(second.scheduler.get('five').nextAt)).toBe('2026-03-10T10:45:00.000Z');
    expect(iso(second.scheduler.get('five').lastScheduledAt)).toBe('2026-03-10T10:25:00.000Z');
  });
});
