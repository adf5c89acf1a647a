/**
 * A task's upcoming instants as the engine will fire them (issue 13): the schedule's instants,
 * stopping at `until`, after the runs `max-runs` leaves, and never at or before the last instant
 * already dealt with. The one home of that rule: the engine, the daemon's `show` and `next`, and
 * the offline and ad hoc `next` all call these two functions.
 */
import type { Exclusion } from './excluded-dates.js';
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
   * Calendar `except:` dates (issue 17.2, schedule/excluded-dates.ts): instants on excluded local
   * dates are skipped, each run of excluded dates in one jump. Absent or null: none. Calendars are
   * finite date lists, so the skipping loop ends. The engine's timeline reads the timing WITHOUT it
   * (it wakes at an excluded instant to record the skip, engine/task-entry.ts); previews with it.
   */
  readonly exclusion?: Exclusion | null | undefined;
}

/** The task's next instant strictly after `after` (and after lastScheduledAt), ignoring `max-runs`. */
export function nextTaskInstant(timing: TaskTiming, after: Instant): Instant | null {
  const { schedule, until, lastScheduledAt, exclusion } = timing;
  let from = lastScheduledAt !== null && lastScheduledAt > after ? lastScheduledAt : after;
  for (;;) {
    const next = schedule.next(from);
    if (next === null || (until !== null && next >= until)) return null;
    const end = exclusion == null ? null : exclusion.excludedUntil(next);
    if (end === null) return next;
    // Strictly after end - 1: the first instant at or after the excluded dates' end.
    from = Math.max(next, end - 1);
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

/** How many instants a task had in a range, and the first and last of them (issue 16.7: skipped rows). */
export interface InstantCount {
  readonly count: number;
  /** true: there were more than `count` (counting stopped at the cap). */
  readonly more: boolean;
  readonly first: Instant | null;
  readonly last: Instant | null;
}

/**
 * Instants a long range is counted one by one up to; past it, "more than" (an `every` is counted
 * exactly). 10,000 instants of a cron every 5 minutes in Europe/Berlin take about 50 ms (100,000: 517 ms).
 */
const MAX_COUNTED_INSTANTS = 10_000;

const NO_INSTANTS: InstantCount = { count: 0, more: false, first: null, last: null };

/**
 * The task's instants in (after, upTo], ignoring `max-runs` (they are counted, not run): an
 * `every` by arithmetic, whatever the range; any other schedule one by one, at most `cap`, then
 * the last is found looking back from `upTo` through doubling windows. Bounded in time either way.
 */
export function countTaskInstants(
  timing: TaskTiming,
  after: Instant,
  upTo: Instant,
  cap = MAX_COUNTED_INSTANTS,
): InstantCount {
  const first = upTo > after ? nextTaskInstant(timing, after) : null;
  if (first === null || first > upTo) return NO_INSTANTS;
  const spec = timing.schedule.spec;
  if (spec.kind === 'every' && timing.exclusion == null) {
    const end = timing.until === null ? upTo : Math.min(upTo, timing.until - 1);
    const steps = Math.floor((end - first) / spec.periodMs);
    return { count: steps + 1, more: false, first, last: first + steps * spec.periodMs };
  }
  let count = 1;
  let last = first;
  for (let at = nextTaskInstant(timing, first); at !== null && at <= upTo; at = nextTaskInstant(timing, at)) {
    if (count === cap) return { count, more: true, first, last: lastTaskInstant(timing, last, upTo) };
    count++;
    last = at;
  }
  return { count, more: false, first, last };
}

/** The task's last instant in (after, upTo], looking back from `upTo` (there is one: `after` < it is known). */
function lastTaskInstant(timing: TaskTiming, after: Instant, upTo: Instant): Instant {
  for (let window = 1_000; ; window *= 2) {
    const from = Math.max(after, upTo - window);
    let last: Instant | null = null;
    for (let at = nextTaskInstant(timing, from); at !== null && at <= upTo; at = nextTaskInstant(timing, at)) last = at;
    if (last !== null) return last;
    if (from === after) return after;
  }
}
