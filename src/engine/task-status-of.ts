/**
 * A task's outside view (TaskStatus, task-state.ts) built from its engine state (task-entry.ts):
 * `list`, `show`, `status` and the task-changed event read this, never the entry itself; and
 * whether a task-changed is due (what the last one said of each task).
 */
import type { RunRecord } from './run.js';
import { shownNextInstant } from './task-calendars.js';
import type { TaskEntry, TrackedRun } from './task-entry.js';
import type { TaskStatus } from './task-state.js';

export function taskStatusOf<R extends TrackedRun>(entry: TaskEntry<R>): TaskStatus {
  const running: RunRecord[] = [];
  for (const run of entry.active) if (run.phase === 'running') running.push(run.record);
  const { spec, join } = entry;
  const hold = entry.currentHold;
  return {
    name: spec.name,
    spec,
    state: entry.state(),
    schedule: entry.schedule.spec,
    rescheduled: entry.rescheduled,
    nextAt: shownNextInstant(entry, entry.nextAt),
    held: hold !== null,
    holdNote: hold?.note ?? null,
    heldAt: hold?.at ?? null,
    heldUntil: hold?.until ?? null,
    running,
    queued: entry.active.length - running.length,
    group: entry.describeGroup(spec.group, entry.active),
    scheduledRuns: entry.scheduledRuns,
    lastScheduledAt: entry.lastScheduledAt,
    lastSuccessAt: entry.deadMan.lastSuccessAt,
    overdueSince: entry.deadMan.overdueSince,
    lastRun: entry.lastRun,
    failedSlots: entry.failedSlots,
    autoHeld: entry.autoHeld,
    alert: entry.alertState,
    ...(join === null ? {} : { join: join.state }),
  };
}

/**
 * Whether a task-changed is due for `entry` (forced, or its state, next instant, hold or schedule
 * changed); records it as sent. Kept in fields of the entry, neither in a WeakMap (100,000 entries of
 * its table cost 4 MB) nor as a record (56 bytes and its own copy of the next instant per task; issue 20.4).
 */
export function announcementDue<R extends TrackedRun>(entry: TaskEntry<R>, force: boolean): boolean {
  const state = entry.state();
  const { nextAt, held } = entry;
  const schedule = entry.schedule.spec;
  const same =
    entry.announcedState === state &&
    entry.announcedNextAt === nextAt &&
    entry.announcedHeld === held &&
    entry.announcedSchedule === schedule;
  if (same && !force) return false;
  entry.announcedState = state;
  entry.announcedNextAt = nextAt;
  entry.announcedHeld = held;
  entry.announcedSchedule = schedule;
  return true;
}
