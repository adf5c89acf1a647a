/**
 * A task's upcoming instants as the engine will fire them (issue 13): the schedule's instants,
 * stopping at `until`, after the runs `max-runs` leaves, and never at or before the last instant
 * already dealt with. The one home of that rule: the engine, the daemon's `show` and `next`, and
 * the offline and ad hoc `next` all call these two functions.
 */
import type { Instant, Schedule } from './types.js';

/** What decides a task's instants besides the clock. */
export interface TaskTiming {
  /** The schedule in force (a run-time reschedule or the file's), bound to the task's zone. */
  readonly schedule: Schedule;
  /** `until:`: no instant at or after it; null for none. */
  readonly until: Instant | null;
  /** Counted runs `max-runs` still allows (Infinity without `max-runs`). */
  readonly runsLeft: number;
  /** The latest instant already dealt with (fired, caught up, passed while held): later ones only. */
  readonly lastScheduledAt: Instant | null;
  /**
   * Hook for calendar `except` dates (DESIGN.md `next` row): an instant it returns true for is
   * skipped. Calendars are finite date lists, so the skipping loop ends.
   */
  readonly excluded?: ((at: Instant) => boolean) | undefined;
}

/** The task's next instant strictly after `after` (and after lastScheduledAt), ignoring `max-runs`. */
export function nextTaskInstant(timing: TaskTiming, after: Instant): Instant | null {
  const { schedule, until, lastScheduledAt, excluded } = timing;
  let from = lastScheduledAt !== null && lastScheduledAt > after ? lastScheduledAt : after;
  for (;;) {
    const next = schedule.next(from);
    if (next === null || (until !== null && next >= until)) return null;
    if (excluded === undefined || !excluded(next)) return next;
    from = next;
  }
}

/**
 * Up to `count` instants the task will fire at after `after`: at most its `runsLeft`, before
 * `until`. With `listFrom`, instants before it are not listed but still spend `max-runs` budget.
 */
export function upcomingTaskInstants(
  timing: TaskTiming,
  after: Instant,
  count: number,
  listFrom = -Infinity,
): Instant[] {
  const out: Instant[] = [];
  let runsLeft = timing.runsLeft;
  // Without a budget to spend, the instants before listFrom can be jumped over in one step.
  let from = runsLeft === Infinity ? Math.max(after, listFrom - 1) : after;
  while (out.length < count && runsLeft > 0) {
    const next = nextTaskInstant(timing, from);
    if (next === null) break;
    runsLeft--;
    if (next >= listFrom) out.push(next);
    from = next;
  }
  return out;
}
