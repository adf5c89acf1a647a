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
  /** While another run's code is entered under a pin (enter): how far the pin is behind the clock. */
  #lag = 0;
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
    return this.#pinned ?? this.#clock.now() - this.#lag;
  }

  /**
   * Enter `launched`, the code of another run started while a booking has the clock pinned (a dependent of the
   * booked run, engine-loop.ts #enter): the time it takes passes on the pinned clock too, so its end and what
   * the booking records after it come that much later, as unpinned. A pinned clock stood still through it.
   */
  enter<T>(launched: { enter(): T }): T {
    const pinned = this.#pinned;
    if (pinned === null) return launched.enter();
    const lag = this.#clock.now() - pinned;
    this.#pinned = null;
    this.#lag = lag;
    try {
      return launched.enter();
    } finally {
      this.#lag = 0;
      this.#pinned = this.#clock.now() - lag;
    }
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
