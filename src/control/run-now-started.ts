/**
 * `run-now` without `wait`: trigger a run and answer with its record once it has started, pid
 * included (`taskkit run-now` prints "started (pid N)"). A process run the daemon's spawner starts
 * learns its pid a round trip later, and the engine says `run-started` then (engine/run-flow.ts):
 * a run that is running but not told yet is waited for, and if it ends first (its spawner died or froze),
 * it is answered as it ended. A run that waits (queued) is answered at once.
 * Answering before the pid would save that round trip (at load 4, run-now answered in 3.0-3.4 ms,
 * `names` in 0.3), but "started" would then be said of runs the spawner still fails to start (a
 * missing command or working directory, EMFILE, a frozen spawner): the answer waits.
 */
import type { RunRecord } from '../engine/run.js';
import type { Scheduler } from '../engine/scheduler.js';

/**
 * The longest the answer waits for the pid; then the record as it stands (running, no pid yet).
 * Longer than a frozen spawner goes unnoticed (runner/spawner-watch.ts: a ping every 2.5 s, 10 s of
 * silence), so a run asked of one is answered as it ended (interrupted), not as "started".
 */
export const STARTED_WAIT_MS = 15_000;

/** Trigger `name` now; its record once started (or as it stands: queued, skipped, already over). */
export async function triggerStarted(scheduler: Scheduler, name: string): Promise<RunRecord> {
  const told = new Map<number, RunRecord>();
  let waiter: { readonly id: number; readonly resolve: (run: RunRecord) => void } | null = null;
  const hear = (run: RunRecord): void => {
    if (run.task !== name) return;
    // Told without its pid, a spawned run is ending before it was ever seen to start: answer with its end.
    if (waiter !== null && waiter.id === run.id) {
      if (run.pid !== null) waiter.resolve(run);
    } else told.set(run.id, run);
  };
  const ended = (run: RunRecord): void => {
    if (waiter !== null && waiter.id === run.id) waiter.resolve(run);
  };
  const unsubscribe = scheduler.on('run-started', hear);
  const unsubscribeEnded = scheduler.on('run-finished', ended);
  try {
    const record = scheduler.runNow(name);
    if (record.status !== 'running' || record.pid !== null) return record;
    const early = told.get(record.id);
    if (early !== undefined) return early;
    return await new Promise<RunRecord>((resolve) => {
      const timer = setTimeout(() => resolve(record), STARTED_WAIT_MS);
      waiter = {
        id: record.id,
        resolve: (run) => {
          clearTimeout(timer);
          resolve(run);
        },
      };
    });
  } finally {
    unsubscribe();
    unsubscribeEnded();
  }
}
