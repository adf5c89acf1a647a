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
 * none. A held task has none: its instants since then were held, and its held span counts them
 * (skipped-spans.ts). A hold that ended while the daemon was down is counted by the caller first
 * (Scheduler.add): its instants are dealt with, those from its end on were missed.
 */
export function missedSinceRestart(entry: TaskEntry, now: Instant): MissedInstants | null {
  const last = entry.lastScheduledAt;
  if (last === null || entry.held) return null;
  // Instants on excluded dates (`except:`) were never going to run: they are not missed.
  const missed = collectMissed((after) => entry.runnableNext(after), last, now, MAX_CATCH_UP_RUNS);
  const latest = missed.latest[missed.latest.length - 1];
  if (latest === undefined) return null;
  entry.dealtWith(latest);
  return { ...missed, range: { after: last, upTo: now, down: true } };
}
