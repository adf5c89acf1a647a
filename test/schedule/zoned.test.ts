// DESIGN.md "Schedule semantics": wall-clock times in the task's zone. Transition instants below
// were checked against Intl (longOffset) for 2026 before pinning.
import { describe, expect, test } from 'vitest';
import {
  fromWall,
  gapEnd,
  isValidTimeZone,
  offsetAt,
  systemTimeZone,
  toWall,
  transitionsBetween,
} from '../../src/schedule/zoned.js';

const ms = (iso: string): number => Date.parse(iso);
const isos = (instants: readonly number[]): string[] => instants.map((t) => new Date(t).toISOString());
const wall = (text: string) => {
  const [date = '', time = ''] = text.split(' ');
  const [year = 0, month = 0, day = 0] = date.split('-').map(Number);
  const [hour = 0, minute = 0, second = 0] = time.split(':').map(Number);
  return { year, month, day, hour, minute, second };
};

describe('zone names', () => {
  test.each(['America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'UTC'])('%s is valid', (tz) => {
    expect(isValidTimeZone(tz)).toBe(true);
  });
  test.each(['Mars/Olympus', '', 'Europe/Berln'])('%j is not', (tz) => {
    expect(isValidTimeZone(tz)).toBe(false);
  });
  test('the system zone is a valid zone', () => {
    expect(isValidTimeZone(systemTimeZone())).toBe(true);
  });
});

describe('2026 transitions, as Intl reports them', () => {
  test.each([
    ['America/New_York', ['2026-03-08T07:00:00.000Z', '2026-11-01T06:00:00.000Z']],
    ['Europe/Berlin', ['2026-03-29T01:00:00.000Z', '2026-10-25T01:00:00.000Z']],
    // Southern hemisphere: DST ends in April, starts in October.
    ['Australia/Sydney', ['2026-04-04T16:00:00.000Z', '2026-10-03T16:00:00.000Z']],
    // Lord Howe moves by 30 minutes, at 02:00 local.
    ['Australia/Lord_Howe', ['2026-04-04T15:00:00.000Z', '2026-10-03T15:30:00.000Z']],
    ['Asia/Kolkata', []],
  ])('%s', (tz, expected) => {
    expect(
      isos(transitionsBetween(ms('2026-01-01T00:00:00Z'), ms('2027-01-01T00:00:00Z'), tz).map((t) => t.at)),
    ).toEqual(expected);
  });
});

describe('offsetAt: local = utc + offset', () => {
  test.each([
    ['2026-01-15T12:00:00Z', 'America/New_York', -5 * 60],
    ['2026-07-15T12:00:00Z', 'America/New_York', -4 * 60],
    ['2026-03-08T06:59:59Z', 'America/New_York', -5 * 60],
    ['2026-03-08T07:00:00Z', 'America/New_York', -4 * 60],
    ['2026-01-15T12:00:00Z', 'Asia/Kolkata', 5 * 60 + 30],
    ['2026-01-15T12:00:00Z', 'Australia/Adelaide', 10 * 60 + 30],
    ['2026-07-15T12:00:00Z', 'Australia/Adelaide', 9 * 60 + 30],
    ['2026-01-15T12:00:00Z', 'Australia/Lord_Howe', 11 * 60],
    ['2026-07-15T12:00:00Z', 'Australia/Lord_Howe', 10 * 60 + 30],
    ['2026-07-15T12:00:00Z', 'Australia/Sydney', 10 * 60],
  ])('at %s in %s: %d minutes', (iso, tz, minutes) => {
    expect(offsetAt(ms(iso), tz)).toBe(minutes * 60_000);
  });
});

describe('toWall', () => {
  test('reads the wall clock and weekday (0 = Sunday)', () => {
    expect(toWall(ms('2026-03-08T07:00:00Z'), 'America/New_York')).toEqual({
      ...wall('2026-03-08 03:00:00'),
      weekday: 0,
    });
    expect(toWall(ms('2026-01-01T03:30:15Z'), 'Asia/Kolkata')).toEqual({ ...wall('2026-01-01 09:00:15'), weekday: 4 });
  });
});

describe('fromWall: 0 instants in a gap, 2 in a repeated hour', () => {
  test.each([
    ['America/New_York', '2026-06-01 12:00', ['2026-06-01T12:00:00-04:00']],
    ['America/New_York', '2026-03-08 02:30', []],
    ['America/New_York', '2026-11-01 01:30', ['2026-11-01T01:30:00-04:00', '2026-11-01T01:30:00-05:00']],
    ['Europe/Berlin', '2026-03-29 02:00', []],
    ['Europe/Berlin', '2026-10-25 02:30', ['2026-10-25T02:30:00+02:00', '2026-10-25T02:30:00+01:00']],
    ['Australia/Sydney', '2026-10-04 02:30', []],
    ['Australia/Sydney', '2026-04-05 02:30', ['2026-04-05T02:30:00+11:00', '2026-04-05T02:30:00+10:00']],
    ['Australia/Lord_Howe', '2026-10-04 02:15', []],
    ['Australia/Lord_Howe', '2026-04-05 01:45', ['2026-04-05T01:45:00+11:00', '2026-04-05T01:45:00+10:30']],
    ['Asia/Kolkata', '2026-03-08 02:30', ['2026-03-08T02:30:00+05:30']],
  ])('%s %s', (tz, text, expected) => {
    expect(isos(fromWall(wall(text), tz))).toEqual(isos(expected.map(ms)));
  });
});

describe('gapEnd: the fixed-time rule (first instant after a gap, else first occurrence)', () => {
  test.each([
    ['America/New_York', '2026-03-08 02:30', '2026-03-08T03:00:00-04:00'],
    ['Europe/Berlin', '2026-03-29 02:59:59', '2026-03-29T03:00:00+02:00'],
    ['Australia/Sydney', '2026-10-04 02:00', '2026-10-04T03:00:00+11:00'],
    ['Australia/Lord_Howe', '2026-10-04 02:15', '2026-10-04T02:30:00+11:00'],
    ['America/New_York', '2026-11-01 01:30', '2026-11-01T01:30:00-04:00'],
    ['America/New_York', '2026-06-01 12:00', '2026-06-01T12:00:00-04:00'],
  ])('%s %s -> %s', (tz, text, expected) => {
    expect(new Date(gapEnd(wall(text), tz)).toISOString()).toBe(new Date(expected).toISOString());
  });
});
