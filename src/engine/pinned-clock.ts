/**
 * The engine's clock with a pin: while the fast path (fast-fire.ts) books a function run it entered
 * earlier in the wake, `now()` reads the instants the run really started and ended at, so that its
 * records say what they would have said had it been booked at once. Unpinned, it is the clock.
 */
import type { Instant } from '../schedule/types.js';
import type { Clock, TimerHandle } from './clock.js';

export class PinnedClock implements Clock {
  readonly #clock: Clock;
  #pinned: Instant | null = null;
  /** The clock's own precise wait, when it has one (Clock.waitUntil). */
  readonly waitUntil?: (at: Instant, boundMs: number) => void;

  constructor(clock: Clock) {
    this.#clock = clock;
    if (clock.waitUntil !== undefined) this.waitUntil = (at, boundMs) => clock.waitUntil?.(at, boundMs);
  }

  /** Read `at` as now until unpin(). */
  pin(at: Instant): void {
    this.#pinned = at;
  }

  unpin(): void {
    this.#pinned = null;
  }

  now(): Instant {
    return this.#pinned ?? this.#clock.now();
  }

  monotonic(): number {
    return this.#clock.monotonic();
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    return this.#clock.setTimer(delayMs, fn);
  }

  clearTimer(handle: TimerHandle): void {
    this.#clock.clearTimer(handle);
  }
}
