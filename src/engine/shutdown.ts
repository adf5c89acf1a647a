/**
 * The grace period of a stop (DESIGN.md "Daemon": running runs get `shutdown-grace`, then are
 * killed). A second stop may only shorten it: foreground.ts sends graceMs 0 on a second Ctrl-C.
 */
import type { Clock, TimerHandle } from './clock.js';

export class ShutdownGate {
  /** Resolves when open() is called: every run has ended. */
  readonly done: Promise<void>;
  readonly #clock: Clock;
  readonly #onGraceOver: () => void;
  #resolve: () => void = () => {};
  /** Monotonic reading at which the grace ends. */
  #deadline = Infinity;
  #timer: TimerHandle | null = null;
  #open = false;

  constructor(clock: Clock, onGraceOver: () => void) {
    this.#clock = clock;
    this.#onGraceOver = onGraceOver;
    this.done = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** End the grace `graceMs` from now, unless it already ends sooner. */
  shortenGrace(graceMs: number): void {
    if (this.#open) return;
    const wait = Math.max(0, graceMs);
    const deadline = this.#clock.monotonic() + wait;
    if (deadline >= this.#deadline) return;
    this.#deadline = deadline;
    this.#clearTimer();
    if (wait === 0) this.#onGraceOver();
    else
      this.#timer = this.#clock.setTimer(wait, () => {
        this.#timer = null;
        this.#onGraceOver();
      });
  }

  open(): void {
    if (this.#open) return;
    this.#open = true;
    this.#clearTimer();
    this.#resolve();
  }

  #clearTimer(): void {
    if (this.#timer !== null) this.#clock.clearTimer(this.#timer);
    this.#timer = null;
  }
}
