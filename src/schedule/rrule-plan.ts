/**
 * An RruleSpec as python-dateutil's `rrule.__init__` (v2.9) leaves it before expanding: the BY*
 * defaults taken from DTSTART, BYDAY split into plain and ordinal weekdays, the time of day
 * sets, each as a lookup table. rrule-period.ts expands the result; nothing here reads a zone.
 */
import { daysFromCivil, weekdayOfDays } from './calendar.js';
import type { RruleFrequency, RruleSpec } from './types.js';

/** dateutil's frequency numbers: YEARLY 0 .. SECONDLY 6 (coarser is smaller). */
export const YEARLY = 0;
export const MONTHLY = 1;
export const WEEKLY = 2;
export const DAILY = 3;
export const HOURLY = 4;
export const MINUTELY = 5;
export const SECONDLY = 6;

const FREQUENCIES: Readonly<Record<RruleFrequency, number>> = {
  YEARLY,
  MONTHLY,
  WEEKLY,
  DAILY,
  HOURLY,
  MINUTELY,
  SECONDLY,
};

/** Membership tables (1 = in the set); null when the part does not filter. */
type Table = Uint8Array | null;

export interface RrulePlan {
  readonly freq: number;
  readonly interval: number;
  readonly count: number | null;
  readonly wkst: number;
  /** DTSTART: its wall time as ms on the local axis (wallToLocalMs), its day number and parts. */
  readonly startMs: number;
  readonly startDay: number;
  readonly startYear: number;
  readonly startMonth: number;
  /** 0 = Monday, dateutil's numbering. */
  readonly startWeekday: number;
  readonly startSecondOfDay: number;
  readonly byMonth: Table; // index 1..12
  readonly byWeekNo: readonly number[] | null;
  /** BYYEARDAY at yearDayIndex(n). */
  readonly byYearDay: Table;
  /** BYMONTHDAY (dateutil's bymonthday and bynmonthday) at monthDayIndex(n). */
  readonly byMonthDay: Table;
  readonly byWeekday: Table; // index 0..6
  /** Ordinal BYDAY items ("-1FR"), kept only for YEARLY and MONTHLY as dateutil does. */
  readonly byNWeekday: readonly (readonly [weekday: number, ordinal: number])[] | null;
  readonly bySetPos: readonly number[] | null;
  /** Period filters of the sub-daily frequencies (HOURLY: hour; MINUTELY: +minute; SECONDLY: +second). */
  readonly byHour: Table;
  readonly byMinute: Table;
  readonly bySecond: Table;
  /**
   * YEARLY..DAILY: the seconds of the day each matching day fires at, sorted (dateutil's timeset).
   * HOURLY / MINUTELY / SECONDLY: the offsets in seconds from the start of each period.
   */
  readonly times: readonly number[];
  /**
   * true when dateutil refuses the rule as empty ("Invalid rrule byxxx generates an empty set":
   * e.g. FREQ=HOURLY;INTERVAL=2;BYHOUR=3 from an even hour); it never fires.
   */
  readonly empty: boolean;
}

/** dateutil's rrule constructor on our spec. */
export function planRrule(spec: RruleSpec): RrulePlan {
  const freq = FREQUENCIES[spec.freq];
  const { start, interval } = spec;
  const startDay = daysFromCivil(start.year, start.month, start.day);
  const startWeekday = (weekdayOfDays(startDay) + 6) % 7;
  let byMonth = [...spec.byMonth];
  let byMonthDay = [...spec.byMonthDay];
  let byDay = spec.byDay.map(({ weekday, ordinal }) => ({ weekday, ordinal }));
  if (spec.byWeekNo.length === 0 && spec.byYearDay.length === 0 && byMonthDay.length === 0 && byDay.length === 0) {
    if (freq === YEARLY) {
      if (byMonth.length === 0) byMonth = [start.month];
      byMonthDay = [start.day];
    } else if (freq === MONTHLY) byMonthDay = [start.day];
    else if (freq === WEEKLY) byDay = [{ weekday: startWeekday, ordinal: null }];
  }
  const plain = new Set<number>();
  const ordinals: [number, number][] = [];
  for (const { weekday, ordinal } of byDay) {
    if (ordinal === null || ordinal === 0 || freq > MONTHLY) plain.add(weekday);
    else if (!ordinals.some(([w, n]) => w === weekday && n === ordinal)) ordinals.push([weekday, ordinal]);
  }
  // dateutil keeps both kinds when both are given, so a day must then match both (BYDAY=MO,-1FR
  // with MONTHLY never fires there); we do the same, since equal results are the contract.
  const byWeekday = plain.size === 0 ? null : table(7, [...plain]);
  const byNWeekday = byDay.length > 0 && (plain.size === 0 || ordinals.length > 0) ? ordinals : null;

  let empty = false;
  const subDaily = (given: readonly number[], own: number, base: number, startValue: number): Table => {
    if (given.length === 0) return freq < own ? table(base, [startValue]) : null;
    if (freq !== own) return table(base, given);
    // __construct_byset: only the values INTERVAL can reach from DTSTART's.
    const step = gcd(interval, base);
    const reachable = given.filter((value) => mod(value - startValue, step) === 0);
    if (reachable.length === 0) empty = true;
    return table(base, reachable);
  };
  const byHour = subDaily(spec.byHour, HOURLY, 24, start.hour);
  const byMinute = subDaily(spec.byMinute, MINUTELY, 60, start.minute);
  const bySecond = subDaily(spec.bySecond, SECONDLY, 60, start.second);
  if (freq >= MINUTELY && !empty)
    empty = !timeReachable(freq, interval, start, byHour, byMinute, freq === SECONDLY ? bySecond : null);

  return {
    freq,
    interval,
    count: spec.count,
    wkst: spec.wkst,
    startMs: startDay * 86_400_000 + (start.hour * 3600 + start.minute * 60 + start.second) * 1000,
    startDay,
    startYear: start.year,
    startMonth: start.month,
    startWeekday,
    startSecondOfDay: start.hour * 3600 + start.minute * 60 + start.second,
    byMonth: byMonth.length === 0 ? null : table(13, byMonth),
    byWeekNo: spec.byWeekNo.length === 0 ? null : [...new Set(spec.byWeekNo)].sort((a, b) => a - b),
    byYearDay: spec.byYearDay.length === 0 ? null : table(733, spec.byYearDay.map(yearDayIndex)),
    byMonthDay: byMonthDay.length === 0 ? null : table(63, byMonthDay.map(monthDayIndex)),
    byWeekday,
    byNWeekday,
    bySetPos: spec.bySetPos.length === 0 ? null : [...spec.bySetPos],
    byHour: freq >= HOURLY ? byHour : null,
    byMinute: freq >= MINUTELY ? byMinute : null,
    bySecond: freq >= SECONDLY ? bySecond : null,
    times: timesOf(freq, byHour, byMinute, bySecond),
    empty,
  };
}

/** True when dateutil would refuse the rule as empty (its planRrule().empty), which the parser can tell the user. */
export function rruleNeverFires(spec: RruleSpec): boolean {
  return planRrule(spec).empty;
}

/**
 * MINUTELY and SECONDLY: can INTERVAL's steps from DTSTART reach a time of day the BYHOUR /
 * BYMINUTE / BYSECOND filters allow? Periods fall on the times of day congruent to DTSTART's
 * modulo gcd(INTERVAL x unit, 1 day). dateutil raises "Invalid combination of interval and
 * byhour" when none is (FREQ=MINUTELY;INTERVAL=120;BYHOUR=1 from midnight); the scan would
 * otherwise look for 400 years.
 */
function timeReachable(
  freq: number,
  interval: number,
  start: RruleSpec['start'],
  byHour: Table,
  byMinute: Table,
  bySecond: Table,
): boolean {
  const unit = freq === MINUTELY ? 60 : 1;
  const step = gcd(interval * unit, 86_400);
  const first = start.hour * 3600 + start.minute * 60 + (freq === MINUTELY ? 0 : start.second);
  const allowed = (lookup: Table, value: number): boolean => lookup === null || lookup[value] === 1;
  for (let hour = 0; hour < 24; hour++) {
    if (!allowed(byHour, hour)) continue;
    for (let minute = 0; minute < 60; minute++) {
      if (!allowed(byMinute, minute)) continue;
      for (let second = 0; second < (freq === MINUTELY ? 1 : 60); second++)
        if (allowed(bySecond, second) && mod(hour * 3600 + minute * 60 + second - first, step) === 0) return true;
    }
  }
  return false;
}

/** The timeset (YEARLY..DAILY) or the offsets within a period (HOURLY..SECONDLY), sorted. */
function timesOf(freq: number, byHour: Table, byMinute: Table, bySecond: Table): number[] {
  const hours = freq < HOURLY ? members(byHour) : [0];
  const minutes = freq < MINUTELY ? members(byMinute) : [0];
  const seconds = freq < SECONDLY ? members(bySecond) : [0];
  const out: number[] = [];
  for (const hour of hours)
    for (const minute of minutes) for (const second of seconds) out.push(hour * 3600 + minute * 60 + second);
  return out.sort((a, b) => a - b);
}

/** Where a BYYEARDAY value sits in its table: 1..366 as is, -1..-366 at 367..732. */
export function yearDayIndex(n: number): number {
  return n > 0 ? n : 366 - n;
}

/** Where a BYMONTHDAY value sits in its table: 1..31 as is, -1..-31 at 32..62. */
export function monthDayIndex(n: number): number {
  return n > 0 ? n : 31 - n;
}

function table(size: number, values: readonly number[]): Uint8Array {
  const out = new Uint8Array(size);
  for (const value of values) if (value >= 0 && value < size) out[value] = 1;
  return out;
}

function members(lookup: Table): number[] {
  const out: number[] = [];
  if (lookup !== null) lookup.forEach((bit, value) => bit === 1 && out.push(value));
  return out;
}

/** Python's modulo: the sign of the divisor. */
export function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
