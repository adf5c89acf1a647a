/**
 * Reconnect delays (CLUSTER.md section 10): 100 ms doubling to 30 s, with jitter so that hosts
 * cut off together do not reconnect in step after a PostgreSQL restart.
 */

export interface BackoffOptions {
  readonly initialMs?: number;
  readonly maxMs?: number;
  /** [0, 1): injected so tests see exact delays. */
  readonly random?: () => number;
}

export class ReconnectBackoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 100;
    this.#maxMs = options.maxMs ?? 30_000;
    this.#random = options.random ?? Math.random;
  }

  /** Failures since the last reset. */
  get attempts(): number {
    return this.#attempt;
  }

  /**
   * The wait before the next try: the step's ceiling (100, 200, 400 ... 30,000 ms) with "equal
   * jitter", half fixed and half random, so a wait is never under half its step.
   */
  next(): number {
    const ceiling = Math.min(this.#maxMs, this.#initialMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt += 1;
    const half = ceiling / 2;
    return Math.round(half + this.#random() * half);
  }

  /** After a good connection: the next failure waits the shortest step again. */
  reset(): void {
    this.#attempt = 0;
  }
}
