/** `every: D` with optional `start:`: fixed rate on the absolute timeline (DESIGN.md). */
import { parseDateTime } from './at.js';
import { formatDuration, parseDuration } from './duration.js';
import { gapEnd } from './zoned.js';
import type { EverySpec, Instant, ParseResult } from './types.js';

/** Shorter periods are almost certainly a unit mistake and would flood the run history. */
export const MIN_EVERY_MS = 100;

/** Parse `every` and its optional `start` anchor; without `start`, local midnight 2000-01-01 in `tz`. */
export function parseEvery(raw: unknown, start: unknown, tz: string): ParseResult<EverySpec> {
  const period = parseDuration(raw);
  if (!period.ok) return period;
  if (period.value < MIN_EVERY_MS) {
    return {
      ok: false,
      message: `period must be at least ${formatDuration(MIN_EVERY_MS)}, got ${JSON.stringify(raw)}`,
    };
  }
  if (start === undefined) {
    const anchor = gapEnd({ year: 2000, month: 1, day: 1, hour: 0, minute: 0, second: 0 }, tz);
    return { ok: true, value: { kind: 'every', periodMs: period.value, anchor, startGiven: false } };
  }
  const anchor = parseDateTime(start, tz);
  if (!anchor.ok) return { ok: false, message: `start: ${anchor.message}` };
  return { ok: true, value: { kind: 'every', periodMs: period.value, anchor: anchor.value, startGiven: true } };
}

/**
 * anchor + k * period, the smallest strictly after `after`. The answer depends only on the
 * spec and `after`, never on when the last run happened: no drift, and restarts keep the phase.
 */
export function nextEvery(spec: EverySpec, after: Instant): Instant {
  const { anchor, periodMs } = spec;
  if (after < anchor && spec.startGiven) return anchor;
  return anchor + (Math.floor((after - anchor) / periodMs) + 1) * periodMs;
}
