/** setLongTimer and the shutdown grace on the fake clock: waits past 24.8 days do not fire at once (issue 15). */
import { describe, expect, test } from 'vitest';
import { MAX_TIMER_DELAY_MS, setLongTimer } from '../../src/engine/clock.js';
import { ShutdownGate } from '../../src/engine/shutdown.js';
import { FakeClock } from '../support/fake-clock.js';

const DAY = 86_400_000;

describe('setLongTimer', () => {
  test('30 days: fires at exactly 30 days, re-armed in steps no longer than the cap', () => {
    const clock = new FakeClock('2026-03-01T00:00:00Z');
    const fired: number[] = [];
    setLongTimer(clock, 30 * DAY, () => fired.push(clock.now()));
    clock.advanceBy(30 * DAY - 1);
    expect(fired).toEqual([]);
    clock.advanceBy(1);
    expect(fired).toEqual([Date.parse('2026-03-31T00:00:00Z')]);
    expect(clock.delays.reduce((longest, delay) => Math.max(longest, delay), 0)).toBe(MAX_TIMER_DELAY_MS);
    expect(clock.pendingTimers).toBe(0);
  });

  test('a short wait is one timer; cancel clears whichever step is pending', () => {
    const clock = new FakeClock('2026-03-01T00:00:00Z');
    const fired: string[] = [];
    setLongTimer(clock, 500, () => fired.push('short'));
    const cancel = setLongTimer(clock, 3 * DAY, () => fired.push('long'));
    clock.advanceBy(DAY);
    cancel();
    clock.advanceBy(3 * DAY);
    expect([fired, clock.delays[0], clock.pendingTimers]).toEqual([['short'], 500, 0]);
  });
});

test('shutdown-grace: 30d ends the grace after 30 days, not at once', () => {
  const clock = new FakeClock('2026-03-01T00:00:00Z');
  let over = 0;
  const gate = new ShutdownGate(clock, () => (over += 1));
  gate.shortenGrace(30 * DAY);
  clock.advanceBy(30 * DAY - 1);
  expect(over).toBe(0);
  clock.advanceBy(1);
  expect(over).toBe(1);
  // No single Node timer of 30 days (it would fire at once on the system clock).
  expect(clock.delays.reduce((longest, delay) => Math.max(longest, delay), 0)).toBe(MAX_TIMER_DELAY_MS);
});
