/** Human forms of instants and durations: absolute in a zone, and relative to now. */
import { formatDuration } from '../../schedule/duration.js';
import { offsetAt, toWall } from '../../schedule/zoned.js';
import type { Instant } from '../../schedule/types.js';

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** "+05:30" / "-04:00" for an offset in ms. */
function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  return `${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** "2026-11-23 07:00:00 +01:00": wall time in `timezone` with its offset, so DST is visible. */
export function formatInstant(instant: Instant, timezone: string): string {
  const wall = toWall(instant, timezone);
  const date = `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`;
  const time = `${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}`;
  return `${date} ${time} ${formatOffset(offsetAt(instant, timezone))}`;
}

/** "in 4m30s", "12s ago", "now": whole seconds, for tables. */
export function formatRelative(instant: Instant, now: Instant): string {
  const deltaMs = instant - now;
  const seconds = Math.round(Math.abs(deltaMs) / 1000);
  if (seconds === 0) return 'now';
  const text = formatDuration(seconds * 1000);
  return deltaMs > 0 ? `in ${text}` : `${text} ago`;
}

/** ISO-8601 UTC with milliseconds: the one instant format of `--json`. */
export function formatIsoUtc(instant: Instant): string {
  return new Date(instant).toISOString();
}
