/** Durations as written in the tasks file: "500ms", "90s", "5m", "1h30m", "2d" (DESIGN.md). */
import { showValue } from './show-value.js';
import type { ParseResult } from './types.js';

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const UNIT_ORDER: readonly Unit[] = ['d', 'h', 'm', 's', 'ms'];

// One or more "<digits><unit>" parts; "ms" must be tried before "m" and "s".
const WHOLE = /^(?:\d+(?:ms|d|h|m|s))+$/;
const PART = /(\d+)(ms|d|h|m|s)/g;

/** Parse "1h30m" into ms; a bare number is rejected because its unit would be a guess. */
export function parseDuration(raw: unknown): ParseResult<number> {
  const text = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : undefined;
  if (text === undefined || !WHOLE.test(text)) return fail(raw);
  let total = 0;
  let lastRank = -1;
  for (const match of text.matchAll(PART)) {
    const unit = match[2] as Unit;
    const rank = UNIT_ORDER.indexOf(unit);
    // "30m1h" or "5m5m" is almost certainly a typo; demand largest unit first, each once.
    if (rank <= lastRank) return fail(raw);
    lastRank = rank;
    total += Number(match[1]) * UNIT_MS[unit];
  }
  if (!Number.isSafeInteger(total)) return { ok: false, message: `duration too large: "${text}"` };
  return { ok: true, value: total };
}

/** Compact inverse of parseDuration: 90000 -> "1m30s", 0 -> "0s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  let rest = Math.round(Math.abs(ms));
  if (rest === 0) return '0s';
  let out = '';
  for (const unit of UNIT_ORDER) {
    const size = UNIT_MS[unit];
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return sign + out;
}

function fail(raw: unknown): ParseResult<number> {
  return { ok: false, message: `expected a duration like "90s", "5m" or "1h30m", got ${showValue(raw)}` };
}
