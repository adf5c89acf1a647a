/**
 * `run-now` without `wait`: trigger a run and answer with its record once it has started, pid
 * included (`taskkit run-now` prints "started (pid N)"). A process run the daemon's spawner starts
 * learns its pid a round trip later, and the engine says `run-started` then (engine/run-flow.ts):
 * a run that is running but not told yet is waited for. A run that waits (queued) is answered at once.
 */
import type { RunRecord } from '../engine/run.js';
import type { Scheduler } from '../engine/scheduler.js';

/** The longest the answer waits for the pid; then the record as it stands (running, no pid yet). */
export const STARTED_WAIT_MS = 5_000;

/** Trigger `name` now; its record once started (or as it stands: queued, skipped, already over). */
export async function triggerStarted(scheduler: Scheduler, name: string): Promise<RunRecord> {
  const told = new Map<number, RunRecord>();
  let waiter: { readonly id: number; readonly resolve: (run: RunRecord) => void } | null = null;
  const hear = (run: RunRecord): void => {
    if (run.task !== name) return;
    if (waiter !== null && waiter.id === run.id) waiter.resolve(run);
    else told.set(run.id, run);
  };
  const unsubscribe = scheduler.on('run-started', hear);
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
  }
}
