/**
 * The claims of one engine turn, committed together (ports.ts ClaimCommit; issue 20.2): a run the
 * claim said go to waits in `claiming` until the turn ends, then one commit makes every such run's
 * row durable and the runs go to the runner, so each row is still written before its process starts.
 * A runner with a batcher (the daemon's spawner) takes the turn's process runs first, holding their
 * requests; the commit comes next and their one write right after it (run-flow.ts launchClaimed).
 */
import type { ActiveRun } from './active-run.js';
import type { RunBatcher } from '../runner/types.js';
import type { ClaimCommit, LogFunction } from './ports.js';

export class TurnCommit {
  readonly #commit: ClaimCommit;
  readonly #log: LogFunction;
  readonly #batcher: RunBatcher | undefined;
  #runs: ActiveRun[] = [];

  constructor(commit: ClaimCommit, log: LogFunction, batcher?: RunBatcher) {
    this.#commit = commit;
    this.#log = log;
    this.#batcher = batcher;
  }

  /** The claim said go: the run waits for the turn's commit. */
  hold(run: ActiveRun): void {
    if (run.phase !== 'claiming') run.moveTo('claiming');
    this.#runs.push(run);
  }

  /**
   * Commit the turn's claims and `launch` their runs, in claim order: those still claiming (a cancel
   * or a stop in the turn ended the others). With a batcher its runs go first, held, then the commit,
   * then their one write; the others after it. False when no run waited: no commit then.
   */
  launch(launch: (run: ActiveRun) => void): boolean {
    if (this.#runs.length === 0) return false;
    const runs = this.#runs.filter((run) => run.phase === 'claiming');
    this.#runs = [];
    const batcher = this.#batcher;
    if (batcher === undefined) this.#commitNow();
    else {
      const held = (): void => {
        for (const run of runs) if (batcher.holds(run.entry.spec)) launch(run);
      };
      batcher.together(held, () => this.#commitNow());
    }
    for (const run of runs) if (run.phase === 'claiming') launch(run);
    return true;
  }

  /** Make the claimed runs' rows durable (one commit). */
  #commitNow(): void {
    try {
      this.#commit();
    } catch (error) {
      // As a claim's own failed write: the store keeps and retries it (and says so); the runs go ahead.
      this.#log('error', `the claims' commit failed: ${String(error)}`);
    }
  }
}
