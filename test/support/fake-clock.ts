/**
 * A Clock for engine tests (STYLE.md practice 12): time moves only when a test says so, timers
 * fire in due order at exactly their due time, and the wall clock can step on its own (NTP,
 * suspend) while the monotonic clock does not.
 */
import type { Clock, TimerHandle } from '../../src/engine/clock.js';

interface FakeTimer {
  readonly id: number;
  /** Monotonic due time. */
  readonly due: number;
  readonly fn: () => void;
}

export class FakeClock implements Clock {
  #wall: number;
  #mono = 0;
  #nextId = 1;
  readonly #timers = new Map<number, FakeTimer>();
  /** Every delay passed to setTimer, in order (to assert the cap). */
  readonly delays: number[] = [];

  constructor(start: number | string) {
    this.#wall = typeof start === 'string' ? Date.parse(start) : start;
    if (Number.isNaN(this.#wall)) throw new Error(`FakeClock: bad start ${String(start)}`);
  }

  now(): number {
    return this.#wall;
  }

  monotonic(): number {
    return this.#mono;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const id = this.#nextId++;
    this.delays.push(delayMs);
    this.#timers.set(id, { id, due: this.#mono + Math.max(0, delayMs), fn });
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers.delete(handle.id);
  }

  /** Timers set and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Delay until the earliest pending timer, or null. */
  nextTimerIn(): number | null {
    const first = this.#earliest();
    return first === undefined ? null : first.due - this.#mono;
  }

  /** Move wall and monotonic time together to the wall instant `target`, firing due timers in order. */
  advanceTo(target: number | string): void {
    const wallTarget = typeof target === 'string' ? Date.parse(target) : target;
    if (wallTarget < this.#wall) throw new Error('FakeClock: advanceTo cannot go back; use jumpWall');
    const monoTarget = this.#mono + (wallTarget - this.#wall);
    for (let timer = this.#earliest(); timer !== undefined && timer.due <= monoTarget; timer = this.#earliest()) {
      this.#timers.delete(timer.id);
      // A timer already overdue (see stall) fires late, at the current time.
      const step = Math.max(0, timer.due - this.#mono);
      this.#wall += step;
      this.#mono += step;
      timer.fn();
    }
    // A timer's function may have waited past the target (PreciseFakeClock.waitUntil): time never goes back.
    if (this.#mono >= monoTarget) return;
    this.#wall = wallTarget;
    this.#mono = monoTarget;
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.#wall + ms);
  }

  /**
   * The event loop is blocked for `ms`: wall and monotonic time move, but no timer fires. The next
   * advance fires the overdue timers late, each seeing the time it actually runs at.
   */
  stall(ms: number): void {
    this.#wall += ms;
    this.#mono += ms;
  }

  /** A wall-clock step (positive = forward): the monotonic clock and the timers do not move. */
  jumpWall(ms: number): void {
    this.#wall += ms;
  }

  #earliest(): FakeTimer | undefined {
    let first: FakeTimer | undefined;
    for (const timer of this.#timers.values()) if (first === undefined || timer.due < first.due) first = timer;
    return first;
  }
}

/**
 * A FakeClock that can wait precisely (Clock.waitUntil), as the library's system clock can: the
 * engine arms its timer early and the wait moves time on to the instant (a spin: no timer fires
 * meanwhile). Each wait is recorded: the time it began at, the instant it waited for.
 */
export class PreciseFakeClock extends FakeClock {
  readonly waits: { from: number; until: number }[] = [];

  waitUntil(at: number, boundMs: number): void {
    const from = this.now();
    this.waits.push({ from, until: at });
    this.stall(Math.max(0, Math.min(at - from, boundMs)));
  }
}
