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
    const first = this.#heap.peek();
    if (first === undefined || first.at > now) return undefined;
    this.#heap.delete(first);
    return first;
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
  }

  /** Arm the one timer for the earliest instant, capped; keep an armed timer that fires no later. */
  #rearm(): void {
    if (!this.#started || this.#waking) return;
    const now = this.#clock.now();
    const mono = this.#clock.monotonic();
    const earliest = this.#heap.peek()?.at;
    // Even with nothing due (or nothing at all) the engine wakes every MAX_TIMER_DELAY_MS: that
    // is how it notices a clock step, and it keeps a daemon with only on-demand tasks alive.
    const delay = Math.min(MAX_TIMER_DELAY_MS, Math.max(0, (earliest ?? Infinity) - now));
    if (this.#timer !== null && this.#armedFor <= mono + delay) return;
    if (this.#timer !== null) this.#clock.clearTimer(this.#timer);
    this.#armedFor = mono + delay;
    this.#timer = this.#clock.setTimer(delay, this.#onTimer);
  }

  #wake(): void {
    this.#timer = null;
    if (!this.#started) return;
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
