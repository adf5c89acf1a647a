/**
 * The grace period of a stop (DESIGN.md "Daemon": running runs get `shutdown-grace`, then are
 * killed). A second stop may only shorten it: foreground.ts sends graceMs 0 on a second Ctrl-C.
 */
import { setLongTimer, type Clock } from './clock.js';

export class ShutdownGate {
  /** Resolves when open() is called: every run has ended. */
  readonly done: Promise<void>;
  readonly #clock: Clock;
  readonly #onGraceOver: () => void;
  #resolve: () => void = () => {};
  /** Monotonic reading at which the grace ends. */
  #deadline = Infinity;
  #cancelTimer: (() => void) | null = null;
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
      // A long timer: a shutdown-grace over 24.8 days must not end the grace at once (issue 15).
      this.#cancelTimer = setLongTimer(this.#clock, wait, () => {
        this.#cancelTimer = null;
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
    this.#cancelTimer?.();
    this.#cancelTimer = null;
  }
}
