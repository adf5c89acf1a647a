/**
 * The claims of one engine turn, committed together (ports.ts ClaimCommit; issue 20.2): a run the
 * claim said go to waits in `claiming` until the turn ends, then one commit makes every such run's
 * row durable and the runs go to the runner, so each row is still written before its process starts.
 */
import type { ActiveRun } from './active-run.js';
import type { ClaimCommit, LogFunction } from './ports.js';

export class TurnCommit {
  readonly #commit: ClaimCommit;
  readonly #log: LogFunction;
  #runs: ActiveRun[] = [];

  constructor(commit: ClaimCommit, log: LogFunction) {
    this.#commit = commit;
    this.#log = log;
  }

  /** The claim said go: the run waits for the turn's commit. */
  hold(run: ActiveRun): void {
    if (run.phase !== 'claiming') run.moveTo('claiming');
    this.#runs.push(run);
  }

  /**
   * Commit the turn's claims, then give the runs to launch, in claim order: those still claiming
   * (a cancel or a stop in the turn ended the others). Null when no run waited: no commit then.
   */
  commit(): ActiveRun[] | null {
    if (this.#runs.length === 0) return null;
    const runs = this.#runs;
    this.#runs = [];
    try {
      this.#commit();
    } catch (error) {
      // As a claim's own failed write: the store keeps and retries it (and says so); the runs go ahead.
      this.#log('error', `the claims' commit failed: ${String(error)}`);
    }
    return runs.filter((run) => run.phase === 'claiming');
  }
}
