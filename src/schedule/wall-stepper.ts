/**
 * The shared engine behind `daily`, `cron` and (through gapEnd) `at`: walk local calendar days in
 * a zone and return the first matching wall time whose instant is strictly after `after`,
 * applying the DST rules of DESIGN.md "Schedule semantics":
 *   - fixed-time programs fire once at the transition for times in a spring-forward gap (all gap
 *     times of one day collapse into that run), and only on the first pass of a repeated hour;
 *   - wildcard programs skip times that do not exist and fire on both passes of a repeated hour;
 *   - a forward jump of 3 hours or more is a zone change (zoned.ts isZoneChange, cronie's rule):
 *     every program skips the lost times, as wildcard programs skip a DST gap.
 */
import { civilFromDays, daysFromCivil, daysInMonth, DAY_MS, weekdayOfDays, type CivilDate } from './calendar.js';
import { isZoneChange, MAX_OFFSET_MS, offsetAt, transitionsBetween, type Transition } from './zoned.js';
import type { Instant } from './types.js';

/** What a calendar schedule matches, independent of any zone. */
export interface WallProgram {
  /** Vixie/cronie's rule: true when no time field starts with `*`. */
  readonly fixed: boolean;
  /** Bit (day - 1) set for each matching day of the month; `firstWeekday` is the weekday of the 1st. */
  dayMask(year: number, month: number, firstWeekday: number, monthDays: number): number;
  /** The first matching second of the day at or after `secondOfDay`, or -1. */
  firstTime(secondOfDay: number): number;
}

// Enough for any calendar pattern to repeat: the Gregorian calendar repeats every 400 years.
const MAX_MONTHS = 400 * 12 + 1;
const civil: CivilDate = { year: 0, month: 0, day: 0 };

/** The first instant strictly after `after` at which the program fires in `tz`, or null. */
export function nextWallInstant(program: WallProgram, tz: string, after: Instant): Instant | null {
  const from = Math.floor(after);
  // Start a day early: when a repeated hour crosses midnight, the previous day's second pass
  // can still lie ahead of `after`.
  const startDay = Math.floor((from + offsetAt(from, tz)) / DAY_MS) - 1;
  civilFromDays(startDay, civil);
  let { year, month, day } = civil;
  for (let scanned = 0; scanned < MAX_MONTHS; scanned++) {
    const first = daysFromCivil(year, month, 1);
    const monthDays = daysInMonth(year, month);
    let mask = program.dayMask(year, month, weekdayOfDays(first), monthDays) & ~((1 << (day - 1)) - 1);
    while (mask !== 0) {
      const dayNumber = first + 31 - Math.clz32(mask & -mask);
      const found = nextOnDay(program, tz, dayNumber, from);
      if (found !== null) return found;
      mask &= mask - 1;
    }
    day = 1;
    if (++month > 12) {
      month = 1;
      year++;
    }
  }
  return null;
}

/** True when the program matches the local calendar day `dayNumber` (days since 1970-01-01). */
function matchesDay(program: WallProgram, dayNumber: number): boolean {
  const { year, month, day } = civilFromDays(dayNumber, civil);
  const mask = program.dayMask(year, month, weekdayOfDays(dayNumber - day + 1), daysInMonth(year, month));
  return (mask & (1 << (day - 1))) !== 0;
}

/** The first firing on one local day after `after`, or null. */
function nextOnDay(program: WallProgram, tz: string, dayNumber: number, after: Instant): Instant | null {
  const dayStart = dayNumber * DAY_MS;
  const changes = transitionsBetween(dayStart - MAX_OFFSET_MS, dayStart + DAY_MS + MAX_OFFSET_MS, tz);
  if (changes.length === 0) return pickInPiece(program, dayStart, 0, DAY_MS, offsetAt(dayStart, tz), after);
  const found = nextOnTransitionDay(program, changes, dayStart, after);
  if (found === null || !matchesDay(program, dayNumber + 1)) return found;
  // A repeated hour across midnight interleaves two days' instants; take the earlier.
  const tomorrow = dayStart + DAY_MS;
  const later = transitionsBetween(tomorrow - MAX_OFFSET_MS, tomorrow + DAY_MS + MAX_OFFSET_MS, tz);
  const next =
    later.length === 0
      ? pickInPiece(program, tomorrow, 0, DAY_MS, offsetAt(tomorrow, tz), after)
      : nextOnTransitionDay(program, later, tomorrow, after);
  return next !== null && next < found ? next : found;
}

/**
 * Slow path for days near a transition: the day's wall clock is cut into pieces, one per offset,
 * visited in instant order. Fixed-time programs skip wall times an earlier piece already showed
 * (first pass only) and fire at the transition for times in a gap.
 */
function nextOnTransitionDay(
  program: WallProgram,
  changes: readonly Transition[],
  dayStart: number,
  after: Instant,
): Instant | null {
  let start = -Infinity;
  let previousOffset = 0;
  let covered = 0;
  for (let i = 0; i <= changes.length; i++) {
    const change = changes[i];
    const offset = change === undefined ? (changes[i - 1] as Transition).after : change.before;
    const end = change === undefined ? Infinity : change.at;
    let wallLo = Math.max(0, start + offset - dayStart);
    const wallHi = Math.min(DAY_MS, end + offset - dayStart);
    const previous = changes[i - 1];
    if (program.fixed && previous !== undefined) {
      const gapLo = Math.max(0, start + previousOffset - dayStart);
      const gapHi = Math.min(DAY_MS, start + offset - dayStart);
      if (gapHi > gapLo && start > after && !isZoneChange(previous)) {
        const time = program.firstTime(Math.ceil(gapLo / 1000));
        if (time >= 0 && time * 1000 < gapHi) return start;
      }
      wallLo = Math.max(wallLo, covered);
    }
    if (wallHi > wallLo) {
      const found = pickInPiece(program, dayStart, wallLo, wallHi, offset, after);
      if (found !== null) return found;
      covered = Math.max(covered, wallHi);
    }
    start = end;
    previousOffset = offset;
  }
  return null;
}

/** First matching wall time in [wallLo, wallHi) ms of the day, read at `offset`, whose instant is > after. */
function pickInPiece(
  program: WallProgram,
  dayStart: number,
  wallLo: number,
  wallHi: number,
  offset: number,
  after: Instant,
): Instant | null {
  const threshold = Math.max(wallLo, after + offset - dayStart + 1);
  if (threshold >= wallHi) return null;
  const time = program.firstTime(Math.ceil(threshold / 1000));
  if (time < 0 || time * 1000 >= wallHi) return null;
  return dayStart + time * 1000 - offset;
}
