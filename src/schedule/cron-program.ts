/**
 * A cron expression compiled to bitsets and lookup tables, so next() needs no cron-parser call:
 * time of day through "next value at or after" tables, days through 31-bit month masks.
 */
import type { CronFieldCollection } from 'cron-parser';
import type { WallProgram } from './wall-stepper.js';

/** A cron program is a wall program; the name says where it came from. */
export type CronProgram = WallProgram;

/** Flags read from the expression text, which cron-parser's expanded values cannot tell. */
export interface CronFlags {
  readonly domStar: boolean;
  readonly dowStar: boolean;
  readonly fixed: boolean;
}

/** Compile cron-parser's expanded fields plus the Vixie flags into a program. */
export function buildCronProgram(fields: CronFieldCollection, flags: CronFlags): CronProgram {
  const seconds = nextTable(numbers(fields.second.values), 60);
  const minutes = nextTable(numbers(fields.minute.values), 60);
  const hours = nextTable(numbers(fields.hour.values), 24);
  const firstSecond = seconds[0] ?? 0;
  const firstMinute = minutes[0] ?? 0;
  const monthBits = toBits(numbers(fields.month.values));
  const domValues = fields.dayOfMonth.values as readonly (number | string)[];
  const domBits = toBits(numbers(domValues)) >>> 1; // bit (day - 1)
  const domLast = domValues.includes('L');
  const dowValues = fields.dayOfWeek.values as readonly (number | string)[];
  const nth = fields.dayOfWeek.nthDay;
  // 0 and 7 are both Sunday (crontab(5)).
  const plainWeekdays = nth > 0 ? [] : numbers(dowValues).map((day) => day % 7);
  const nthWeekdays = nth > 0 ? numbers(dowValues).map((day) => day % 7) : [];
  const lastWeekdays = dowValues.filter((value): value is string => typeof value === 'string').map((value) => Number.parseInt(value, 10) % 7);
  const weekdayMasks = Array.from({ length: 7 }, (_, firstWeekday) => maskOfWeekdays(plainWeekdays, firstWeekday));
  const combineWithAnd = flags.domStar || flags.dowStar;

  const fromHour = (hour: number): number => {
    const next = hours[hour] ?? -1;
    return next < 0 ? -1 : next * 3600 + firstMinute * 60 + firstSecond;
  };
  const fromMinute = (hour: number, minute: number): number => {
    const next = minutes[minute] ?? -1;
    return next < 0 ? fromHour(hour + 1) : hour * 3600 + next * 60 + firstSecond;
  };

  return {
    fixed: flags.fixed,
    dayMask(_year, month, firstWeekday, monthDays) {
      if (((monthBits >>> month) & 1) === 0) return 0;
      const full = monthDays >= 31 ? 0x7fffffff : (1 << monthDays) - 1;
      let dom = domBits & full;
      if (domLast) dom |= 1 << (monthDays - 1);
      let dow = (weekdayMasks[firstWeekday] ?? 0) & full;
      const lastWeekday = (firstWeekday + monthDays - 1) % 7;
      for (const weekday of lastWeekdays) dow |= 1 << (monthDays - 1 - ((lastWeekday - weekday + 7) % 7));
      for (const weekday of nthWeekdays) {
        const day = ((weekday - firstWeekday + 7) % 7) + 7 * (nth - 1);
        if (day < monthDays) dow |= 1 << day;
      }
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

function numbers(values: readonly (number | string)[]): number[] {
  return values.filter((value): value is number => typeof value === 'number');
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
