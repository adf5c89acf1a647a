/**
 * A ScheduleSpec that comes from outside this process (the task_state table's reschedule column,
 * written by an older taskkit, a hand edit or a damaged disk), checked against what the parsers
 * produce before the engine uses it (issue 15 point 2): `{not json` or an unknown kind threw in
 * the middle of a start, and `periodMs: 0` gave NaN instants, a busy loop.
 */
import { parseCron } from './cron.js';
import { daysInMonth } from './calendar.js';
import { MIN_EVERY_MS } from './every.js';
import { parseRrule } from './rrule-parse.js';
import { showValue } from './show-value.js';
import type { ParseResult, ScheduleSpec, TimeOfDay, WallTime } from './types.js';

// Date's range (±100,000,000 days): instants outside it cannot be shown or stored.
const MAX_INSTANT = 8.64e15;

/** The spec itself when it is one the engine can use, else what is wrong with it. */
export function checkScheduleSpec(value: unknown): ParseResult<ScheduleSpec> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail(`expected a schedule object, got ${showValue(value)}`);
  const spec = value as Record<string, unknown>;
  switch (spec['kind']) {
    case 'every': {
      const { periodMs, anchor, startGiven } = spec;
      if (!Number.isSafeInteger(periodMs) || (periodMs as number) < MIN_EVERY_MS)
        return fail(`every: periodMs must be a whole number of ms >= ${MIN_EVERY_MS}, got ${showValue(periodMs)}`);
      if (!isInstant(anchor)) return fail(`every: anchor must be an instant, got ${showValue(anchor)}`);
      if (typeof startGiven !== 'boolean')
        return fail(`every: startGiven must be true or false, got ${showValue(startGiven)}`);
      return ok({ kind: 'every', periodMs: periodMs as number, anchor, startGiven });
    }
    case 'daily': {
      const times = spec['times'];
      if (!Array.isArray(times) || times.length === 0 || !times.every(isTimeOfDay) || !ascending(times.map(secondOf)))
        return fail(
          `daily: times must be a non-empty ascending list of {hour, minute, second}, got ${showValue(times)}`,
        );
      return ok({ kind: 'daily', times: times.map(({ hour, minute, second }) => ({ hour, minute, second })) });
    }
    case 'at': {
      const instants = spec['instants'];
      if (!Array.isArray(instants) || instants.length === 0 || !instants.every(isInstant) || !ascending(instants))
        return fail(`at: instants must be a non-empty ascending list of instants, got ${showValue(instants)}`);
      return ok({ kind: 'at', instants: [...instants] });
    }
    case 'cron': {
      const parsed = parseCron(spec['expression']);
      if (!parsed.ok) return fail(`cron: ${parsed.message}`);
      return ok(parsed.value);
    }
    case 'rrule': {
      // The parts are re-read from the rule as written, so a stored spec cannot disagree with it.
      const { rule, start, startGiven } = spec;
      if (typeof startGiven !== 'boolean')
        return fail(`rrule: startGiven must be true or false, got ${showValue(startGiven)}`);
      if (!isWallTime(start)) return fail(`rrule: start must be a wall time {year, month, day, hour, minute, second}`);
      const { year, month, day, hour, minute, second } = start;
      const parsed = parseRrule(rule, startGiven ? { year, month, day, hour, minute, second } : undefined);
      if (!parsed.ok) return fail(`rrule: ${parsed.message}`);
      return ok(parsed.value);
    }
    case 'reboot':
    case 'on-demand':
      return ok({ kind: spec['kind'] });
    default:
      return fail(`unknown schedule kind ${showValue(spec['kind'])}`);
  }
}

function ok(value: ScheduleSpec): ParseResult<ScheduleSpec> {
  return { ok: true, value };
}

function fail(message: string): ParseResult<ScheduleSpec> {
  return { ok: false, message };
}

function isInstant(value: unknown): value is number {
  return Number.isSafeInteger(value) && Math.abs(value as number) <= MAX_INSTANT;
}

function isTimeOfDay(value: unknown): value is TimeOfDay {
  if (typeof value !== 'object' || value === null) return false;
  const { hour, minute, second } = value as Record<string, unknown>;
  return inRange(hour, 23) && inRange(minute, 59) && inRange(second, 59);
}

function isWallTime(value: unknown): value is WallTime {
  if (typeof value !== 'object' || value === null || !isTimeOfDay(value)) return false;
  const { year, month, day } = value as unknown as Record<string, unknown>;
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  const [y, m, d] = [year, month, day] as [number, number, number];
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function inRange(value: unknown, max: number): boolean {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= max;
}

function secondOf(time: TimeOfDay): number {
  return time.hour * 3600 + time.minute * 60 + time.second;
}

function ascending(values: readonly number[]): boolean {
  return values.every((value, i) => i === 0 || value > (values[i - 1] as number));
}
