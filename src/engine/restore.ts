/**
 * A task's state after a restart (DESIGN.md "State and history"): holds, run-time reschedules, the
 * max-runs counter and the last scheduled instant survive in the store and come back through add().
 */
import type { Instant } from '../schedule/types.js';
import { collectMissed } from './missed-instants.js';
import { MAX_CATCH_UP_RUNS, type MissedInstants } from './policies/catch-up.js';
import type { RestoredTaskState } from './ports.js';
import type { TaskEntry } from './task-entry.js';

/**
 * Apply `restored` to a new entry. Returns the instants missed since the restored
 * lastScheduledAt, for catch-up, or null when there are none (or the task is held: the
 * held time is never caught up, but it counts as dealt with).
 */
export function restoreEntry(entry: TaskEntry, restored: RestoredTaskState, now: Instant): MissedInstants | null {
  if (restored.schedule != null) entry.setSchedule(restored.schedule);
  entry.scheduledRuns = restored.scheduledRuns ?? 0;
  const hold = restored.hold !== undefined ? restored.hold : entry.spec.hold ? { note: null, at: now } : null;
  if (hold !== null) Object.assign(entry, { held: true, holdNote: hold.note, heldAt: hold.at });
  const last = restored.lastScheduledAt ?? null;
  entry.lastScheduledAt = last;
  if (last === null) return null;
  const missed = collectMissed((after) => entry.scheduleNext(after), last, now, MAX_CATCH_UP_RUNS);
  const latest = missed.latest[missed.latest.length - 1];
  if (latest === undefined) return null;
  entry.lastScheduledAt = latest;
  return entry.held ? null : missed;
}
