/** The small words rrule-words.ts builds sentences from: ordinals, names, lists, times. */
import type { RruleWeekday, WallTime } from './types.js';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const ORDINAL_WORDS = ['first', 'second', 'third', 'fourth', 'fifth'];

/** "a", "a and b", "a, b and c" (`or` for a choice). */
export function joinWords(words: readonly string[], last = 'and'): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} ${last} ${words.at(-1) ?? ''}`;
}

/** 1 -> "1st", 22 -> "22nd", 13 -> "13th". */
function numberOrdinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/** 1 -> "first", 10 -> "10th", -1 -> "last", -2 -> "second-to-last", -10 -> "10th-to-last". */
export function positionWord(n: number): string {
  if (n === -1) return 'last';
  const magnitude = Math.abs(n);
  const word = ORDINAL_WORDS[magnitude - 1] ?? numberOrdinal(magnitude);
  return n > 0 ? word : `${word}-to-last`;
}

/** A day of the month: 1 -> "the 1st", -1 -> "the last day", -2 -> "the second-to-last day". */
export function monthDayWord(n: number): string {
  return n > 0 ? `the ${numberOrdinal(n)}` : `the ${positionWord(n)} day`;
}

/** A day of the year: 100 -> "day 100", -1 -> "the last day". */
export function yearDayWord(n: number): string {
  return n > 0 ? `day ${n}` : `the ${positionWord(n)} day`;
}

export function weekdayName(weekday: number): string {
  return WEEKDAYS[weekday] ?? `weekday ${weekday}`;
}

export function monthName(month: number): string {
  return MONTHS[month - 1] ?? `month ${month}`;
}

/** Plain BYDAY weekdays: "weekdays", "weekends", "Monday and Friday". */
export function weekdaySetWords(weekdays: readonly number[]): string {
  const key = weekdays.join(',');
  if (key === '0,1,2,3,4') return 'weekdays';
  if (key === '5,6') return 'weekends';
  return joinWords(weekdays.map(weekdayName));
}

/** What BYSETPOS picks among, in the singular: "weekday", "weekend day", "Friday", "Monday or Friday". */
export function weekdaySetNoun(weekdays: readonly number[]): string {
  const key = weekdays.join(',');
  if (key === '0,1,2,3,4') return 'weekday';
  if (key === '5,6') return 'weekend day';
  if (key === '0,1,2,3,4,5,6') return 'day';
  return joinWords(weekdays.map(weekdayName), 'or');
}

/** "-1FR" -> "the last Friday", "2MO" -> "the second Monday". */
export function ordinalWeekdayWord(day: RruleWeekday): string {
  return `the ${positionWord(day.ordinal ?? 1)} ${weekdayName(day.weekday)}`;
}

/** "09:00", "09:00:30" (seconds only when set). */
export function clockWord(hour: number, minute: number, second: number): string {
  const hhmm = `${pad(hour)}:${pad(minute)}`;
  return second === 0 ? hhmm : `${hhmm}:${pad(second)}`;
}

/** "2026-01-01 09:00" (seconds only when set). */
export function wallWord(wall: WallTime): string {
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)} ${clockWord(wall.hour, wall.minute, wall.second)}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
