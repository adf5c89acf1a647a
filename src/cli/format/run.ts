/** One-line reports about runs for `run-now` (kept apart from the tables: `run-now` must start fast). */
import type { RetryingEvent } from '../../control/protocol.js';
import type { RunView } from '../../control/views.js';
import { formatElapsed } from '../../schedule/elapsed.js';
import { escapeControl } from '../../escape-control.js';

/**
 * "backup #12 started (pid 4242)", "backup #12 queued", "backup #12 skipped: already running";
 * `group` ("db: 1/1 running") when the queued run waits for a place in its concurrency group;
 * `claimed` when it waits for its claim in the cluster, which may still skip it (overlap, hold).
 */
export function describeTriggered(run: RunView, group: string | null = null, claimed = false): string {
  const label = `${run.task} #${run.id}`;
  if (run.status === 'running') return `${label} started${run.pid === null ? '' : ` (pid ${run.pid})`}`;
  if (run.status === 'queued' && group !== null) return `${label} queued (waiting for group ${group})`;
  if (run.status === 'queued' && claimed) {
    const history = `"taskkit history ${run.task}" shows how it went`;
    return `${label} queued for its claim in the cluster (overlap or a hold may still skip it; ${history})`;
  }
  if (run.status === 'queued') return `${label} queued (it starts when a slot is free)`;
  return `${label} ${escapeControl(run.outcome)}`;
}

/** "backup #12 exited with code 3 after 1.2s". */
export function describeFinished(run: RunView): string {
  // A timeout's own words already say how long ("timed out after 30s; sent SIGTERM").
  const took = run.durationMs === null || run.status === 'timed-out' ? '' : ` after ${formatElapsed(run.durationMs)}`;
  return `${run.task} #${run.id} ${escapeControl(run.outcome)}${took}`;
}

/**
 * "backup #12 exited with code 7 (attempt 1 of 4); attempt 2 (#13) in 2s": a line per retry of `run-now --wait` and
 * `logs --follow`.
 */
export function describeRetrying(event: RetryingEvent): string {
  const { failed, retry } = event;
  // The retry's record is created when its wait begins: `at` minus that is the retry delay.
  const delay = Math.max(0, Date.parse(event.at) - Date.parse(retry.createdAt));
  return (
    `${failed.task} #${failed.id} ${failed.outcome} (attempt ${failed.attempt} of ${event.attempts}); ` +
    `attempt ${retry.attempt} (#${retry.id}) in ${formatElapsed(delay)}`
  );
}

/** A run's returned value as one line of JSON (long values cut, so `show` stays readable). */
export function describeResult(result: unknown, maxLength = 200): string {
  const text = JSON.stringify(result) ?? String(result);
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}
