/** One-line reports about runs for `run-now` (kept apart from the tables: `run-now` must start fast). */
import type { RunView } from '../../control/views.js';
import { formatDuration } from '../../schedule/duration.js';

/** "backup #12 started (pid 4242)", "backup #12 queued", "backup #12 skipped: already running". */
export function describeTriggered(run: RunView): string {
  const label = `${run.task} #${run.id}`;
  if (run.status === 'running') return `${label} started${run.pid === null ? '' : ` (pid ${run.pid})`}`;
  if (run.status === 'queued') return `${label} queued (it starts when a slot is free)`;
  return `${label} ${run.outcome}`;
}

/** "backup #12 exited with code 3 after 1s". */
export function describeFinished(run: RunView): string {
  // A timeout's own words already say how long ("timed out after 30s; sent SIGTERM").
  const took = run.durationMs === null || run.status === 'timed-out' ? '' : ` after ${formatDuration(run.durationMs)}`;
  return `${run.task} #${run.id} ${run.outcome}${took}`;
}
