/**
 * A make chain (`taskkit run-now NAME --make`, cs.taskqueue's `make`): NAME's after-all
 * prerequisites in dependency order (make-order.ts), each run once, one after another, then
 * NAME. A step that does not succeed (after its retries) fails the chain: the steps after it are
 * recorded as skipped (`prerequisite-failed`) and do not run. The chain's runs carry it (run-chain.ts:
 * their retries stay steps of it), and while it goes on no join it runs as a step fires by itself.
 */
import type { RunRecord } from './run.js';
import type { RunChain } from './run-chain.js';

/** What the chain asks of the scheduler. */
export interface MakeHost {
  /** A manual run of `name` as a step of `chain`, after the task's runs going on (serial). */
  trigger(name: string, chain: MakeChain): RunRecord;
  /** The final record of a run (however it ended: finished, dropped, skipped). */
  waitFor(runId: number): Promise<RunRecord>;
  /** The chain's run of `name` that has not ended (the retry of a failed attempt), else null. */
  pendingRun(name: string, chain: MakeChain): RunRecord | null;
  /** Record that `name` did not run, in words; null when there is no such task any more. */
  skip(name: string, words: string): RunRecord | null;
}

export interface MakeResult {
  readonly order: readonly string[];
  /** Each step's last record, in order: its run's last attempt, or the skipped record of a step not run. */
  readonly steps: readonly RunRecord[];
  /** The step that failed the chain (its last attempt), or null when every step succeeded. */
  readonly failed: RunRecord | null;
  /** Why the chain stopped without a step to blame (a task of it removed by a reload), else null. */
  readonly error: string | null;
}

export class MakeChain implements RunChain {
  readonly order: readonly string[];
  /** Every run of the chain so far (attempts, retries and skipped records), for those who follow it. */
  readonly runIds = new Set<number>();
  readonly done: Promise<MakeResult>;
  readonly #host: MakeHost;
  readonly #members: ReadonlySet<string>;
  readonly #steps: RunRecord[] = [];
  #resolve!: (result: MakeResult) => void;

  constructor(order: readonly string[], host: MakeHost) {
    this.order = order;
    this.#host = host;
    this.#members = new Set(order);
    this.done = new Promise((resolve) => (this.#resolve = resolve));
  }

  includes(task: string): boolean {
    return this.#members.has(task);
  }

  /** Trigger the first step; returns its record as it stands. */
  start(): RunRecord {
    return this.#trigger(0);
  }

  #trigger(index: number): RunRecord {
    const record = this.#host.trigger(this.order[index]!, this);
    this.runIds.add(record.id);
    this.#follow(index, record).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      this.#resolve({ order: this.order, steps: this.#steps, failed: null, error: message });
    });
    return record;
  }

  /** Wait for the step's last attempt, then go on to the next step or fail the chain. */
  async #follow(index: number, first: RunRecord): Promise<void> {
    const name = this.order[index]!;
    let last = first.status === 'skipped' ? first : await this.#host.waitFor(first.id);
    // A failed attempt whose retry waits: the retry is the step's run now.
    for (let retry = this.#host.pendingRun(name, this); retry !== null; retry = this.#host.pendingRun(name, this)) {
      this.runIds.add(retry.id);
      last = await this.#host.waitFor(retry.id);
    }
    this.#steps.push(last);
    if (last.status === 'succeeded') {
      if (index + 1 < this.order.length) this.#trigger(index + 1);
      else this.#resolve({ order: this.order, steps: this.#steps, failed: null, error: null });
      return;
    }
    const words = `prerequisite ${name} did not succeed (run #${last.id} ${describeEnd(last)})`;
    for (const rest of this.order.slice(index + 1)) {
      const skipped = this.#host.skip(rest, words);
      if (skipped === null) continue;
      this.runIds.add(skipped.id);
      this.#steps.push(skipped);
    }
    this.#resolve({ order: this.order, steps: this.#steps, failed: last, error: null });
  }
}

/** "failed with exit code 3", "timed-out", "skipped": how a step ended, for the skipped steps' words. */
function describeEnd(run: RunRecord): string {
  return run.status === 'failed' && run.exitCode !== null ? `failed with exit code ${run.exitCode}` : run.status;
}
