/**
 * A task's dead-man watch (`expect-success-within`, DESIGN.md task options): the period counts from
 * the last success, else from when the task was added (the daemon's start); once it passes without
 * a success the task is overdue until the next success. TaskEntry owns one (its `deadMan`) and says
 * when it goes overdue (`overdueAt`, none once removed); engine-loop.ts puts that on the timeline.
 */
import type { Instant } from '../schedule/types.js';

export class DeadManWatch {
  #lastSuccessAt: Instant | null;
  /** The dead-man's period counts from here: the last success, else when the task was added. */
  #watchFrom: Instant;
  #overdueSince: Instant | null = null;

  /** A watch from the last success known (a restart reads it from the history), else from `now`. */
  constructor(lastSuccessAt: Instant | null, now: Instant) {
    this.#lastSuccessAt = lastSuccessAt;
    this.#watchFrom = lastSuccessAt ?? now;
  }

  get lastSuccessAt(): Instant | null {
    return this.#lastSuccessAt;
  }

  /** Where the dead-man's period counts from: the last success, else when the task was added. */
  get watchFrom(): Instant {
    return this.#watchFrom;
  }

  get overdueSince(): Instant | null {
    return this.#overdueSince;
  }

  /** When the watch goes overdue with `period` (`expect-success-within`): null without one, or once overdue. */
  dueAt(period: number | undefined): Instant | null {
    if (period === undefined || this.#overdueSince !== null) return null;
    return this.#watchFrom + period;
  }

  /** The dead-man's deadline `at` passed without a success: overdue from then. */
  markOverdue(at: Instant): void {
    this.#overdueSince = at;
  }

  /** A run succeeded at `at`: the period counts from it again. Returns when the task had been overdue, else null. */
  noteSuccess(at: Instant): Instant | null {
    const wasOverdue = this.#overdueSince;
    this.#lastSuccessAt = at;
    this.#watchFrom = at;
    this.#overdueSince = null;
    return wasOverdue;
  }

  /** A definition without `expect-success-within` (reload): not overdue any more. */
  clear(): void {
    this.#overdueSince = null;
  }
}
