/**
 * A task's state after a restart (DESIGN.md "State and history"): holds, run-time reschedules, the
 * max-runs counter and the last scheduled instant survive in the store and come back through add()
 * (TaskEntry's constructor takes them); what the restart skipped over is found here.
 */
import type { Instant } from '../schedule/types.js';
import { collectMissed } from './missed-instants.js';
import { MAX_CATCH_UP_RUNS, type MissedInstants } from './policies/catch-up.js';
import type { TaskEntry } from './task-entry.js';

/**
 * The instants missed since the restored lastScheduledAt, for catch-up, or null when there are
 * none (or the task is held: the held time is never caught up, but it counts as dealt with).
 */
export function missedSinceRestart(
  entry: TaskEntry,
  now: Instant,
  holdEnded: Instant | null = null,
): MissedInstants | null {
  let last = entry.lastScheduledAt;
  if (last === null) return null;
  const next = (after: Instant): Instant | null => entry.scheduleNext(after);
  if (holdEnded !== null && holdEnded - 1 > last) {
    // A hold (`hold --for/--until`) ended at `holdEnded` while the daemon was down: instants before
    // it were held, never caught up, but dealt with; those from its end on were missed.
    const held = collectMissed(next, last, Math.min(holdEnded - 1, now), 1).latest[0];
    if (held !== undefined) entry.dealtWith(held);
    last = holdEnded - 1;
  }
  const missed = collectMissed(next, last, now, MAX_CATCH_UP_RUNS);
  const latest = missed.latest[missed.latest.length - 1];
  if (latest === undefined) return null;
  entry.dealtWith(latest);
  return entry.held ? null : missed;
}
