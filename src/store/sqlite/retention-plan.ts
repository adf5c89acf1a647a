/**
 * Which tasks a write batch prunes (retention: runs.ts `prune`). Only ended rows are ever deleted,
 * so a task's prune can find something new only when one of its rows ended in the batch, or at the
 * first write of the task in this database (rows the last daemon left) or under a new keep (a
 * reload). A run's `running` and `started` rows alone are not pruned after: a run of a chain was
 * pruned three times, now once, with the same rows left.
 */
import type { RunRecord } from '../../engine/run.js';
import type { RunsTable } from './runs.js';

export class RetentionPlan {
  /** The keep each task was last pruned to, in committed transactions. */
  readonly #prunedKeep = new Map<string, number>();
  /**
   * This batch: tasks to prune, then the ones pruned (kept once the transaction commits). After a
   * failed one both stay: its items come again, and its tasks are pruned again in the retry.
   */
  readonly #due = new Map<string, number>();
  readonly #pruned = new Map<string, number>();

  /** `run`'s row was written in this batch; `keep` is its task's history.keep, if known. */
  wrote(run: RunRecord, keep: number | undefined): void {
    if (keep === undefined) return;
    if (isEnded(run) || this.#prunedKeep.get(run.task) !== keep || this.#due.has(run.task))
      this.#due.set(run.task, keep);
  }

  /** Prune every task due, in the batch's transaction. */
  prune(runs: Pick<RunsTable, 'prune'>): void {
    for (const [task, keep] of this.#due) {
      runs.prune(task, keep);
      this.#pruned.set(task, keep);
    }
  }

  /** The batch's transaction committed: its prunes count. */
  committed(): void {
    for (const [task, keep] of this.#pruned) this.#prunedKeep.set(task, keep);
    this.#due.clear();
    this.#pruned.clear();
  }
}

/** A row prune may delete: neither running nor queued (runs.ts PRUNE_SQL). */
function isEnded(run: RunRecord): boolean {
  return run.status !== 'running' && run.status !== 'queued';
}
