/**
 * Exclusion calendars (issue 17.2, `except:`): an instant is excluded when its LOCAL date in the
 * task's zone is one of a calendar's dates. Pure and fast: a calendar is a sorted array of day
 * numbers (days since 1970-01-01, schedule/calendar.ts), so "is this instant's date excluded" is
 * one offset lookup (zoned.ts caches them) and a binary search per calendar; a daily task over ten
 * years of holidays costs a few comparisons per instant.
 */
import { civilFromDays, DAY_MS, type CivilDate } from './calendar.js';
import type { Instant } from './types.js';
import { gapEnd, offsetAt } from './zoned.js';

/** One calendar a task's `except:` names, resolved: its dates as day numbers, ascending, no repeats. */
export interface ExceptCalendar {
  readonly name: string;
  readonly days: readonly number[];
}

/** What the engine and the previews ask of a task's `except:` (built once per task and zone). */
export interface Exclusion {
  /** The calendar that excludes `at`'s local date (the first of `except:` that does), or null. */
  calendarOf(at: Instant): string | null;
  /**
   * For an excluded instant: the first instant after the run of consecutive excluded local dates
   * it is in (local midnight of the next date no calendar excludes); null when `at` is not excluded.
   * schedule/task-instants.ts jumps there, so an every-second task skips a holiday week in one step.
   */
  excludedUntil(at: Instant): Instant | null;
}

/** The local date of `at` in `tz`, as a day number. */
export function localDay(at: Instant, tz: string): number {
  return Math.floor((at + offsetAt(at, tz)) / DAY_MS);
}

/** Whether the sorted `days` hold `day` (binary search). */
export function hasDay(days: readonly number[], day: number): boolean {
  let lo = 0;
  let hi = days.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const value = days[mid] as number;
    if (value === day) return true;
    if (value < day) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

const scratch: CivilDate = { year: 0, month: 0, day: 0 };

/** The exclusion of `calendars` in zone `tz`; null when there are none (no `except:`). */
export function buildExclusion(calendars: readonly ExceptCalendar[] | undefined, tz: string): Exclusion | null {
  if (calendars === undefined || calendars.length === 0) return null;
  const excludedDay = (day: number): boolean => calendars.some((calendar) => hasDay(calendar.days, day));
  return {
    calendarOf(at) {
      const day = localDay(at, tz);
      for (const calendar of calendars) if (hasDay(calendar.days, day)) return calendar.name;
      return null;
    },
    excludedUntil(at) {
      let day = localDay(at, tz);
      if (!excludedDay(day)) return null;
      // Calendars are finite lists, so this ends; a range of ten years is 3,653 steps, once.
      do day++;
      while (excludedDay(day));
      const { year, month, day: dayOfMonth } = civilFromDays(day, scratch);
      // Midnight, or the end of a gap at midnight (zones that spring forward at 00:00).
      const end = gapEnd({ year, month, day: dayOfMonth, hour: 0, minute: 0, second: 0 }, tz);
      return end > at ? end : at + 1;
    },
  };
}
