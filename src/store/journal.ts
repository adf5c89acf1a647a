/**
 * Write-ahead for runs (DESIGN.md "State and history": "runs left `running` by a crash become
 * `interrupted`"). attach.ts stores a run from the engine's `run-started` event, which comes after
 * the runner has spawned the process, and the batcher writes it a turn later: a daemon killed in
 * between left a run that really ran without a row, and the next daemon handed its id to another
 * run (issue 8, crash torture: 4 of 6 torture runs hit it). So the store's claim step (the engine's
 * port, engine/ports.ts RunClaim) queues the run's `running` row, and the commit (ClaimCommit),
 * which the engine calls once at the end of the turn before it hands that turn's claimed runs to
 * the runner, writes them all in one transaction (issue 20.2: one commit per wake, not per run);
 * `run-started` then completes each row (pid). SQLite answers at once: the runs go on in the same turn.
 */
import type { ClaimCommit, RunClaim } from '../engine/ports.js';
import type { Store } from './store.js';

/** The claim of a single-host store and its commit: give both to the Scheduler (claim, claimCommit). */
export interface RunJournal {
  /** Queue the run's row (status `running`); the run may go once `commit` has run. */
  readonly claim: RunClaim;
  /** Write every row queued since the last commit, in one transaction. */
  readonly commit: ClaimCommit;
}

export function runJournal(store: Pick<Store, 'saveRun' | 'flush'>): RunJournal {
  return {
    claim: (run) => {
      store.saveRun(run);
      return true;
    },
    // A failed write is kept and retried by the store (and logged); the runs still go ahead.
    commit: () => store.flush(),
  };
}

/**
 * The same journal as one claim that commits its own row at once (one transaction per run), for a
 * claim composed where the engine's commit is not given (a claim made of several steps).
 */
export function journalClaim(store: Pick<Store, 'saveRun' | 'flush'>): RunClaim {
  const journal = runJournal(store);
  return (run) => {
    const verdict = journal.claim(run);
    journal.commit();
    return verdict;
  };
}
