/**
 * A task's dead-man watch (`expect-success-within`, DESIGN.md task options): the period counts from
 * the last success, else from when the task was added (the daemon's start); once it passes without
 * a success the task is overdue until the next success. TaskEntry holds one (its `deadMan`) and says
 * when it goes overdue (`overdueAt`, none once removed); engine-loop.ts puts that on the timeline.
 *
 * A value, never changed: a change makes a new one. So the tasks added at one instant with no
 * success known share one watch (issue 20.4: 100,000 tasks at start, one object instead of 100,000).
 */
import type { Instant } from '../schedule/types.js';

export class DeadManWatch {
  readonly lastSuccessAt: Instant | null;
  /** The dead-man's period counts from here: the last success, else when the task was added. */
  readonly watchFrom: Instant;
  readonly overdueSince: Instant | null;

  private constructor(lastSuccessAt: Instant | null, watchFrom: Instant, overdueSince: Instant | null) {
    this.lastSuccessAt = lastSuccessAt;
    this.watchFrom = watchFrom;
    this.overdueSince = overdueSince;
  }

  /** A watch from the last success known (a restart reads it from the history), else from `now`. */
  static from(lastSuccessAt: Instant | null, now: Instant): DeadManWatch {
    if (lastSuccessAt !== null) return new DeadManWatch(lastSuccessAt, lastSuccessAt, null);
    if (lastFresh?.watchFrom !== now) lastFresh = new DeadManWatch(null, now, null);
    return lastFresh;
  }

  /** When the watch goes overdue with `period` (`expect-success-within`): null without one, or once overdue. */
  dueAt(period: number | undefined): Instant | null {
    if (period === undefined || this.overdueSince !== null) return null;
    return this.watchFrom + period;
  }

  /** The dead-man's deadline `at` passed without a success: overdue from then. */
  overdue(at: Instant): DeadManWatch {
    return new DeadManWatch(this.lastSuccessAt, this.watchFrom, at);
  }

  /** A run succeeded at `at`: the period counts from it again, not overdue (`overdueSince` says if it was). */
  succeeded(at: Instant): DeadManWatch {
    return new DeadManWatch(at, at, null);
  }

  /** A definition without `expect-success-within` (reload): not overdue any more. */
  cleared(): DeadManWatch {
    return this.overdueSince === null ? this : new DeadManWatch(this.lastSuccessAt, this.watchFrom, null);
  }
}

/** The last watch made for a task with no success known, shared by the tasks added at its instant. */
let lastFresh: DeadManWatch | null = null;
