/** `retry:` whether and when a finished run is tried again (DESIGN.md "Runs"). */
import type { RetryPolicy } from '../../config/types.js';
import type { RunStatus } from '../run.js';

/**
 * Delay before the next attempt, or null when there is none: only `failed` and `timed-out` runs
 * retry (a cancelled run was stopped on purpose), and only while attempts are left. The wait is
 * min(delay * backoff^(attempt-1), max-delay), `attempt` being the one that just failed.
 */
export function computeRetryDelay(policy: RetryPolicy, status: RunStatus, attempt: number): number | null {
  if (status !== 'failed' && status !== 'timed-out') return null;
  if (attempt > policy.attempts) return null;
  return Math.min(policy.delayMs * policy.backoff ** (attempt - 1), policy.maxDelayMs);
}
