/**
 * A task's outside view (TaskStatus, task-state.ts) built from its engine state (task-entry.ts):
 * `list`, `show`, `status` and the task-changed event read this, never the entry itself; and
 * whether a task-changed is due (what the last one said of each task).
 */
import type { Instant, ScheduleSpec } from '../schedule/types.js';
import type { RunRecord } from './run.js';
import type { TaskEntry, TrackedRun } from './task-entry.js';
import type { TaskStateName, TaskStatus } from './task-state.js';

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
    nextAt: entry.calendars.shownNext(entry, entry.nextAt),
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
    alert: entry.alerts.state,
    ...(join === null ? {} : { join: join.state }),
  };
}

interface Announced {
  readonly state: TaskStateName;
  readonly nextAt: Instant | null;
  readonly held: boolean;
  readonly schedule: ScheduleSpec;
}

/** What the last task-changed event said of each task, so that only changes are announced. */
export class TaskAnnouncements {
  readonly #seen = new WeakMap<object, Announced>();

  /** Whether a task-changed is due (forced, or state, next instant, hold or schedule changed); records it as sent. */
  due<R extends TrackedRun>(entry: TaskEntry<R>, force: boolean): boolean {
    const seen = this.#seen.get(entry);
    const state = entry.state();
    const { nextAt, held } = entry;
    const schedule = entry.schedule.spec;
    const same =
      seen !== undefined &&
      seen.state === state &&
      seen.nextAt === nextAt &&
      seen.held === held &&
      seen.schedule === schedule;
    if (same && !force) return false;
    this.#seen.set(entry, { state, nextAt, held, schedule });
    return true;
  }
}
