// DESIGN.md "Layers" (engine: one timer over a min-heap of next instants) and STYLE.md practice 11:
// the engine keeps ONE timer for the earliest instant over all tasks, never sleeps longer than
// MAX_TIMER_DELAY_MS, and re-arms only when the earliest instant changes.
import { describe, expect, test } from 'vitest';
import { MAX_TIMER_DELAY_MS } from '../../src/engine/clock.js';
import { createEngine, every, iso, makeTask, ms } from '../support/engine-task.js';

describe('one timer over all tasks', () => {
  test('10,000 tasks: one pending timer, each fires at its own instant, the timer stays single', () => {
    const { clock, runner, scheduler } = createEngine('2026-05-01T00:00:00.000Z');
    for (let i = 0; i < 10_000; i++) {
      // Periods of 1..10,000 s: task i fires first at (i+1) s past midnight.
      scheduler.add(makeTask(`t${i}`, { schedule: every(`${i + 1}s`, '2026-05-01T00:00') }));
    }
    scheduler.start();
    expect(clock.pendingTimers).toBe(1);
    expect(clock.nextTimerIn()).toBe(1_000);
    clock.advanceTo('2026-05-01T00:00:05.000Z');
    expect(clock.pendingTimers).toBe(1);
    // At 1 s: t0; 2 s: t0, t1; 3 s: t0, t2; 4 s: t0, t1, t3; 5 s: t0, t4 (t1..t3 still running: skipped).
    expect(runner.requests.map((request) => request.task.name)).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual([
      '2026-05-01T00:00:01.000Z',
      '2026-05-01T00:00:02.000Z',
      '2026-05-01T00:00:03.000Z',
      '2026-05-01T00:00:04.000Z',
      '2026-05-01T00:00:05.000Z',
    ]);
  });

  test('adding 10,000 tasks arms no timer per task', () => {
    // How fast adding is belongs to `npm run bench` (scenario 4), not to a timed unit test on shared cores.
    const specs = Array.from({ length: 10_000 }, (_, i) => makeTask(`t${i}`, { schedule: every(`${(i % 500) + 1}m`) }));
    const { clock, scheduler } = createEngine('2026-05-01T00:00:00.000Z');
    scheduler.start();
    for (const spec of specs) scheduler.add(spec);
    expect(clock.pendingTimers).toBe(1);
    // start() armed the capped wake; every task is due later than that, so no add re-armed it.
    expect(clock.delays).toEqual([MAX_TIMER_DELAY_MS]);
  });

  test('a task due in 40 days: the timer delay never exceeds MAX_TIMER_DELAY_MS, and it fires on the dot', () => {
    const { clock, runner, scheduler } = createEngine('2026-05-01T00:00:00.000Z');
    scheduler.add(makeTask('far', { schedule: { kind: 'at', instants: [ms('2026-06-10T00:00:00.000Z')] } }));
    scheduler.start();
    clock.advanceTo('2026-06-09T23:59:59.999Z');
    expect(runner.requests).toEqual([]);
    clock.advanceTo('2026-06-10T00:00:00.000Z');
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual(['2026-06-10T00:00:00.000Z']);
    expect(clock.delays.reduce((max, delay) => Math.max(max, delay), 0)).toBe(MAX_TIMER_DELAY_MS);
    // 40 days of capped wakes: one timer at a time, 345,600 wakes + the final one.
    expect(clock.delays.length).toBe((40 * 86_400_000) / MAX_TIMER_DELAY_MS + 1);
    expect(clock.pendingTimers).toBe(1);
  });

  test('idle with no tasks: still one capped wake (clock-step detection), nothing more', () => {
    const { clock, scheduler } = createEngine('2026-05-01T00:00:00.000Z');
    scheduler.start();
    clock.advanceBy(60_000);
    expect(clock.delays).toEqual(Array(7).fill(MAX_TIMER_DELAY_MS));
    expect(clock.pendingTimers).toBe(1);
  });

  test('re-arms when an earlier instant appears, and not when a later one does', () => {
    const { clock, scheduler } = createEngine('2026-05-01T00:00:00.000Z');
    scheduler.add(makeTask('a', { schedule: every('5s') }));
    scheduler.start();
    expect(clock.delays).toEqual([5_000]);
    scheduler.add(makeTask('later', { schedule: every('7s') }));
    expect(clock.delays).toEqual([5_000]);
    scheduler.add(makeTask('sooner', { schedule: every('2s') }));
    expect(clock.delays).toEqual([5_000, 2_000]);
    expect(clock.pendingTimers).toBe(1);
  });

  test('stop clears the timer: nothing is left armed', async () => {
    const { clock, scheduler } = createEngine('2026-05-01T00:00:00.000Z');
    scheduler.add(makeTask('a', { schedule: every('5s') }));
    scheduler.start();
    await scheduler.stop();
    expect(clock.pendingTimers).toBe(0);
  });
});
