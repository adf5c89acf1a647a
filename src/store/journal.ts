/**
 * Write-ahead for runs (DESIGN.md "State and history": "runs left `running` by a crash become
 * `interrupted`"). attach.ts stores a run from the engine's `run-started` event, which comes after
 * the runner has spawned the process, and the batcher writes it a turn later: a daemon killed in
 * between left a run that really ran without a row, and the next daemon handed its id to another
 * run (issue 8, crash torture: 4 of 6 torture runs hit it). So the store's claim step (the engine's
 * port, engine/ports.ts RunClaim) commits the run's `running` row before the runner starts it;
 * `run-started` then completes it (pid). SQLite answers at once: the run goes on in the same turn.
 */
import type { RunClaim } from '../engine/ports.js';
import type { Store } from './store.js';

/** The claim of a single-host store: commit the run's row (status `running`), then go. */
export function journalClaim(store: Pick<Store, 'saveRun' | 'flush'>): RunClaim {
  return (run) => {
    store.saveRun(run);
    // A failed write is kept and retried by the store (and logged); the run still goes ahead.
    store.flush();
    return true;
  };
}
