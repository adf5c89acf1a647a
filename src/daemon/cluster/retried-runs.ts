/**
 * The runs of tasks with `retry: { interrupted: true }` (../shared/CLUSTER.md section 4): a peer
 * that reaps this host retries them, so a fenced host stops its own copies.
 */
import type { TaskSpec } from '../../config/types.js';
import type { Scheduler } from '../../engine/scheduler.js';
import type { Logger } from '../log.js';

/**
 * Past the fence, the runs of tasks with `retry: { interrupted: true }` are cancelled (SIGTERM, then
 * SIGKILL after kill-after), since a peer will run them again; other runs finish and nobody reruns them.
 */
export function stopRetriedRuns(engine: Scheduler, log: Logger): void {
  for (const run of engine.runsInFlight()) {
    if (!engine.has(run.task) || !retriesInterrupted(engine.get(run.task).spec)) continue;
    try {
      engine.cancelRun(run.id);
      log('warn', `cluster: run #${run.id} of ${run.task} stopped: this host is fenced and a peer retries it`);
    } catch {
      // ended meanwhile
    }
  }
}

/** `retry: { interrupted: true }`: a peer reaping this host retries the task's runs. */
export function retriesInterrupted(spec: TaskSpec): boolean {
  return (spec.retry as { interrupted?: boolean }).interrupted === true;
}
