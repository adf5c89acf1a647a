/**
 * An rrule in words for `list` and `show`: "monthly on the last weekday at 18:00". The sentence
 * is built from the parts as dateutil expands them (the defaults DTSTART gives a rule that leaves
 * its day or time open included), for the shapes that read naturally; any other rule is its
 * parts listed in words. Either way it must never say something the rule does not do.
 */
import { daysFromCivil, weekdayOfDays } from './calendar.js';
import {
  clockWord,
  joinWords,
  monthDayWord,
  monthName,
  ordinalWeekdayWord,
  positionWord,
  wallWord,
  weekdayName,
  weekdaySetNoun,
  weekdaySetWords,
  yearDayWord,
} from './rrule-word-parts.js';
import { toWall } from './zoned.js';
import type { RruleFrequency, RruleSpec } from './types.js';

const UNITS: Readonly<Record<RruleFrequency, readonly [once: string, unit: string]>> = {
  YEARLY: ['yearly', 'year'],
  MONTHLY: ['monthly', 'month'],
  WEEKLY: ['weekly', 'week'],
  DAILY: ['daily', 'day'],
  HOURLY: ['hourly', 'hour'],
  MINUTELY: ['every minute', 'minute'],
  SECONDLY: ['every second', 'second'],
};
// More times of day than this are listed as parts instead.
const MAX_LISTED_TIMES = 6;

/** The day and time parts as dateutil expands them: DTSTART's defaults filled in. */
interface Effective {
  readonly months: readonly number[];
  readonly monthDays: readonly number[];
  readonly yearDays: readonly number[];
  readonly weekNos: readonly number[];
  /** Plain BYDAY weekdays, 0 = Monday. */
  readonly plain: readonly number[];
  readonly ordinals: RruleSpec['byDay'];
  readonly setPos: readonly number[];
  /** Empty: every hour (minute, second) of a period passes. */
  readonly hours: readonly number[];
  readonly minutes: readonly number[];
  readonly seconds: readonly number[];
}

/** The rule in words, with its start (when given), COUNT and UNTIL; the zone is the caller's. */
export function describeRrule(spec: RruleSpec, tz: string): string {
  const core = describeNaturally(spec) ?? describeParts(spec);
  const from = spec.startGiven ? ` from ${wallWord(spec.start)}` : '';
  const count = spec.count === null ? '' : spec.count === 1 ? ', once' : `, ${spec.count} times`;
  const until =
    spec.until === null
      ? ''
      : `, until ${wallWord('wall' in spec.until ? spec.until.wall : toWall(spec.until.instant, tz))}`;
  return `${core}${from}${count}${until}`;
}

/** "monthly", "every 2 weeks". */
function frequencyWords(spec: RruleSpec): string {
  const [once, unit] = UNITS[spec.freq];
  return spec.interval === 1 ? once : `every ${spec.interval} ${unit}s`;
}

function isDailyOrCoarser(freq: RruleFrequency): boolean {
  return freq === 'YEARLY' || freq === 'MONTHLY' || freq === 'WEEKLY' || freq === 'DAILY';
}

/**
 * As dateutil's rrule.__init__: a rule without day parts takes its day from DTSTART, and a time
 * part coarser than FREQ (BYHOUR of a DAILY rule) the value of DTSTART's.
 */
function effectiveParts(spec: RruleSpec): Effective {
  const { start, freq } = spec;
  let months = spec.byMonth;
  let monthDays = spec.byMonthDay;
  let plain = spec.byDay.filter((day) => day.ordinal === null).map((day) => day.weekday);
  const noDayParts =
    spec.byWeekNo.length === 0 && spec.byYearDay.length === 0 && monthDays.length === 0 && spec.byDay.length === 0;
  if (noDayParts && freq === 'YEARLY') {
    if (months.length === 0) months = [start.month];
    monthDays = [start.day];
  } else if (noDayParts && freq === 'MONTHLY') monthDays = [start.day];
  else if (noDayParts && freq === 'WEEKLY') {
    // weekdayOfDays: 0 = Sunday; dateutil's: 0 = Monday.
    plain = [(weekdayOfDays(daysFromCivil(start.year, start.month, start.day)) + 6) % 7];
  }
  const pick = (given: readonly number[], coarser: boolean, value: number): readonly number[] =>
    given.length > 0 ? given : coarser ? [value] : [];
  return {
    months,
    monthDays: inReadingOrder(monthDays),
    yearDays: inReadingOrder(spec.byYearDay),
    weekNos: inReadingOrder(spec.byWeekNo),
    plain,
    ordinals: spec.byDay.filter((day) => day.ordinal !== null),
    setPos: inReadingOrder(spec.bySetPos),
    hours: pick(spec.byHour, isDailyOrCoarser(freq), start.hour),
    minutes: pick(spec.byMinute, freq !== 'MINUTELY' && freq !== 'SECONDLY', start.minute),
    seconds: pick(spec.bySecond, freq !== 'SECONDLY', start.second),
  };
}

/** Counted from the start, then from the end: 1, 15, -2, -1 ("the 1st, the 15th, the second-to-last"). */
function inReadingOrder(values: readonly number[]): readonly number[] {
  const key = (n: number): number => (n > 0 ? n : 1000 + n);
  return [...values].sort((a, b) => key(a) - key(b));
}

/** A sentence for the shapes that read naturally, or null. */
function describeNaturally(spec: RruleSpec): string | null {
  const parts = effectiveParts(spec);
  if (isDailyOrCoarser(spec.freq)) {
    const times = timesOfDay(parts);
    if (times === null) return null;
    const days = dayWords(spec, parts, times.length === 1);
    return days === null ? null : `${frequencyWords(spec)}${days} at ${joinWords(times)}`;
  }
  if (parts.setPos.length > 0) return null;
  const clock = subDailyWords(spec, parts);
  const days = dayWords(spec, parts, false);
  return clock === null || days === null ? null : `${clock}${days}`;
}

/** Every time of day of a day that matches, or null when there are too many to list. */
function timesOfDay(parts: Effective): string[] | null {
  const { hours, minutes, seconds } = parts;
  if (hours.length * minutes.length * seconds.length > MAX_LISTED_TIMES) return null;
  return hours.flatMap((hour) => minutes.flatMap((minute) => seconds.map((second) => clockWord(hour, minute, second))));
}

/** HOURLY, MINUTELY, SECONDLY: "every 15 minutes between 09:00 and 17:45"; null when it does not read. */
function subDailyWords(spec: RruleSpec, parts: Effective): string | null {
  const { hours, minutes, seconds } = parts;
  const base = frequencyWords(spec);
  const hourRange = contiguous(hours);
  if (spec.freq === 'HOURLY') {
    const marks = minutes.flatMap((minute) => seconds.map((second) => pastTheHour(minute, second)));
    if (marks.length > MAX_LISTED_TIMES) return null;
    const minute = minutes[0] ?? 0;
    const second = seconds[0] ?? 0;
    if (hourRange !== null && spec.interval === 1 && marks.length === 1)
      return `${base} from ${clockWord(hourRange[0], minute, second)} to ${clockWord(hourRange[1], minute, second)}`;
    return `${base} at ${joinWords(marks)}${hours.length > 0 ? `, in ${counted('hour', hours)}` : ''}`;
  }
  if (spec.freq === 'MINUTELY' && spec.byMinute.length === 0 && seconds.length === 1 && 60 % spec.interval === 0) {
    // The interval divides the hour, so each hour has the same minutes: those of DTSTART's phase.
    const second = seconds[0] ?? 0;
    const first = spec.start.minute % spec.interval;
    const last = first + Math.floor((59 - first) / spec.interval) * spec.interval;
    const at = second === 0 ? '' : ` at second ${second}`;
    if (hours.length === 0) return `${base}${at}`;
    if (hourRange !== null)
      return `${base} between ${clockWord(hourRange[0], first, second)} and ${clockWord(hourRange[1], last, second)}`;
    return `${base}${at}, in ${counted('hour', hours)}`;
  }
  const filters = [
    spec.byHour.length > 0 ? counted('hour', spec.byHour) : '',
    spec.byMinute.length > 0 ? counted('minute', spec.byMinute) : '',
    spec.bySecond.length > 0 ? counted('second', spec.bySecond) : '',
  ].filter((text) => text !== '');
  if (spec.freq === 'MINUTELY' && spec.bySecond.length === 0 && spec.start.second !== 0) return null;
  return filters.length === 0 ? base : `${base}, in ${filters.join('; ')}`;
}

/** "hour 9", "hours 9 and 17". */
function counted(unit: string, values: readonly number[]): string {
  return `${unit}${values.length === 1 ? '' : 's'} ${joinWords(values.map(String))}`;
}

/** ":30", ":00:15". */
function pastTheHour(minute: number, second: number): string {
  return `:${clockWord(0, minute, second).slice(3)}`;
}

/** [first, last] when the sorted values are first, first + 1, ..., last (at least two); else null. */
function contiguous(values: readonly number[]): [number, number] | null {
  const first = values[0];
  const last = values.at(-1);
  if (first === undefined || last === undefined || values.length < 2) return null;
  return last - first === values.length - 1 ? [first, last] : null;
}

/**
 * " on the last weekday", " on the 1st and the 15th of March", "" when every day passes; null
 * when the day parts do not make a sentence. dateutil keeps a day that passes every filter given.
 */
function dayWords(spec: RruleSpec, parts: Effective, oneTimeADay: boolean): string | null {
  const { months, monthDays, yearDays, weekNos, plain, ordinals, setPos } = parts;
  const freq = spec.freq;
  const monthly = freq === 'MONTHLY';
  const yearly = freq === 'YEARLY';
  const monthNames = joinWords(months.map(monthName));
  // Phrases that count within a month ("the last Friday", "the 1st") say which months with "of".
  const ofMonths =
    months.length > 0 ? ` of ${monthNames}` : monthly ? '' : yearly ? ' of every month' : ' of the month';
  const inMonths = months.length > 0 ? ` in ${monthNames}` : '';
  if (setPos.length > 0) {
    // BYSETPOS picks among the period's days only when each day has one time; a yearly rule picks
    // within the whole year, so it reads as "of March" only for a single month.
    if (!oneTimeADay || !(monthly || yearly) || plain.length === 0) return null;
    if (ordinals.length + monthDays.length + yearDays.length + weekNos.length > 0) return null;
    if (yearly && months.length > 1) return null;
    const scope = monthly ? inMonths : months.length === 1 ? ofMonths : ' of the year';
    return ` on the ${joinWords(setPos.map(positionWord))} ${weekdaySetNoun(plain)}${scope}`;
  }
  if (yearDays.length > 0) {
    if (monthDays.length + plain.length + ordinals.length + weekNos.length > 0) return null;
    return ` on ${joinWords(yearDays.map(yearDayWord))} of the year${inMonths}`;
  }
  if (weekNos.length > 0) {
    if (monthDays.length + ordinals.length > 0) return null;
    const weeks = `in week${weekNos.length > 1 ? 's' : ''} ${joinWords(weekNos.map(String))}`;
    const startDay = spec.wkst === 0 ? '' : ` (weeks starting on ${weekdayName(spec.wkst)})`;
    const on = plain.length > 0 ? ` on ${weekdaySetWords(plain)}` : '';
    return `${on} ${weeks}${startDay}${inMonths}`;
  }
  if (monthDays.length > 0) {
    if (ordinals.length > 0) return null;
    const days = joinWords(monthDays.map(monthDayWord));
    const when = plain.length > 0 ? ` if it is ${article(weekdaySetNoun(plain))}` : '';
    return ` on ${days}${ofMonths}${when}`;
  }
  if (ordinals.length > 0) {
    // Without BYMONTH a yearly ordinal counts within the year (dateutil), with it within each month.
    const scope = yearly && months.length === 0 ? ' of the year' : ofMonths;
    const every = plain.length > 0 ? [`every ${joinWords(plain.map(weekdayName))}`] : [];
    return ` on ${joinWords([...ordinals.map(ordinalWeekdayWord), ...every])}${scope}`;
  }
  if (plain.length > 0) {
    const set = weekdaySetWords(plain);
    const days = (monthly || yearly) && !set.startsWith('week') ? `every ${set}` : set;
    return ` on ${days}${inMonths}`;
  }
  return inMonths;
}

/** "a Friday", "an hour". */
function article(noun: string): string {
  return /^[AEIOU]/i.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** Any rule: its frequency and each part given, in words. */
function describeParts(spec: RruleSpec): string {
  const list = (values: readonly number[]): string => joinWords(values.map(String));
  const days = spec.byDay.map((day) =>
    day.ordinal === null ? weekdayName(day.weekday) : ordinalWeekdayWord(day).slice(4),
  );
  const parts = [
    spec.byMonth.length > 0 ? `months ${joinWords(spec.byMonth.map(monthName))}` : '',
    spec.byWeekNo.length > 0 ? `weeks ${list(spec.byWeekNo)}` : '',
    spec.byYearDay.length > 0 ? `days of the year ${list(spec.byYearDay)}` : '',
    spec.byMonthDay.length > 0 ? `days of the month ${list(spec.byMonthDay)}` : '',
    days.length > 0 ? `weekdays ${joinWords(days)}` : '',
    spec.byHour.length > 0 ? counted('hour', spec.byHour) : '',
    spec.byMinute.length > 0 ? counted('minute', spec.byMinute) : '',
    spec.bySecond.length > 0 ? counted('second', spec.bySecond) : '',
    spec.bySetPos.length > 0 ? `positions ${list(spec.bySetPos)} of each ${UNITS[spec.freq][1]}` : '',
    spec.wkst === 0 ? '' : `weeks starting on ${weekdayName(spec.wkst)}`,
  ].filter((text) => text !== '');
  return parts.length === 0 ? frequencyWords(spec) : `${frequencyWords(spec)} with ${parts.join('; ')}`;
}
