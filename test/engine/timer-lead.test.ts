// The timer's lead (engine/timeline.ts TIMER_LEAD_MS, issue 20 point 1): with a clock that can wait
// precisely (Clock.waitUntil), the engine arms its timer early and waits out the rest, so a run starts
// on its instant, never before it. On the fake clock the wait moves time on as a spin would.
import { describe, expect, test } from 'vitest';
import { Scheduler } from '../../src/engine/scheduler.js';
import { LEAD_MIN_SLEEP_MS, TIMER_LEAD_MS } from '../../src/engine/timeline.js';
import { Scheduler as LibraryScheduler } from '../../src/index.js';
import { FakeClock, PreciseFakeClock } from '../support/fake-clock.js';
import { FakeRunner } from '../support/fake-runner.js';
import type { Runner } from '../../src/engine/ports.js';
import { every, iso, makeTask, ms } from '../support/engine-task.js';

const START = '2026-05-01T00:00:00.000Z';

/** An engine on `clock`; `startedAt` has the clock's time at each run's start. */
function engine(clock: FakeClock): { runner: FakeRunner; scheduler: Scheduler; startedAt: number[] } {
  const runner = new FakeRunner();
  const startedAt: number[] = [];
  const recording: Runner = {
    start: (request, onOutput) => {
      startedAt.push(clock.now());
      return runner.start(request, onOutput);
    },
  };
  return { runner, scheduler: new Scheduler({ clock, runner: recording }), startedAt };
}

/** Runs of the fake runner never end by themselves: these tasks' runs may overlap. */
const overlapping = { overlap: 'allow' } as const;

describe('the timer lead', () => {
  test('armed TIMER_LEAD_MS early, the wake waits to the instant: each run starts exactly on it', () => {
    const clock = new PreciseFakeClock(START);
    const { runner, scheduler, startedAt } = engine(clock);
    scheduler.add(makeTask('tick', { schedule: every('1s', '2026-05-01T00:00'), ...overlapping }));
    scheduler.start();
    expect(clock.delays).toEqual([1000 - TIMER_LEAD_MS]);
    // The timer fires at .998; its wake waits (time moves on as in a spin) and the run starts at 1.000.
    clock.advanceTo('2026-05-01T00:00:00.999Z');
    expect(clock.waits).toEqual([{ from: ms('2026-05-01T00:00:00.998Z'), until: ms('2026-05-01T00:00:01.000Z') }]);
    expect(clock.now()).toBe(ms('2026-05-01T00:00:01.000Z'));
    clock.advanceTo('2026-05-01T00:00:05.000Z');
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual([
      '2026-05-01T00:00:01.000Z',
      '2026-05-01T00:00:02.000Z',
      '2026-05-01T00:00:03.000Z',
      '2026-05-01T00:00:04.000Z',
      '2026-05-01T00:00:05.000Z',
    ]);
    expect(startedAt).toEqual(runner.requests.map((request) => request.scheduledAt));
    expect(clock.waits.every((wait) => wait.until - wait.from === TIMER_LEAD_MS)).toBe(true);
  });

  test('the same engine on a clock that cannot wait: the timer is armed for the instant itself', () => {
    const clock = new FakeClock(START);
    const { runner, scheduler } = engine(clock);
    scheduler.add(makeTask('tick', { schedule: every('1s', '2026-05-01T00:00') }));
    scheduler.start();
    expect(clock.delays).toEqual([1000]);
    clock.advanceTo('2026-05-01T00:00:00.999Z');
    expect(runner.requests).toEqual([]);
    clock.advanceTo('2026-05-01T00:00:01.000Z');
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual(['2026-05-01T00:00:01.000Z']);
  });

  test('the instant moved away after the lead was armed: no wait, nothing before its instant', () => {
    const clock = new PreciseFakeClock(START);
    const { runner, scheduler, startedAt } = engine(clock);
    scheduler.add(makeTask('first', { schedule: { kind: 'at', instants: [ms('2026-05-01T00:00:01.000Z')] } }));
    scheduler.start();
    clock.advanceTo('2026-05-01T00:00:00.500Z');
    // The lead timer stays armed for .998 (it fires no later than the new earliest instant needs).
    scheduler.remove('first');
    scheduler.add(makeTask('second', { schedule: { kind: 'at', instants: [ms('2026-05-01T00:00:01.500Z')] } }));
    clock.advanceTo('2026-05-01T00:00:01.000Z');
    // The wake at .998 found nothing within the lead: it waited not, and re-armed with the lead for 1.500.
    expect(runner.requests).toEqual([]);
    expect(clock.waits).toEqual([]);
    expect(clock.delays.slice(-1)).toEqual([500]);
    // Its wake at 1.498 waits to 1.500 (time moves on as a spin: past the 1.499 asked for).
    clock.advanceTo('2026-05-01T00:00:01.499Z');
    expect(clock.waits).toEqual([{ from: ms('2026-05-01T00:00:01.498Z'), until: ms('2026-05-01T00:00:01.500Z') }]);
    expect(clock.now()).toBe(ms('2026-05-01T00:00:01.500Z'));
    expect(runner.requests.map((request) => `${request.task.name} ${iso(request.scheduledAt)}`)).toEqual([
      'second 2026-05-01T00:00:01.500Z',
    ]);
    expect(startedAt).toEqual([ms('2026-05-01T00:00:01.500Z')]);
  });

  test("an instant beyond the lead wake's bound: no wait, a timer for the instant itself", () => {
    const clock = new PreciseFakeClock(START);
    const { runner, scheduler, startedAt } = engine(clock);
    scheduler.add(makeTask('first', { schedule: { kind: 'at', instants: [ms('2026-05-01T00:00:01.000Z')] } }));
    scheduler.start();
    clock.advanceTo('2026-05-01T00:00:00.500Z');
    scheduler.remove('first');
    // Due 1 ms after the bound of a wait that would begin at .998 (TIMER_LEAD_MS + 1 = 3 ms).
    scheduler.add(makeTask('later', { schedule: { kind: 'at', instants: [ms('2026-05-01T00:00:01.002Z')] } }));
    clock.advanceTo('2026-05-01T00:00:01.001Z');
    expect(runner.requests).toEqual([]);
    expect(clock.waits).toEqual([]);
    expect(clock.now()).toBe(ms('2026-05-01T00:00:01.001Z'));
    // 4 ms is too short a sleep for the lead: the timer is armed for the instant.
    expect(clock.delays.slice(-1)).toEqual([4]);
    clock.advanceTo('2026-05-01T00:00:01.002Z');
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual(['2026-05-01T00:00:01.002Z']);
    expect(startedAt).toEqual([ms('2026-05-01T00:00:01.002Z')]);
  });

  test(`wakes less than ${LEAD_MIN_SLEEP_MS} ms apart take no lead (no spinning between them)`, () => {
    const clock = new PreciseFakeClock(START);
    const { runner, scheduler } = engine(clock);
    const instants = [1000, 1030, 1060].map((offset) => ms(START) + offset);
    scheduler.add(makeTask('close', { schedule: { kind: 'at', instants }, ...overlapping }));
    scheduler.start();
    clock.advanceTo('2026-05-01T00:00:02.000Z');
    expect(runner.requests.map((request) => request.scheduledAt)).toEqual(instants);
    // The first sleep (1 s) took the lead; the 30 ms ones did not.
    expect(clock.waits.map((wait) => wait.until)).toEqual([instants[0]]);
    expect(clock.delays.slice(0, 3)).toEqual([1000 - TIMER_LEAD_MS, 30, 30]);
  });

  test('the library on a precise clock: function tasks are entered on their instants (fast path)', async () => {
    const clock = new PreciseFakeClock(START);
    const scheduler = new LibraryScheduler({ timezone: 'UTC', clock });
    const seen: [number | null, number][] = [];
    for (let i = 0; i < 3; i++)
      scheduler.add(`f${i}`, { every: '1s', run: (ctx) => seen.push([ctx.scheduledAt, clock.now()]) });
    scheduler.start();
    clock.advanceTo('2026-05-01T00:00:03.000Z');
    expect(seen.length).toBe(9);
    for (const [scheduledAt, enteredAt] of seen) expect(enteredAt).toBe(scheduledAt);
    expect(clock.waits.length).toBe(3);
    clock.advanceBy(60_000);
    await scheduler.stop({ graceMs: 0 });
  });
});
