/**
 * Instants on dates a task's `except:` calendars exclude (issue 17.2). How the engine learns of
 * them: the timeline holds the task at its next instant WITHOUT calendars (task-calendars.ts), so
 * it wakes at the first instant of a run of excluded local dates. That wake runs nothing: it opens
 * a calendar span (skipped-spans.ts), ONE skipped record, reason `calendar`, with the calendar's
 * name, counting the instants of those dates LAZILY and only up to now (a skipped row never counts
 * an instant that has not happened yet); the task's next wake is its first instant after the dates.
 * An every-second task's holiday is one wake and one row whose count grows to 86,400 as it is
 * settled: at that next wake (the span ends), at stop, when `history`/`show` ask, when the task is
 * held, removed or rescheduled. A reload that changes what excludes the span's dates settles it up
 * to now and closes it, and the next instant is computed with the new calendars: a date removed
 * from a calendar brings its remaining instants back. Catch-up never sees an excluded instant:
 * missed instants are looked for with the calendars (TaskEntry.runnableNext), so instants on
 * excluded dates that passed while taskkit was down or asleep are neither missed nor run (nor
 * recorded: a span opens only where a wake lands on an excluded instant).
 * `next`, `show` and `list` preview with the calendars (TaskEntry.upcoming, TaskCalendars.shownNext).
 */
import type { Instant } from '../schedule/types.js';
import type { Task } from './active-run.js';
import type { SkippedSpans } from './skipped-spans.js';

/**
 * The wake on `due`: a calendar span whose dates are over ends; when `due`'s date is excluded, a
 * span opens (or, inside its dates, goes on) counting up to now. Returns the task's next wake then
 * (its first instant after the dates, null for none), or undefined when `due` is not excluded and fires.
 */
export function passExcludedDates(
  spans: SkippedSpans,
  entry: Task,
  due: Instant,
  now: Instant,
): Instant | null | undefined {
  const open = spans.excludedBefore(entry);
  if (open !== null && due < open) {
    // Still on the span's dates (a clock stepped back put an instant of them on the timeline).
    spans.settle(entry, now, now);
  } else {
    spans.endExcluded(entry, due - 1, now);
    const calendar = entry.exclusion?.calendarOf(due) ?? null;
    const before = entry.exclusion?.excludedUntil(due) ?? null;
    if (calendar === null || before === null) return undefined;
    spans.beginExcluded(entry, due, before, calendar, now);
  }
  return entry.computeNext((spans.excludedBefore(entry) ?? due + 1) - 1);
}

/**
 * After a reload: whether `entry`'s calendar span goes on, its dates still excluded up to the same
 * end by the same calendar (read at its last instant counted, which is on them).
 */
export function keepsExcludedSpan(spans: SkippedSpans, entry: Task): boolean {
  const before = spans.excludedBefore(entry);
  const at = entry.lastScheduledAt;
  if (before === null || at === null || entry.exclusion === null) return false;
  return entry.exclusion.calendarOf(at) === spans.excludedBy(entry) && entry.exclusion.excludedUntil(at) === before;
}
