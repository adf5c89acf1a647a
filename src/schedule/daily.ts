/** `daily: HH:MM` or a list of times: wall-clock times in the task's zone, every day (DESIGN.md). */
import { showValue } from './show-value.js';
import { nextWallInstant, type WallProgram } from './wall-stepper.js';
import type { DailySpec, Instant, ParseResult, TimeOfDay } from './types.js';

const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const EXPECTED = 'expected a time of day "HH:MM" or "HH:MM:SS" (00:00-23:59:59)';

/** Parse "03:30" or "03:30:15". */
export function parseTimeOfDay(raw: unknown): ParseResult<TimeOfDay> {
  if (typeof raw === 'number') {
    // YAML 1.1 reads an unquoted 03:30 as the sexagesimal number 210.
    return { ok: false, message: `${EXPECTED}, got the number ${raw}; quote the time, e.g. "03:30"` };
  }
  const match = typeof raw === 'string' ? TIME.exec(raw) : null;
  if (match === null) return { ok: false, message: `${EXPECTED}, got ${showValue(raw)}` };
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  const second = match[3] === undefined ? 0 : Number(match[3]);
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, message: `${EXPECTED}, got ${showValue(raw)}` };
  return { ok: true, value: { hour, minute, second } };
}

/** Parse one time or a non-empty list of them; the result is sorted and without duplicates. */
export function parseDaily(raw: unknown): ParseResult<DailySpec> {
  const items = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  if (items.length === 0) return { ok: false, message: `${EXPECTED} or a non-empty list of them, got an empty list` };
  const seconds = new Set<number>();
  for (const item of items) {
    const parsed = parseTimeOfDay(item);
    if (!parsed.ok) return parsed;
    seconds.add(secondOfDay(parsed.value));
  }
  const times = [...seconds].sort((a, b) => a - b).map(toTimeOfDay);
  return { ok: true, value: { kind: 'daily', times } };
}

/** Build the zone-free program of a daily spec: every day matches; fixed-time DST rules. */
export function compileDaily(spec: DailySpec): WallProgram {
  const seconds = spec.times.map(secondOfDay);
  return {
    fixed: true,
    dayMask: (_year, _month, _firstWeekday, monthDays) => (monthDays === 31 ? 0x7fffffff : (1 << monthDays) - 1),
    firstTime: (from) => {
      for (const second of seconds) if (second >= from) return second;
      return -1;
    },
  };
}

/** The first daily time strictly after `after` in `tz`. */
export function nextDaily(spec: DailySpec, tz: string, after: Instant): Instant | null {
  return nextWallInstant(compileDaily(spec), tz, after);
}

export function secondOfDay(time: TimeOfDay): number {
  return time.hour * 3600 + time.minute * 60 + time.second;
}

function toTimeOfDay(second: number): TimeOfDay {
  return { hour: Math.floor(second / 3600), minute: Math.floor(second / 60) % 60, second: second % 60 };
}
