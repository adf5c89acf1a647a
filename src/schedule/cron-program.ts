/**
 * A cron expression compiled to bitsets and lookup tables, so next() walks no text: time of day
 * through "next value at or after" tables, days through 31-bit month masks.
 */
import { specialDayMask } from './cron-days.js';
import type { CronField } from './cron-field.js';
import type { WallProgram } from './wall-stepper.js';

/** A cron program is a wall program; the name says where it came from. */
export type CronProgram = WallProgram;

/** The six fields of an expression (a five-field one has second "0"). */
export interface CronFields {
  readonly second: CronField;
  readonly minute: CronField;
  readonly hour: CronField;
  readonly dayOfMonth: CronField;
  readonly month: CronField;
  readonly dayOfWeek: CronField;
}

/** Compile the fields with the Vixie rules: the `*` flags decide dom/dow OR and fixed-time DST. */
export function buildCronProgram(fields: CronFields): CronProgram {
  const seconds = nextTable(fields.second.values, 60);
  const minutes = nextTable(fields.minute.values, 60);
  const hours = nextTable(fields.hour.values, 24);
  const firstSecond = seconds[0] ?? 0;
  const firstMinute = minutes[0] ?? 0;
  const monthBits = toBits(fields.month.values);
  const domBits = toBits(fields.dayOfMonth.values) >>> 1; // bit (day - 1)
  const domSpecials = fields.dayOfMonth.specials;
  const dowSpecials = fields.dayOfWeek.specials;
  const weekdayMasks = Array.from({ length: 7 }, (_, firstWeekday) =>
    maskOfWeekdays(fields.dayOfWeek.values, firstWeekday),
  );
  const combineWithAnd = fields.dayOfMonth.star || fields.dayOfWeek.star;

  const fromHour = (hour: number): number => {
    const next = hours[hour] ?? -1;
    return next < 0 ? -1 : next * 3600 + firstMinute * 60 + firstSecond;
  };
  const fromMinute = (hour: number, minute: number): number => {
    const next = minutes[minute] ?? -1;
    return next < 0 ? fromHour(hour + 1) : hour * 3600 + next * 60 + firstSecond;
  };

  return {
    fixed: !fields.second.star && !fields.minute.star && !fields.hour.star,
    dayMask(_year, month, firstWeekday, monthDays) {
      if (((monthBits >>> month) & 1) === 0) return 0;
      const full = monthDays >= 31 ? 0x7fffffff : (1 << monthDays) - 1;
      const dom = (domBits & full) | specialDayMask(domSpecials, firstWeekday, monthDays);
      const dow = ((weekdayMasks[firstWeekday] ?? 0) & full) | specialDayMask(dowSpecials, firstWeekday, monthDays);
      // Vixie cron: OR when both day fields are restricted, AND when either starts with "*".
      return combineWithAnd ? dom & dow : dom | dow;
    },
    firstTime(from) {
      if (from >= 86_400) return -1;
      const hour = Math.floor(from / 3600);
      const minute = Math.floor(from / 60) % 60;
      const second = from % 60;
      if (hours[hour] !== hour) return fromHour(hour);
      if (minutes[minute] !== minute) return fromMinute(hour, minute);
      const next = seconds[second] ?? -1;
      return next < 0 ? fromMinute(hour, minute + 1) : hour * 3600 + minute * 60 + next;
    },
  };
}

function toBits(values: readonly number[]): number {
  let bits = 0;
  for (const value of values) bits |= 1 << value;
  return bits;
}

/** table[i] = the smallest value >= i, or -1; one slot past the end so "i + 1" is always valid. */
function nextTable(values: readonly number[], size: number): Int8Array {
  const present = new Set(values);
  const table = new Int8Array(size + 1).fill(-1);
  for (let i = size - 1, next = -1; i >= 0; i--) {
    if (present.has(i)) next = i;
    table[i] = next;
  }
  return table;
}

/** Bits (day - 1) of the days of a month falling on one of `weekdays`, given the 1st's weekday. */
function maskOfWeekdays(weekdays: readonly number[], firstWeekday: number): number {
  let mask = 0;
  for (const weekday of weekdays) {
    for (let day = (weekday - firstWeekday + 7) % 7; day < 31; day += 7) mask |= 1 << day;
  }
  return mask;
}
