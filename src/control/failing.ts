/**
 * Whether a task is failing (issue 16.6, 16.8): its last slot failed for good. The one rule behind
 * `status --check`'s CRITICAL `failing` problems and `list`'s `failing` mark and count, so that the
 * two never disagree about a task.
 */
import { failedForGood, type RunRecord } from '../engine/run.js';
import { computeRetryDelay } from '../engine/policies/retry.js';
import type { TaskStatus } from '../engine/task-state.js';

/**
 * `last` is the task's last run that ran (the engine's, else the history's after a restart). A
 * failed run whose retry waits is not failing yet: its slot is not over. An auto-held task failed,
 * but the hold is what to see to (a WARNING in `status --check`), and a task removed from the tasks
 * file is no task of it: neither is failing.
 */
export function isFailing(
  task: Pick<TaskStatus, 'autoHeld' | 'queued' | 'spec' | 'state'>,
  last: Pick<RunRecord, 'status' | 'attempt'> | null,
): boolean {
  if (last === null || task.autoHeld || task.state === 'removed' || !failedForGood(last.status)) return false;
  return !retryWaits(task, last);
}

/** Whether a retry of `last` is waiting: the task's retry policy retries it, and the task has a run waiting. */
function retryWaits(task: Pick<TaskStatus, 'queued' | 'spec'>, last: Pick<RunRecord, 'status' | 'attempt'>): boolean {
  return task.queued > 0 && computeRetryDelay(task.spec.retry, last.status, last.attempt) !== null;
}
