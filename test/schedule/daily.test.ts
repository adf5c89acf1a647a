// DESIGN.md "The tasks file" / "Schedule semantics": `daily` times are `HH:MM` or `HH:MM:SS` in
// the task's zone, fixed-time for DST (see dst.test.ts for the transitions).
import { describe, expect, test } from 'vitest';
import { nextDaily, parseDaily, parseTimeOfDay } from '../../src/schedule/daily.js';
import type { DailySpec } from '../../src/schedule/types.js';

const ms = (iso: string): number => Date.parse(iso);
const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());
const EXPECTED = 'expected a time of day "HH:MM" or "HH:MM:SS" (00:00-23:59:59)';

function spec(raw: unknown): DailySpec {
  const parsed = parseDaily(raw);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

describe('parseTimeOfDay', () => {
  test.each([
    ['03:30', { hour: 3, minute: 30, second: 0 }],
    ['3:30', { hour: 3, minute: 30, second: 0 }],
    ['00:00', { hour: 0, minute: 0, second: 0 }],
    ['23:59:59', { hour: 23, minute: 59, second: 59 }],
  ])('accepts %j', (raw, value) => {
    expect(parseTimeOfDay(raw)).toEqual({ ok: true, value });
  });

  test.each(['25:00', '24:00', '12:60', '12:00:60', '3pm', '03:3', '03:30:00.5', ' 03:30', ''])('rejects %j', (raw) => {
    expect(parseTimeOfDay(raw)).toEqual({ ok: false, message: `${EXPECTED}, got ${JSON.stringify(raw)}` });
  });

  test('a number (YAML 1.1 sexagesimal 03:30 = 210) gets a hint to quote it', () => {
    expect(parseTimeOfDay(210)).toEqual({
      ok: false,
      message: `${EXPECTED}, got the number 210; quote the time, e.g. "03:30"`,
    });
  });
});

describe('parseDaily', () => {
  test('one string', () => {
    expect(spec('03:30').times).toEqual([{ hour: 3, minute: 30, second: 0 }]);
  });

  test('a list is sorted and deduplicated', () => {
    expect(spec(['15:30', '03:30', '03:30:00']).times).toEqual([
      { hour: 3, minute: 30, second: 0 },
      { hour: 15, minute: 30, second: 0 },
    ]);
  });

  test('an empty list is an error', () => {
    expect(parseDaily([]).ok).toBe(false);
  });

  test('a bad item fails the list, quoting the item', () => {
    expect(parseDaily(['03:30', '25:00'])).toEqual({ ok: false, message: `${EXPECTED}, got "25:00"` });
  });
});

describe('nextDaily: wall-clock times in the zone, strictly after', () => {
  const twice = spec(['03:30', '15:30']);
  test.each([
    ['2026-05-05T00:00:00-04:00', '2026-05-05T03:30:00-04:00'],
    ['2026-05-05T03:30:00-04:00', '2026-05-05T15:30:00-04:00'],
    ['2026-05-05T15:29:59-04:00', '2026-05-05T15:30:00-04:00'],
    ['2026-05-05T15:30:00-04:00', '2026-05-06T03:30:00-04:00'],
    ['2026-12-31T20:00:00-05:00', '2027-01-01T03:30:00-05:00'],
  ])('daily 03:30, 15:30 in America/New_York after %s -> %s', (after, expected) => {
    expect(iso(nextDaily(twice, 'America/New_York', ms(after)))).toBe(iso(ms(expected)));
  });

  test('Asia/Kolkata (+05:30, no DST): 09:00 is 03:30Z', () => {
    expect(iso(nextDaily(spec('09:00'), 'Asia/Kolkata', ms('2026-01-01T00:00:00Z')))).toBe('2026-01-01T03:30:00.000Z');
  });

  test('seconds are honoured', () => {
    expect(iso(nextDaily(spec('12:00:30'), 'UTC', ms('2026-01-01T12:00:00Z')))).toBe('2026-01-01T12:00:30.000Z');
  });
});
