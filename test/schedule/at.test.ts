// DESIGN.md "The tasks file": `at` is a one-shot (or a list); dates without offset are local to the
// task's zone; fixed-time DST rule for local times in a gap or repeated hour.
import { describe, expect, test } from 'vitest';
import { nextAt, parseAt, parseDateTime } from '../../src/schedule/at.js';
import type { AtSpec } from '../../src/schedule/types.js';

const ms = (iso: string): number => Date.parse(iso);
const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

function spec(raw: unknown, tz: string): AtSpec {
  const parsed = parseAt(raw, tz);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

describe('parseDateTime', () => {
  test.each([
    ['2026-12-01T09:00', 'Europe/Berlin', '2026-12-01T09:00:00+01:00'],
    ['2026-12-01T09:00:30', 'Europe/Berlin', '2026-12-01T09:00:30+01:00'],
    ['2026-12-01 09:00', 'Europe/Berlin', '2026-12-01T09:00:00+01:00'],
    ['2026-12-01', 'Europe/Berlin', '2026-12-01T00:00:00+01:00'],
    ['2026-07-01T09:00', 'Europe/Berlin', '2026-07-01T09:00:00+02:00'],
    ['2026-12-01T09:00Z', 'Europe/Berlin', '2026-12-01T09:00:00Z'],
    ['2026-12-01T09:00+02:00', 'America/New_York', '2026-12-01T07:00:00Z'],
    ['2026-12-01T09:00:00-0530', 'UTC', '2026-12-01T14:30:00Z'],
    ['2026-12-01T09:00+02', 'UTC', '2026-12-01T07:00:00Z'],
    ['2026-12-01T09:00:00.250Z', 'UTC', '2026-12-01T09:00:00.250Z'],
    ['2028-02-29T12:00', 'UTC', '2028-02-29T12:00:00Z'],
  ])('%s in %s -> %s', (raw, tz, expected) => {
    expect(parseDateTime(raw, tz)).toEqual({ ok: true, value: ms(expected) });
  });

  test('no offset, in a spring-forward gap: the first instant after the gap', () => {
    expect(parseDateTime('2026-03-08T02:30', 'America/New_York')).toEqual({
      ok: true,
      value: ms('2026-03-08T03:00:00-04:00'),
    });
  });

  test('no offset, in the repeated hour: the first occurrence', () => {
    expect(parseDateTime('2026-11-01T01:30', 'America/New_York')).toEqual({
      ok: true,
      value: ms('2026-11-01T01:30:00-04:00'),
    });
  });

  test('a Date (a YAML timestamp) is taken as the instant it names', () => {
    expect(parseDateTime(new Date('2026-12-01T09:00:00Z'), 'Asia/Kolkata')).toEqual({
      ok: true,
      value: ms('2026-12-01T09:00:00Z'),
    });
  });

  test.each([
    ['2026-02-30', 'no such date: "2026-02-30"'],
    ['2027-02-29T10:00', 'no such date: "2027-02-29T10:00"'],
    ['2026-13-01', 'no such date: "2026-13-01"'],
    ['2026-12-01T24:00', 'no such time of day: "2026-12-01T24:00"'],
    ['2026-12-01T09:60', 'no such time of day: "2026-12-01T09:60"'],
  ])('rejects impossible %j', (raw, message) => {
    expect(parseDateTime(raw, 'UTC')).toEqual({ ok: false, message });
  });

  test.each(['tomorrow', '2026-12-1', '12/01/2026', '2026-12-01T9:00', '', 1_767_225_600_000, new Date(Number.NaN)])(
    'rejects %j',
    (raw) => {
      const result = parseDateTime(raw, 'UTC');
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toMatch(/^expected a date and time like "2026-12-01T09:00"/);
    },
  );
});

describe('parseAt', () => {
  test('a list is sorted and deduplicated', () => {
    const list = spec(['2026-12-02T09:00', '2026-12-01T09:00', '2026-12-01T08:00Z'], 'UTC');
    expect(list.instants.map(iso)).toEqual([
      '2026-12-01T08:00:00.000Z',
      '2026-12-01T09:00:00.000Z',
      '2026-12-02T09:00:00.000Z',
    ]);
  });

  test('an empty list is an error', () => {
    expect(parseAt([], 'UTC').ok).toBe(false);
  });
});

describe('nextAt: one-shots, strictly after', () => {
  const list = spec(['2026-12-01T09:00', '2026-12-02T09:00', '2026-12-03T09:00'], 'America/New_York');
  test.each([
    ['future: the first', '2026-01-01T00:00:00Z', '2026-12-01T09:00:00-05:00'],
    ['at an instant: the next one', '2026-12-01T09:00:00-05:00', '2026-12-02T09:00:00-05:00'],
    ['between', '2026-12-02T12:00:00-05:00', '2026-12-03T09:00:00-05:00'],
  ])('%s', (_name, after, expected) => {
    expect(iso(nextAt(list, ms(after)))).toBe(iso(ms(expected)));
  });

  test('past: null once every instant has passed', () => {
    expect(nextAt(list, ms('2026-12-03T09:00:00-05:00'))).toBeNull();
    expect(nextAt(spec('2020-01-01T00:00', 'UTC'), ms('2026-01-01T00:00:00Z'))).toBeNull();
  });
});
