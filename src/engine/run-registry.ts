/**
 * Runs by id: the ones not yet ended, and the last few ended ones, so that waitForRun works for a
 * run that ended just before the caller asked (run-now --wait on a run that was skipped at once).
 */
import { TaskkitError } from '../errors.js';
import type { ActiveRun } from './active-run.js';
import type { RunRecord } from './run.js';

/**
 * Ended records kept. Records carry output (up to the output limit each), so this stays small:
 * waiters normally subscribe right after runNow.
 */
const REMEMBERED_RUNS = 200;

export class RunRegistry {
  readonly #pending = new Map<number, ActiveRun>();
  /**
   * The last REMEMBERED_RUNS ended records, a ring (oldest overwritten): a Map with a set and a
   * delete per run rehashed its table every few runs (allocation per fire, issue 20).
   */
  readonly #ended: (RunRecord | undefined)[] = new Array<RunRecord | undefined>(REMEMBERED_RUNS).fill(undefined);
  #endedNext = 0;

  /** Runs not yet ended. */
  get size(): number {
    return this.#pending.size;
  }

  pendingRuns(): ActiveRun[] {
    return [...this.#pending.values()];
  }

  /** The run with this id if it has not ended, else undefined. */
  pendingRun(runId: number): ActiveRun | undefined {
    return this.#pending.get(runId);
  }

  /** The final record of a recently ended run, else undefined. */
  endedRecord(runId: number): RunRecord | undefined {
    // Newest first: waiters ask right after a run ended.
    for (let i = 1; i <= REMEMBERED_RUNS; i++) {
      const record = this.#ended[(this.#endedNext - i + REMEMBERED_RUNS) % REMEMBERED_RUNS];
      if (record?.id === runId) return record;
    }
    return undefined;
  }

  add(run: ActiveRun): void {
    this.#pending.set(run.record.id, run);
  }

  /** `record` is final: wake its waiters and remember it for a while. */
  end(record: RunRecord, run?: ActiveRun): void {
    this.#pending.delete(record.id);
    this.#ended[this.#endedNext] = record;
    this.#endedNext = (this.#endedNext + 1) % REMEMBERED_RUNS;
    // Most runs have no waiter: no array is made for them.
    if (run !== undefined && run.waiters.length > 0) for (const resolve of run.waiters.splice(0)) resolve(record);
  }

  /** The final record of a run: now if it has ended, else when it does. */
  waitFor(runId: number): Promise<RunRecord> {
    const run = this.#pending.get(runId);
    if (run !== undefined) return new Promise((resolve) => run.waiters.push(resolve));
    const ended = this.endedRecord(runId);
    if (ended !== undefined) return Promise.resolve(ended);
    return Promise.reject(new TaskkitError('NOT_FOUND', `no run #${runId}`));
  }
}
