/** Human forms of instants and durations: absolute in a zone, and relative to now. */
import { formatSpan } from '../../schedule/elapsed.js';
import { offsetAt, systemTimeZone, toWall, type WallTime } from '../../schedule/zoned.js';
import type { Instant } from '../../schedule/types.js';

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** "+05:30" / "-04:00" for an offset in ms. */
function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  return `${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** The zone of the process itself: what Date's local getters follow. */
export const LOCAL_ZONE = null;

const UTC_NAMES = new Set([
  'UTC',
  'Etc/UTC',
  'Etc/UCT',
  'UCT',
  'Etc/GMT',
  'GMT',
  'Etc/Universal',
  'Universal',
  'Etc/Zulu',
  'Zulu',
]);

/**
 * $TZ as Date reads it (a leading ':' dropped), or undefined. Reading process.env costs ~0.7 us a
 * time (a call into C++): a table of 1,000 rows read it thousands of times. `withTzPinned` reads it
 * once for a drawing.
 */
let pinnedTz: { readonly tz: string | undefined } | null = null;
function currentTz(): string | undefined {
  return pinnedTz === null ? process.env['TZ']?.replace(/^:/, '') : pinnedTz.tz;
}

/** Run `draw` (synchronous) with $TZ read once: nothing in it may change $TZ. */
export function withTzPinned<T>(draw: () => T): T {
  if (pinnedTz !== null) return draw();
  pinnedTz = { tz: process.env['TZ']?.replace(/^:/, '') };
  try {
    return draw();
  } finally {
    pinnedTz = null;
  }
}

/**
 * Wall time and UTC offset of an instant in `timezone` (null: this process's zone). UTC and the
 * zone TZ names are read from Date directly: the first Intl.DateTimeFormat of a process costs
 * ~12 ms of ICU set-up, a fifth of Node's own start-up, and `list` must start fast.
 */
export function readWall(instant: Instant, timezone: string | null): { wall: WallTime; offsetMs: number } {
  const date = new Date(instant);
  if (timezone !== null && UTC_NAMES.has(timezone)) {
    const wall = {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
    };
    return { wall, offsetMs: 0 };
  }
  if (timezone === null || timezone === currentTz()) {
    const wall = {
      year: date.getFullYear(),
      month: date.getMonth() + 1,
      day: date.getDate(),
      hour: date.getHours(),
      minute: date.getMinutes(),
      second: date.getSeconds(),
    };
    return { wall, offsetMs: -date.getTimezoneOffset() * 60_000 };
  }
  const { year, month, day, hour, minute, second } = toWall(instant, timezone);
  return { wall: { year, month, day, hour, minute, second }, offsetMs: offsetAt(instant, timezone) };
}

/** "2026-11-23 07:00:00 +01:00": wall time in `timezone` (null: local) with its offset, so DST is visible. */
export function formatInstant(instant: Instant, timezone: string | null): string {
  const { wall, offsetMs } = readWall(instant, timezone);
  const date = `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`;
  const time = `${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}`;
  return `${date} ${time} ${formatOffset(offsetMs)}`;
}

/** "in 4m30s", "12s ago", "now", "in 3y": whole seconds at most, two units at most (formatSpan). */
export function formatRelative(instant: Instant, now: Instant): string {
  const deltaMs = instant - now;
  const seconds = Math.round(Math.abs(deltaMs) / 1000);
  if (seconds === 0) return 'now';
  const text = formatSpan(seconds * 1000);
  return deltaMs > 0 ? `in ${text}` : `${text} ago`;
}

/** "12s", "3h20m", "4d3h": a span already past (how long a task is overdue), as formatRelative words it. */
export function formatAge(ms: number): string {
  return formatSpan(Math.max(0, Math.floor(ms / 1000)) * 1000);
}

/** ISO-8601 UTC with milliseconds: the one instant format of `--json`. */
export function formatIsoUtc(instant: Instant): string {
  return new Date(instant).toISOString();
}

/**
 * A table's absolute time in `timezone`: "07:00:00" on the same day as `now` there, else
 * "2026-11-24 07:00:00"; followed by the zone's name when it is not this process's zone
 * ("07:00:00 America/New_York"), since a bare wall time would be read as local. The IANA name,
 * not an abbreviation: "CST" is three zones.
 */
export function formatInstantShort(instant: Instant, timezone: string | null, now: Instant): string {
  const { wall } = readWall(instant, timezone);
  const today = todayIn(now, timezone);
  const time = `${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}`;
  const zone = timezone === null || isLocalZone(timezone) ? '' : ` ${UTC_NAMES.has(timezone) ? 'UTC' : timezone}`;
  if (wall.year === today.year && wall.month === today.month && wall.day === today.day) return `${time}${zone}`;
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)} ${time}${zone}`;
}

/**
 * Whether `timezone` is this process's own zone (TZ, else the system's): the zones of UTC by any
 * name are one. Intl is asked once per TZ value (readWall's note: its first use costs ~12 ms).
 */
export function isLocalZone(timezone: string): boolean {
  const tz = currentTz();
  if (timezone === tz) return true;
  if (cachedZone === undefined || cachedZone.tz !== tz) cachedZone = { tz, zone: systemTimeZone() };
  const local = cachedZone.zone;
  return timezone === local || (UTC_NAMES.has(timezone) && UTC_NAMES.has(local));
}

let cachedZone: { tz: string | undefined; zone: string } | undefined;

/** `now`'s date in `timezone`: the same for every row of a table, so the last one is kept. */
function todayIn(now: Instant, timezone: string | null): WallTime {
  const tz = currentTz();
  const last = lastToday;
  if (last !== undefined && last.now === now && last.timezone === timezone && last.tz === tz) return last.wall;
  const { wall } = readWall(now, timezone);
  lastToday = { now, timezone, tz, wall };
  return wall;
}

let lastToday: { now: Instant; timezone: string | null; tz: string | undefined; wall: WallTime } | undefined;

/** "in 4m30s (07:00:00)", "in 3y (2029-12-01 00:00:00)": relative first (what a user scans for), then absolute. */
export function formatWhen(instant: Instant, timezone: string | null, now: Instant): string {
  return `${formatRelative(instant, now)} (${formatInstantShort(instant, timezone, now)})`;
}

/** An ISO string of a view as an instant (views carry ISO-8601 UTC). */
export function parseIso(iso: string): Instant {
  return Date.parse(iso);
}
