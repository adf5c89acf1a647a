/** `at: ISO date-time` or a list: one-shot instants (TaskKit's addTimedAction), DESIGN.md. */
import { daysInMonth, sixNumbers } from './calendar.js';
import { showValue } from './show-value.js';
import { gapEnd, gapOf, isZoneChange, toWall, wallToLocalMs, type WallTime } from './zoned.js';
import type { AtSpec, Instant, ParseResult } from './types.js';

const DATE_TIME = new RegExp(
  String.raw`^(\d{4})-(\d{2})-(\d{2})` + // date
    String.raw`(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?` + // time, seconds and milliseconds optional
    String.raw`(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$`, // offset
);
const EXPECTED =
  'expected a date and time like "2026-12-01T09:00" or "2026-12-01 09:00:30" (optionally with "Z" or "+02:00")';

/**
 * Parse an ISO 8601 date-time. Without an offset it is local to `tz`; a local time in a
 * spring-forward gap means the first instant after the gap, one in a repeated hour its first
 * occurrence (the fixed-time rule of DESIGN.md "Schedule semantics").
 */
export function parseDateTime(raw: unknown, tz: string): ParseResult<Instant> {
  const parsed = readDateTime(raw);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  return 'instant' in value
    ? { ok: true, value: value.instant }
    : { ok: true, value: gapEnd(value.wall, tz) + value.millis };
}

/**
 * One `at:` time: as parseDateTime, except that a local time lost to a zone change (a forward
 * jump of 3 hours or more, zoned.ts isZoneChange) is an error: as in cronie, no job runs the
 * times such a change skips (DESIGN.md "Schedule semantics"), and a one-shot that can never
 * run is said at once rather than dropped.
 */
export function parseAtTime(raw: unknown, tz: string): ParseResult<Instant> {
  const parsed = readDateTime(raw);
  if (!parsed.ok) return parsed;
  const change = 'wall' in parsed.value ? gapOf(parsed.value.wall, tz) : undefined;
  if (change !== undefined && isZoneChange(change)) {
    const jump = (change.after - change.before) / 3_600_000;
    const message =
      `${showValue(raw)} does not exist in ${tz}: the zone moved its clocks ${jump} hours forward ` +
      `(a zone change, not daylight saving), and no job runs the times it skipped`;
    return { ok: false, message };
  }
  return parseDateTime(raw, tz);
}

/**
 * An ISO 8601 date-time as a wall time in `tz` (an rrule's DTSTART: its occurrences are wall
 * times). Without an offset it is read as written, even in a gap; with one (or as a YAML
 * timestamp) it is the wall time of that instant in `tz`. Whole seconds only, as in RFC 5545.
 */
export function parseWallTime(raw: unknown, tz: string): ParseResult<WallTime> {
  const parsed = readDateTime(raw);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  const millis = 'instant' in value ? ((value.instant % 1000) + 1000) % 1000 : value.millis;
  if (millis !== 0) return { ok: false, message: `expected whole seconds, got ${showValue(raw)}` };
  if (!('instant' in value)) return { ok: true, value: value.wall };
  const { year, month, day, hour, minute, second } = toWall(value.instant, tz);
  return { ok: true, value: { year, month, day, hour, minute, second } };
}

/** An instant (offset or Z given), or a wall time plus its milliseconds (local to the zone). */
function readDateTime(
  raw: unknown,
): ParseResult<{ readonly instant: Instant } | { readonly wall: WallTime; readonly millis: number }> {
  if (raw instanceof Date) {
    // A YAML timestamp arrives as a Date; it already names an instant.
    const time = raw.getTime();
    return Number.isNaN(time)
      ? { ok: false, message: `${EXPECTED}, got an invalid date` }
      : { ok: true, value: { instant: time } };
  }
  const match = typeof raw === 'string' ? DATE_TIME.exec(raw.trim()) : null;
  if (match === null) return { ok: false, message: `${EXPECTED}, got ${showValue(raw)}` };
  const [year, month, day, hour, minute, second] = sixNumbers(match);
  const millis = Number((match[7] ?? '').padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, message: `no such date: ${showValue(raw)}` };
  }
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, message: `no such time of day: ${showValue(raw)}` };
  const wall = { year, month, day, hour, minute, second };
  if (match[8] !== undefined) return { ok: true, value: { instant: wallToLocalMs(wall) + millis } };
  if (match[9] !== undefined) {
    const offsetHours = Number(match[10]);
    const offsetMinutes = Number(match[11] ?? 0);
    if (offsetHours > 23 || offsetMinutes > 59) return { ok: false, message: `no such UTC offset: ${showValue(raw)}` };
    const offset = (match[9] === '-' ? -1 : 1) * (offsetHours * 3_600_000 + offsetMinutes * 60_000);
    return { ok: true, value: { instant: wallToLocalMs(wall) + millis - offset } };
  }
  return { ok: true, value: { wall, millis } };
}

/** Parse one date-time or a non-empty list; the result is sorted and without duplicates. */
export function parseAt(raw: unknown, tz: string): ParseResult<AtSpec> {
  const items = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  if (items.length === 0) return { ok: false, message: `${EXPECTED} or a non-empty list of them, got an empty list` };
  const instants = new Set<Instant>();
  for (const item of items) {
    const parsed = parseAtTime(item, tz);
    if (!parsed.ok) return parsed;
    instants.add(parsed.value);
  }
  return { ok: true, value: { kind: 'at', instants: [...instants].sort((a, b) => a - b) } };
}

/** The first one-shot instant strictly after `after`, or null once all have passed. */
export function nextAt(spec: AtSpec, after: Instant): Instant | null {
  const { instants } = spec;
  // Binary search: a long list of one-shots should not cost a scan per wake-up.
  let lo = 0;
  let hi = instants.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((instants[mid] as Instant) <= after) lo = mid + 1;
    else hi = mid;
  }
  return instants[lo] ?? null;
}
