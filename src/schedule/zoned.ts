/**
 * Wall time <-> instant in an IANA zone, through Intl.DateTimeFormat (no tz database of our own).
 * Offsets are cached per zone per UTC day: a day is either of constant offset or holds one
 * transition, found once by bisection. That keeps offsetAt() to a Map lookup on the hot path.
 */
import { civilFromDays, daysFromCivil, DAY_MS, weekdayOfDays, type CivilDate } from './calendar.js';
import type { Instant, WallTime } from './types.js';

/** A change of UTC offset: `before` applies to instants < `at`, `after` from `at` on. */
export interface Transition {
  readonly at: Instant;
  readonly before: number;
  readonly after: number;
}

export type { WallTime };

/** A wall time as read from an instant, with its weekday (0 = Sunday). */
export interface ZonedWall extends WallTime {
  readonly weekday: number;
}

interface ZoneState {
  readonly format: Intl.DateTimeFormat;
  readonly constant: Map<number, number>;
  readonly changes: Map<number, Transition>;
}

// No zone has ever been more than 16h from UTC (LMT included), so a wall time's instants lie
// within this distance of the wall time read as UTC.
export const MAX_OFFSET_MS = 16 * 3_600_000;
const MAX_CACHED_DAYS = 200_000;

/**
 * A forward jump of 3 hours or more is a zone changing its offset for good (Samoa skipping
 * 2011-12-30, Kiritimati 1994-12-31), not daylight saving: cronie runs nothing for the lost
 * times. cronie's src/cron.c main loop classifies each wake-up by `timeDiff` (minutes since the
 * last one): `timeDiff > 3 * MINUTE_COUNT` is `wakeupKind = large`, which jumps `virtualTime` and
 * runs only the current minute's jobs, where a smaller jump (`medium`, DST) runs the fixed-time
 * jobs of every skipped minute. A gap of G minutes wakes with timeDiff G + 1, so G >= 180 is large.
 */
export const ZONE_CHANGE_MS = 3 * 3_600_000;

/** True when a transition is a zone change (cronie's large jump), not daylight saving. */
export function isZoneChange(change: Transition): boolean {
  return change.after - change.before >= ZONE_CHANGE_MS;
}
const NO_TRANSITIONS: readonly Transition[] = [];

const zones = new Map<string, ZoneState>();
let lastName = '';
let lastZone: ZoneState | undefined;

/**
 * True when Intl knows the zone name (IANA names, "UTC"). "UTC" is known to every Intl and needs no
 * formatter: the first one costs a fresh process ~15 ms of CPU (ICU's set-up), which a verb that
 * reads `settings:` only to find the socket (`timezone: UTC`) should not pay (issue 20.3).
 */
export function isValidTimeZone(tz: string): boolean {
  if (tz === 'UTC') return true;
  if (typeof tz !== 'string' || tz === '') return false;
  try {
    getZone(tz);
    return true;
  } catch {
    return false;
  }
}

/** The zone this process runs in, as Intl resolves it (honours TZ). */
export function systemTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** UTC offset in ms at an instant: local = utc + offset. */
export function offsetAt(instant: Instant, tz: string): number {
  const zone = getZone(tz);
  const day = Math.floor(instant / DAY_MS);
  const constant = zone.constant.get(day);
  if (constant !== undefined) return constant;
  const change = zone.changes.get(day) ?? loadDay(zone, day);
  if (typeof change === 'number') return change;
  return instant < change.at ? change.before : change.after;
}

/** Transitions with `lo < at <= hi`, in order; a shared empty array when there are none. */
export function transitionsBetween(lo: Instant, hi: Instant, tz: string): readonly Transition[] {
  const zone = getZone(tz);
  let found: Transition[] | undefined;
  for (let day = Math.floor(lo / DAY_MS), last = Math.floor(hi / DAY_MS); day <= last; day++) {
    if (zone.constant.has(day)) continue;
    const change = zone.changes.get(day) ?? loadDay(zone, day);
    if (typeof change === 'number' || change.at <= lo || change.at > hi) continue;
    (found ??= []).push(change);
  }
  return found ?? NO_TRANSITIONS;
}

const scratch: CivilDate = { year: 0, month: 0, day: 0 };

/** The wall clock of an instant in a zone. */
export function toWall(instant: Instant, tz: string): ZonedWall {
  const local = instant + offsetAt(instant, tz);
  const days = Math.floor(local / DAY_MS);
  const { year, month, day } = civilFromDays(days, scratch);
  const secondOfDay = Math.floor((local - days * DAY_MS) / 1000);
  return {
    year,
    month,
    day,
    hour: Math.floor(secondOfDay / 3600),
    minute: Math.floor(secondOfDay / 60) % 60,
    second: secondOfDay % 60,
    weekday: weekdayOfDays(days),
  };
}

/** A wall time read as if it were UTC, in ms: the "local" axis that offsets map onto. */
export function wallToLocalMs(wall: WallTime): number {
  return (
    daysFromCivil(wall.year, wall.month, wall.day) * DAY_MS +
    wall.hour * 3_600_000 +
    wall.minute * 60_000 +
    wall.second * 1000
  );
}

/** Every instant showing this wall time, ascending: none in a spring-forward gap, two in a repeated hour. */
export function fromWall(wall: WallTime, tz: string): Instant[] {
  const local = wallToLocalMs(wall);
  const changes = transitionsBetween(local - MAX_OFFSET_MS, local + MAX_OFFSET_MS, tz);
  if (changes.length === 0) return [local - offsetAt(local, tz)];
  const out: Instant[] = [];
  let start = -Infinity;
  for (let i = 0; i <= changes.length; i++) {
    const change = changes[i];
    const offset = change === undefined ? (changes[i - 1] as Transition).after : change.before;
    const end = change === undefined ? Infinity : change.at;
    const candidate = local - offset;
    if (candidate >= start && candidate < end) out.push(candidate);
    start = end;
  }
  return out;
}

/**
 * For a wall time in a spring-forward gap, the first instant after the gap (the transition);
 * for any other wall time, its first occurrence. This is the fixed-time rule of DESIGN.md
 * "Schedule semantics", shared by `at`, `daily` and fixed-time cron jobs.
 */
export function gapEnd(wall: WallTime, tz: string): Instant {
  const first = fromWall(wall, tz)[0];
  if (first !== undefined) return first;
  const change = gapOf(wall, tz);
  /* c8 ignore next */
  if (change === undefined) throw new Error(`no instant for ${wallToLocalMs(wall)} in ${tz}`);
  return change.at;
}

/** The forward transition whose gap holds this wall time, or undefined when the time exists. */
export function gapOf(wall: WallTime, tz: string): Transition | undefined {
  const local = wallToLocalMs(wall);
  const changes = transitionsBetween(local - MAX_OFFSET_MS, local + MAX_OFFSET_MS, tz);
  return changes.find((change) => local >= change.at + change.before && local < change.at + change.after);
}

function getZone(tz: string): ZoneState {
  if (tz === lastName && lastZone !== undefined) return lastZone;
  let zone = zones.get(tz);
  if (zone === undefined) {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    zone = { format, constant: new Map(), changes: new Map() };
    zones.set(tz, zone);
  }
  lastName = tz;
  lastZone = zone;
  return zone;
}

/** Fill the cache for one UTC day: its constant offset, or its transition found by bisection. */
function loadDay(zone: ZoneState, day: number): number | Transition {
  if (zone.constant.size + zone.changes.size > MAX_CACHED_DAYS) {
    zone.constant.clear();
    zone.changes.clear();
  }
  // Probe the last second before the day too, so a transition exactly at 00:00:00Z (Chisinau's)
  // belongs to this day; tzdata transitions fall on whole seconds, so bisect in seconds.
  const start = day * DAY_MS;
  let lo = start - 1000;
  const before = readOffset(zone.format, lo);
  let hi = start + DAY_MS - 1000;
  const after = readOffset(zone.format, hi);
  if (before === after) {
    zone.constant.set(day, before);
    return before;
  }
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (readOffset(zone.format, mid) === before) lo = mid;
    else hi = mid;
  }
  const change: Transition = { at: hi, before, after: readOffset(zone.format, hi) };
  zone.changes.set(day, change);
  return change;
}

/** The offset Intl reports for an instant (whole seconds; Intl drops the milliseconds). */
function readOffset(format: Intl.DateTimeFormat, instant: Instant): number {
  let year = 0,
    month = 0,
    day = 0,
    hour = 0,
    minute = 0,
    second = 0;
  for (const part of format.formatToParts(instant)) {
    const value = Number(part.value);
    switch (part.type) {
      case 'year':
        year = value;
        break;
      case 'month':
        month = value;
        break;
      case 'day':
        day = value;
        break;
      case 'hour':
        hour = value;
        break;
      case 'minute':
        minute = value;
        break;
      case 'second':
        second = value;
        break;
      default:
        break;
    }
  }
  const local = daysFromCivil(year, month, day) * DAY_MS + hour * 3_600_000 + minute * 60_000 + second * 1000;
  return local - Math.floor(instant / 1000) * 1000;
}
