/**
 * The engine's only source of time. Injected so that engine tests run on a fake clock
 * (test/support/fake-clock.ts) with exact instants and no real waiting.
 */
import type { Instant } from '../schedule/types.js';

export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Wall-clock time (what schedules are computed against). */
  now(): Instant;
  /**
   * A monotonic reading in ms (never jumps). Comparing its progress with `now()`'s tells a
   * wall-clock step (NTP, settimeofday, suspend/resume) from a merely late timer.
   */
  monotonic(): number;
  /** Call `fn` once after `delayMs` of monotonic time. */
  setTimer(delayMs: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /**
   * Optional: wait (blocking) until `now()` reads `at` or later, for at most `boundMs` of monotonic time (a
   * wall-clock step may put `at` out of reach). A clock that has it lets the engine arm its timer
   * TIMER_LEAD_MS early and wait out the rest here (timeline.ts): a timer alone wakes 1-2 ms late.
   */
  waitUntil?(at: Instant, boundMs: number): void;
}

/**
 * The longest the engine ever sleeps, even when nothing is due for days. Node's setTimeout
 * overflows past 2^31-1 ms, and its timers follow the monotonic clock, which does not advance
 * during suspend and ignores wall-clock steps: waking at least this often bounds how late a
 * due instant can be noticed after such a jump. One wake per 10 s costs nothing measurable.
 */
export const MAX_TIMER_DELAY_MS = 10_000;

/**
 * Call `fn` once after `delayMs` of monotonic time, however long: waits longer than the cap are
 * chained in steps of at most MAX_TIMER_DELAY_MS (a single Node timer past 2^31-1 ms, 24.8 days,
 * fires at once: issue 15). Returns the cancel.
 */
export function setLongTimer(clock: Clock, delayMs: number, fn: () => void): () => void {
  const due = clock.monotonic() + Math.max(0, delayMs);
  let handle: TimerHandle | null = null;
  const arm = (wait: number): void => {
    handle = clock.setTimer(wait, () => {
      const left = due - clock.monotonic();
      // Node may wake a fraction of a ms before the monotonic due time: that is due, not another step.
      if (left >= 1) return arm(Math.min(left, MAX_TIMER_DELAY_MS));
      handle = null;
      fn();
    });
  };
  arm(Math.min(Math.max(0, delayMs), MAX_TIMER_DELAY_MS));
  return () => {
    if (handle !== null) clock.clearTimer(handle);
    handle = null;
  };
}

/**
 * The real clock: Date.now(), performance.now() and Node timers. `precise`: it can wait precisely
 * (Clock.waitUntil: a sleep, then a short spin), so the engine's wakes are on the instant, not 1-2 ms after it;
 * the library's Scheduler asks for it (issue 20 point 1; its cost is in timeline.ts TIMER_LEAD_MS).
 * Its timers of PRECISE_TIMER_MIN_MS or more are precise too (see NODE_TIMER_EARLY_MS).
 */
export function createSystemClock(options: { precise?: boolean } = {}): Clock {
  const timers = new Map<number, NodeJS.Timeout>();
  let nextId = 1;
  const precise = options.precise === true;
  return {
    ...(options.precise === true ? { waitUntil: waitPrecisely } : {}),
    now: () => Date.now(),
    monotonic: () => performance.now(),
    setTimer(delayMs, fn) {
      const id = nextId++;
      const early = precise && delayMs >= PRECISE_TIMER_MIN_MS ? NODE_TIMER_EARLY_MS : 0;
      const due = early > 0 ? performance.now() + delayMs : 0;
      const timer = setTimeout(
        () => {
          timers.delete(id);
          if (early > 0) sleepUntilMonotonic(due);
          fn();
        },
        Math.max(0, delayMs - early),
      );
      timers.set(id, timer);
      return { id };
    },
    clearTimer(handle) {
      const timer = timers.get(handle.id);
      if (timer !== undefined) {
        clearTimeout(timer);
        timers.delete(handle.id);
      }
    },
  };
}

/**
 * A precise clock arms Node's timer this much before its due time and sleeps out the rest: a Node
 * timer truncates its delay and libuv's loop time to whole ms and fired 1.3-2.4 ms after its due time
 * here (sometimes 0.7 ms before), which took all of the engine's 2 ms lead (timeline.ts) and put the
 * wake after the instant in most seconds (1,000 tasks, issue 20).
 */
const NODE_TIMER_EARLY_MS = 3;

/** Shorter timers are left to Node: the sleep blocks the event loop, so only the engine's long sleeps take it. */
const PRECISE_TIMER_MIN_MS = 50;

/** What a precise wait sleeps on: Atomics.wait with a timeout is a kernel sleep with sub-ms precision. */
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

/** The last part of a precise wait that spins rather than sleeps (a sleep may come back this late). */
const SPIN_MS = 0.3;

/** Sleep (no spin) until performance.now() reads `due`: a Node timer armed NODE_TIMER_EARLY_MS before it fired. */
function sleepUntilMonotonic(due: number): void {
  const left = due - performance.now();
  if (left > 0.05) Atomics.wait(SLEEPER, 0, 0, Math.min(left, NODE_TIMER_EARLY_MS + 1));
}

/**
 * Wait until Date.now() reads `at`, at most `boundMs` of performance.now() (Clock.waitUntil): sleep
 * in the kernel to SPIN_MS before it, then spin. A spin of the whole lead (2-3 ms a wake) took CPU
 * the wake's entries then lacked on a loaded machine (the scheduler counts it against the process).
 */
function waitPrecisely(at: Instant, boundMs: number): void {
  const giveUpAt = performance.now() + boundMs;
  for (;;) {
    const wall = Date.now();
    const mono = performance.now();
    if (wall >= at || mono >= giveUpAt) return;
    // Date.now() has whole ms: the fraction comes from the monotonic clock while the two agree
    // (no wall-clock step since the process started); else assume the least time left.
    const fine = performance.timeOrigin + mono;
    const left = (Math.abs(fine - wall) < 1 ? at - fine : at - wall - 1) - SPIN_MS;
    if (left > 0.05) Atomics.wait(SLEEPER, 0, 0, Math.min(left, giveUpAt - mono));
  }
}
