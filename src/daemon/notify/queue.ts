/**
 * The delivery queue (issue 16.1): at most `concurrency` deliveries at once, at most `maxQueued`
 * waiting. A full queue refuses (the caller records the alert as failed and logs it) rather than
 * growing: an alert storm costs a bounded amount of memory and processes.
 */

export interface QueueLimits {
  readonly concurrency: number;
  readonly maxQueued: number;
}

export const QUEUE_LIMITS: QueueLimits = { concurrency: 4, maxQueued: 100 };

export class DeliveryQueue {
  readonly #limits: QueueLimits;
  readonly #waiting: (() => Promise<void>)[] = [];
  #active = 0;
  #idle: (() => void)[] = [];

  constructor(limits: QueueLimits = QUEUE_LIMITS) {
    this.#limits = limits;
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** Start `job` now or when a slot frees; false (not queued) when `maxQueued` jobs already wait. */
  push(job: () => Promise<void>): boolean {
    if (this.#active < this.#limits.concurrency) {
      this.#start(job);
      return true;
    }
    if (this.#waiting.length >= this.#limits.maxQueued) return false;
    this.#waiting.push(job);
    return true;
  }

  /** Drop the jobs not started (a stopping daemon leaves them pending); returns how many. */
  clear(): number {
    return this.#waiting.splice(0).length;
  }

  /** Resolves once nothing runs and nothing waits. */
  idle(): Promise<void> {
    if (this.#active === 0 && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #start(job: () => Promise<void>): void {
    this.#active++;
    // A job never rejects (deliveries record their own failures); a bug must not stop the queue.
    void job()
      .catch(() => {})
      .finally(() => {
        this.#active--;
        const next = this.#waiting.shift();
        if (next !== undefined) this.#start(next);
        else if (this.#active === 0) for (const resolve of this.#idle.splice(0)) resolve();
      });
  }
}
