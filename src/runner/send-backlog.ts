/**
 * Whether the spawner's channel took each message at once (spawner-client.ts). A turn's runs are
 * committed in the journal just before their one message is written: if the kernel cannot take it
 * whole (the spawner behind by ~200 KB), the rest waits in the daemon, and a kill of the daemon then
 * would leave those runs recorded as started but never started. That is logged, once per backlog.
 * Node calls a send's callback with process.nextTick when the write was done at once, else when it
 * is done: a nextTick queued right after the send runs after the first and before the second.
 */
export class SendBacklog {
  readonly #warn: (message: string) => void;
  /** Runs in messages whose write is still under way. */
  #waitingRuns = 0;
  #told = false;

  constructor(warn: (message: string) => void) {
    this.#warn = warn;
  }

  /** Send a message of `runs` requests with `send`, which calls back once it is written. */
  send(runs: number, send: (written: () => void) => void): void {
    let state: 'sending' | 'waiting' | 'written' = 'sending';
    send(() => {
      if (state === 'waiting') this.#waitingRuns -= runs;
      state = 'written';
      if (this.#waitingRuns === 0) this.#told = false;
    });
    // After the send's own nextTick when it wrote at once.
    process.nextTick(() => {
      if (state !== 'sending') return;
      state = 'waiting';
      this.#waitingRuns += runs;
      if (this.#told) return;
      this.#told = true;
      this.#warn(
        `taskkit-spawner is behind: ${this.#waitingRuns} run request(s) wait in the daemon for its channel; ` +
          'a kill of the daemon now would leave them recorded as started but never started',
      );
    });
  }
}
