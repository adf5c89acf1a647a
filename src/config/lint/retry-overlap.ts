/**
 * Rule `retry-overlap`: `retry` with `overlap: allow`. A retry is not a new trigger: it waits its
 * delay and starts whatever else of the task is going (engine/run-flow.ts #scheduleRetry), and under
 * `allow` no waiting retry holds back the next trigger either. So while the task fails, retries of
 * one run go on beside the runs of later instants and their own retries. Under skip or queue a
 * waiting retry is the task's run the next trigger meets (engine/policies/overlap.ts).
 */
import type { LintSubject } from './context.js';

export function lintRetryOverlap({ c, task }: LintSubject): void {
  if (task.overlap !== 'allow' || task.retry.attempts === 0) return;
  c.warn(
    'retry-overlap',
    ['retry'],
    'value',
    'retry with overlap: allow: a retry starts whatever else of this task is running, and new runs start ' +
      'while retries wait, so while the task fails its retries run beside the next runs and their retries; ' +
      'use overlap: skip or queue to run one at a time',
  );
}
