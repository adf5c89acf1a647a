/**
 * A task's state after a restart (DESIGN.md "State and history"): holds, run-time reschedules, the
 * max-runs counter and the last scheduled instant survive in the store and come back through add()
 * (TaskEntry's constructor takes them); what the restart skipped over is found here.
 */
import { nextTaskInstant, type TaskTiming } from '../schedule/task-instants.js';
import type { Instant } from '../schedule/types.js';
import { collectMissed } from './missed-instants.js';
import { MAX_CATCH_UP_RUNS, planCatchUp, type MissedInstants } from './policies/catch-up.js';
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

/**
 * The instants `entry` had in (after, upTo], as a restart's missed instants (a restart whose catch-up
 * was handed over, SchedulerOptions.restartCatchUp), or null when there are none.
 */
export function missedBetween(entry: TaskEntry, after: Instant, upTo: Instant): MissedInstants | null {
  // Counted afresh in the range: those instants are dealt with already, so lastScheduledAt is left out.
  const plain = timingOf(entry);
  const missed = collectMissed((at) => nextTaskInstant(plain, at), after, upTo, MAX_CATCH_UP_RUNS);
  return missed.latest.length === 0 ? null : { ...missed, range: { after, upTo, down: true } };
}

/**
 * The catch-up runs, per the task's `catch-up`, of its instants in (after, the latest dealt with]
 * that the caller knows did not run (claims that could not be made): as a restart would catch up.
 * None for a held task (its held span counts them).
 */
export function catchUpRunsSince(entry: TaskEntry, after: Instant): Instant[] {
  const upTo = entry.lastScheduledAt;
  if (upTo === null || entry.held) return [];
  // Counted afresh in the range: those instants are dealt with already, so lastScheduledAt is left out.
  const plain = timingOf(entry);
  const missed = collectMissed((at) => nextTaskInstant(plain, at), after, upTo, MAX_CATCH_UP_RUNS);
  return [...(planCatchUp(entry.spec.catchUp, missed, entry.budget())?.runs ?? [])];
}

function timingOf(entry: TaskEntry): TaskTiming {
  return {
    schedule: entry.schedule,
    until: entry.until,
    runsLeft: Infinity,
    lastScheduledAt: null,
    exclusion: entry.exclusion,
  };
}
