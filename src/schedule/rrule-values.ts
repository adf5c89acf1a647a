/**
 * The values of an RRULE's parts (RFC 5545 3.3.10): whole numbers and their lists, BYDAY items,
 * weekdays and UNTIL. Each reader answers a value or a problem with its offset into the value
 * text, so that rrule-parse.ts can point at the item that is wrong.
 */
import { daysInMonth, sixNumbers } from './calendar.js';
import type { RruleWeekday } from './types.js';
import { wallToLocalMs, type WallTime } from './zoned.js';

/** RFC 5545's weekday names, in dateutil's numbering (0 = Monday). */
const WEEKDAY_NAMES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

/** What is wrong with a value, and where in the value's text (0-based). */
export interface ValueProblem {
  readonly problem: string;
  readonly at: number;
}

export type ValueResult<T> = { readonly value: T } | ValueProblem;

/** The inclusive range of a numeric part; `signed` allows -max..-1 too (never 0 then). */
export interface NumberRange {
  readonly min: number;
  readonly max: number;
  readonly signed: boolean;
}

/** One item of a comma-separated list, with its offset in the value text. */
interface Item {
  readonly text: string;
  readonly at: number;
}

/** "1,-1, 15" -> items with their offsets; blanks around an item are not part of it. */
function splitItems(text: string): Item[] {
  const items: Item[] = [];
  let at = 0;
  for (const piece of text.split(',')) {
    const lead = piece.length - piece.trimStart().length;
    items.push({ text: piece.trim(), at: at + lead });
    at += piece.length + 1;
  }
  return items;
}

/** A whole number >= 1 (INTERVAL, COUNT), at most `max`. */
export function readPositive(text: string, max: number, what: string): ValueResult<number> {
  if (!/^\d+$/.test(text)) return { problem: `expected a whole number >= 1, got "${text}"`, at: 0 };
  const value = Number(text);
  if (value < 1) return { problem: `must be at least 1, got ${text}`, at: 0 };
  if (value > max) return { problem: `at most ${max.toLocaleString('en-US')} ${what}, got ${text}`, at: 0 };
  return { value };
}

/** A list of whole numbers in `range`; sorted, without duplicates. */
export function readNumbers(text: string, range: NumberRange): ValueResult<number[]> {
  const values = new Set<number>();
  for (const item of splitItems(text)) {
    const pattern = range.signed ? /^[+-]?\d+$/ : /^\d+$/;
    if (!pattern.test(item.text)) {
      const expected = range.signed ? 'a whole number, optionally signed' : 'a whole number';
      return { problem: `expected ${expected}, got "${item.text}"${rangeHint(item.text)}`, at: item.at };
    }
    const value = Number(item.text);
    const magnitude = Math.abs(value);
    if (magnitude < range.min || magnitude > range.max || (!range.signed && value < 0)) {
      return { problem: `out of range (${describeRange(range)}): ${item.text}`, at: item.at };
    }
    values.add(value);
  }
  return { value: [...values].sort((a, b) => a - b) };
}

/** Cron writes "9-17"; RFC 5545 has no ranges: spell the list out when it is short. */
function rangeHint(text: string): string {
  const match = /^(\d+)-(\d+)$/.exec(text);
  if (match === null) return '';
  const [first, last] = [Number(match[1]), Number(match[2])];
  if (last <= first || last - first >= 24) return ': RFC 5545 has no ranges, list each value';
  const values = Array.from({ length: last - first + 1 }, (_, index) => first + index);
  return `: RFC 5545 has no ranges, list each value (${values.join(',')})`;
}

/** "MO-FR" as cron would write it: the weekdays it meant, spelled out (Monday first, wrapping past Sunday). */
function weekdayRangeHint(text: string): string {
  const match = /^([A-Z]{2})-([A-Z]{2})$/.exec(text);
  const names = WEEKDAY_NAMES as readonly string[];
  const first = match === null ? -1 : names.indexOf(match[1] as string);
  const last = match === null ? -1 : names.indexOf(match[2] as string);
  if (first < 0 || last < 0) return '';
  const length = ((last - first + 7) % 7) + 1;
  const days = Array.from({ length }, (_, index) => names[(first + index) % 7]);
  return `: RFC 5545 has no ranges, list each day (${days.join(',')})`;
}

/** "1-31 or -31 to -1", "0-59". */
function describeRange(range: NumberRange): string {
  const plain = `${range.min}-${range.max}`;
  return range.signed ? `${plain} or -${range.max} to -${range.min}` : plain;
}

/** "MO", "SU": a weekday number (0 = Monday). */
export function readWeekday(text: string): ValueResult<number> {
  const index = (WEEKDAY_NAMES as readonly string[]).indexOf(text);
  return index < 0
    ? { problem: `expected a weekday (${WEEKDAY_NAMES.join(', ')}), got "${text}"`, at: 0 }
    : { value: index };
}

/**
 * BYDAY: "MO,TU", "-1FR", "+2MO"; an ordinal within `ordinalMax` (53 for YEARLY, 5 for MONTHLY),
 * or none allowed when `ordinalMax` is 0 (the message then says why, from `noOrdinal`).
 * Sorted by weekday, plain items before ordinals, without duplicates.
 */
export function readByDay(text: string, ordinalMax: number, noOrdinal: string): ValueResult<RruleWeekday[]> {
  const seen = new Map<string, RruleWeekday>();
  for (const item of splitItems(text)) {
    const match = /^([+-]?\d{1,3})?([A-Z]{2})$/.exec(item.text);
    const weekday = match === null ? -1 : (WEEKDAY_NAMES as readonly string[]).indexOf(match[2] as string);
    if (match === null || weekday < 0) {
      return {
        problem:
          `expected a weekday like "MO" or "-1FR" (${WEEKDAY_NAMES.join(', ')}), got "${item.text}"` +
          weekdayRangeHint(item.text),
        at: item.at,
      };
    }
    let ordinal: number | null = null;
    if (match[1] !== undefined) {
      ordinal = Number(match[1]);
      if (ordinalMax === 0) return { problem: `${noOrdinal}: "${item.text}"`, at: item.at };
      if (ordinal === 0 || Math.abs(ordinal) > ordinalMax) {
        const range = describeRange({ min: 1, max: ordinalMax, signed: true });
        return { problem: `ordinal out of range (${range}): "${item.text}"`, at: item.at };
      }
    }
    seen.set(`${ordinal ?? ''}${weekday}`, { weekday, ordinal });
  }
  const rank = (day: RruleWeekday): number => day.weekday * 1000 + (day.ordinal === null ? 0 : day.ordinal + 500);
  return { value: [...seen.values()].sort((a, b) => rank(a) - rank(b)) };
}

/** UNTIL: "20261231" (a date: its 00:00:00), "20261231T235959" (local) or "20261231T235959Z" (UTC). */
export function readUntil(text: string): ValueResult<{ instant: number } | { wall: WallTime }> {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(text);
  if (match === null)
    return {
      problem: `expected a date "YYYYMMDD" or a date-time "YYYYMMDDTHHMMSS" (local) or "...Z" (UTC), got "${text}"`,
      at: 0,
    };
  const [year, month, day, hour, minute, second] = sixNumbers(match);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    return { problem: `no such date: "${text}"`, at: 0 };
  if (hour > 23 || minute > 59 || second > 59) return { problem: `no such time of day: "${text}"`, at: 9 };
  const wall = { year, month, day, hour, minute, second };
  return match[7] === undefined ? { value: { wall } } : { value: { instant: wallToLocalMs(wall) } };
}
