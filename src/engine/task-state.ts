/** A task's externally visible state: what `list`, `show` and `status` report. */
import type { TaskSpec } from '../config/types.js';
import type { Instant, ScheduleSpec } from '../schedule/types.js';
import type { JoinState } from './join.js';
import type { RunRecord } from './run.js';
import type { RunPhase } from './run-phase.js';

/**
 * - `scheduled`: waiting for its next instant;
 * - `running`: at least one run going;
 * - `held`: scheduled runs suppressed until resume (TaskKit's disableTask);
 * - `on-demand`: no schedule; runs only when triggered;
 * - `done`: has a schedule but no instant left (one-shot passed, `max-runs` reached, `until` passed);
 * - `removed`: gone from the tasks file (a reload) while a run of it goes on: an orphan, kept
 *   visible and cancellable until its last run ends (issue 15 point 9).
 */
export type TaskStateName = 'scheduled' | 'running' | 'held' | 'on-demand' | 'done' | 'removed';

/** What a task looks like to the outside, at one moment. Plain data. */
export interface TaskStatus {
  readonly name: string;
  readonly spec: TaskSpec;
  readonly state: TaskStateName;
  /** The schedule in force: the file's, or a run-time reschedule. */
  readonly schedule: ScheduleSpec;
  /** True when `schedule` comes from `reschedule`, not the file. */
  readonly rescheduled: boolean;
  /** The next scheduled instant, or null. */
  readonly nextAt: Instant | null;
  readonly held: boolean;
  readonly holdNote: string | null;
  readonly heldAt: Instant | null;
  /** When the hold ends by itself (`hold --for/--until`), or null: held until resume, or not held. */
  readonly heldUntil: Instant | null;
  /** Runs going now. */
  readonly running: readonly RunRecord[];
  /** Runs waiting (overlap `queue`, the max-concurrent queue, a concurrency group's, pending retries). */
  readonly queued: number;
  /** Its concurrency group (`group:`) as it stands, or null when it has none. */
  readonly group: GroupStatus | null;
  /** Scheduled (and catch-up) runs started so far, counted for `max-runs`. */
  readonly scheduledRuns: number;
  /** The latest instant this task fired for (for catch-up and phase), or null. */
  readonly lastScheduledAt: Instant | null;
  /** When a run of the task last succeeded (this daemon's, or the history's after a restart), or null. */
  readonly lastSuccessAt: Instant | null;
  /** Dead-man (`expect-success-within`): when the task became overdue, or null when it is not. */
  readonly overdueSince: Instant | null;
  /** The most recent finished or skipped run, or null. */
  readonly lastRun: RunRecord | null;
  /** Scheduled slots (an instant with all its retries) that failed in a row; a success or a resume resets it. */
  readonly failedSlots: number;
  /** Held by `hold-after-failures` (its failed slots reached the limit), not by hand. */
  readonly autoHeld: boolean;
  /** Which of its alerts were sent and when (`notify:`, engine/alerts.ts); stored with the task. */
  readonly alert: AlertState;
  /** `after-all:` which parents succeeded since the join's wait began (engine/join.ts); absent without `after-all`. */
  readonly join?: JoinState;
}

/** What a task remembers of its alerts (engine/alerts.ts has the rules; task_state stores it). */
export interface AlertState {
  /**
   * The instant of the slot whose `failure` was last sent, for the failing slots going on (`repeat`
   * counts from it); null: none sent since the last success.
   */
  readonly failureAlertedAt: Instant | null;
  /** When `overdue` was sent for the overdue period going on; null: none sent since the last success. */
  readonly overdueAlertedAt: Instant | null;
}

/** A task's concurrency group at one moment (`list`: "waiting for group db (1/1 running)"). */
export interface GroupStatus {
  readonly name: string;
  /** `settings.groups` limit: most runs of the group's tasks at once. */
  readonly limit: number;
  /** Runs of the group's tasks (any of them) holding a place now: claiming or running. */
  readonly running: number;
  /** Runs of this task waiting for a place in the group (counted in `queued` too). */
  readonly waiting: number;
}

/** A task's group (`group:`) and its runs -> its GroupStatus (engine/group-status.ts), or null. */
export type GroupDescriber = (
  name: string | undefined,
  runs: readonly { readonly phase: RunPhase }[],
) => GroupStatus | null;

/** A group's limit and places taken (engine/group-gate.ts), or undefined for a name without a limit. */
export type GroupLookup = (group: string) => { readonly limit: number; readonly running: number } | undefined;
