/**
 * The engine's single timer over one min-heap of due instants (task next instants, and runs
 * waiting out a jitter or retry delay), with wall-clock step detection (STYLE.md practice 11).
 * Idle cost: one capped wake per MAX_TIMER_DELAY_MS that peeks the heap; nothing scans tasks.
 */
import type { Instant } from '../schedule/types.js';
import { MAX_TIMER_DELAY_MS, type Clock, type TimerHandle } from './clock.js';
import { MinHeap } from './heap.js';
import type { DelayNode, Task } from './active-run.js';
import type { HoldEndNode, OverdueNode, TaskNode } from './task-nodes.js';

/** A wall/monotonic disagreement beyond this between two wakes is a clock step, not timer lateness. */
export const CLOCK_JUMP_THRESHOLD_MS = 1_000;

/**
 * With a clock that can wait precisely (Clock.waitUntil), the timer is armed this long before the
 * due instant and the wake waits out the rest (issue 20 point 1): a Node timer fires 1-2 ms late
 * (libuv's loop time is in whole ms); the system clock's wait sleeps in the kernel (Atomics.wait)
 * to 0.3 ms before the instant and spins the rest on Date.now() (engine/clock.ts), so it leaves on
 * the instant for about 0.3 ms of CPU per wake (a spin of the whole lead took 2-3 ms).
 */
export const TIMER_LEAD_MS = 2;

/**
 * The lead is taken only before a sleep at least this long: an engine whose wakes come a few ms
 * apart would otherwise wait most of the time (at most TIMER_LEAD_MS + 1 of every 50 ms here).
 */
export const LEAD_MIN_SLEEP_MS = 50;

/**
 * A task's next instant, the end of its hold (`hold --for/--until`), its dead-man deadline
 * (`expect-success-within`), or a run waiting out a jitter or retry delay.
 */
export type WakeNode = TaskNode<Task> | HoldEndNode<Task> | OverdueNode<Task> | DelayNode;

/**
 * Called on each wake with the wall time, the detected step (0 when none; positive = forward) and
 * the wall time seen at the previous wake: the last reading known to come before any step.
 */
export type WakeHandler = (now: Instant, jumpMs: number, previousWall: Instant) => void;

export class Timeline {
  readonly #heap = new MinHeap<WakeNode>();
  readonly #clock: Clock;
  readonly #onWake: WakeHandler;
  #started = false;
  #waking = false;
  #timer: TimerHandle | null = null;
  /** Monotonic reading at which the armed timer fires. */
  #armedFor = 0;
  /** The armed timer fires TIMER_LEAD_MS before the earliest instant: its wake waits the rest (#waitForLead). */
  #leading = false;
  #lastWall = 0;
  #lastMono = 0;
  /** Tie-breaker for nodes due at the same instant: creation order. */
  #seq = 0;
  /** Bound once: an idle capped wake allocates no closure. */
  readonly #onTimer = (): void => this.#wake();

  constructor(clock: Clock, onWake: WakeHandler) {
    this.#clock = clock;
    this.#onWake = onWake;
  }

  get size(): number {
    return this.#heap.size;
  }

  /** The `seq` of a new node (tasks and runs share one order). */
  nextSeq(): number {
    return this.#seq++;
  }

  /** Put `node` on the timeline at `at` (or move it there). */
  set(node: WakeNode, at: Instant): void {
    this.#heap.set(node, at);
    this.#rearm();
  }

  /** Take `node` off the timeline. A later earliest instant needs no re-arm: an early wake just re-checks. */
  delete(node: WakeNode): void {
    this.#heap.delete(node);
  }

  /** The earliest node due at or before `now`, taken off the timeline; undefined when none is due. */
  takeDue(now: Instant): WakeNode | undefined {
    if (this.#heap.peekAt() > now) return undefined;
    return this.#heap.pop();
  }

  /** A wall-clock step: jitter and retry waits keep their remaining time (they are durations). A rare whole pass. */
  shiftDelays(jumpMs: number): void {
    const delayed = this.#heap.nodes().filter((node) => node.kind === 'delay');
    for (const node of delayed) this.set(node, node.at + jumpMs);
  }

  /** Between start() and stop(). */
  get started(): boolean {
    return this.#started;
  }

  start(): void {
    this.#started = true;
    this.#lastWall = this.#clock.now();
    this.#lastMono = this.#clock.monotonic();
    this.#rearm();
  }

  stop(): void {
    this.#started = false;
    if (this.#timer !== null) this.#clock.clearTimer(this.#timer);
    this.#timer = null;
    this.#leading = false;
  }

  /** Arm the one timer for the earliest instant, capped; keep an armed timer that fires no later. */
  #rearm(): void {
    if (!this.#started || this.#waking) return;
    const now = this.#clock.now();
    const mono = this.#clock.monotonic();
    const sleep = (this.#heap.peek()?.at ?? Infinity) - now;
    // Even with nothing due (or nothing at all) the engine wakes every MAX_TIMER_DELAY_MS: that
    // is how it notices a clock step, and it keeps a daemon with only on-demand tasks alive.
    let delay = Math.min(MAX_TIMER_DELAY_MS, Math.max(0, sleep));
    const leading = this.#clock.waitUntil !== undefined && sleep >= LEAD_MIN_SLEEP_MS && sleep <= MAX_TIMER_DELAY_MS;
    if (leading) delay -= TIMER_LEAD_MS;
    if (this.#timer !== null && this.#armedFor <= mono + delay) return;
    if (this.#timer !== null) this.#clock.clearTimer(this.#timer);
    this.#armedFor = mono + delay;
    this.#leading = leading;
    this.#timer = this.#clock.setTimer(delay, this.#onTimer);
  }

  /**
   * A timer armed with the lead fired: wait on the clock up to the earliest instant if it is that
   * close (it is, unless nodes moved since), never past TIMER_LEAD_MS + 1 ms (Node may fire a timer
   * up to 1 ms before its monotonic due time). Nothing is ever taken before its instant: takeDue is
   * asked with the time read after the wait.
   */
  #waitForLead(): void {
    if (!this.#leading) return;
    this.#leading = false;
    const at = this.#heap.peek()?.at;
    const bound = TIMER_LEAD_MS + 1;
    if (at !== undefined && at > this.#clock.now() && at - this.#clock.now() <= bound)
      this.#clock.waitUntil?.(at, bound);
  }

  #wake(): void {
    this.#timer = null;
    if (!this.#started) return;
    this.#waitForLead();
    const now = this.#clock.now();
    const mono = this.#clock.monotonic();
    const previousWall = this.#lastWall;
    const drift = now - previousWall - (mono - this.#lastMono);
    this.#lastWall = now;
    this.#lastMono = mono;
    this.#waking = true;
    try {
      this.#onWake(now, Math.abs(drift) > CLOCK_JUMP_THRESHOLD_MS ? drift : 0, previousWall);
    } finally {
      this.#waking = false;
      this.#rearm();
    }
  }
}
