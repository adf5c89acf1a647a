// DESIGN.md "Schedule semantics", daylight saving (Vixie/cronie cron(8) rules):
//  - a fixed-time job (no `*` at the start of second/minute/hour; every `daily` time) whose time
//    falls in a spring-forward gap fires once, at the first instant after the gap; in a fall-back
//    repeated hour it fires once, at the first occurrence;
//  - a wildcard job is not adjusted: non-existent times are skipped, repeated times fire twice.
// 2026 transitions (checked with Intl): New York Mar 8 / Nov 1, Berlin Mar 29 / Oct 25,
// Sydney Oct 4 (forward) / Apr 5 (back).
import { CronExpressionParser } from 'cron-parser';
import { describe, expect, test } from 'vitest';
import { parseCron } from '../../src/schedule/cron.js';
import { parseDaily } from '../../src/schedule/daily.js';
import { compileSchedule, upcoming } from '../../src/schedule/next.js';
import type { ScheduleSpec } from '../../src/schedule/types.js';

const ms = (iso: string): number => Date.parse(iso);
const isos = (values: readonly (string | number)[]): string[] =>
  values.map((v) => new Date(typeof v === 'string' ? ms(v) : v).toISOString());

function spec(schedule: string): ScheduleSpec {
  const parsed = schedule.startsWith('daily ') ? parseDaily(schedule.slice(6).split(',')) : parseCron(schedule);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

function upcomingIn(schedule: string, tz: string, after: string, n: number): string[] {
  return isos(upcoming(compileSchedule(spec(schedule), tz), ms(after), n));
}

describe('spring forward: a fixed-time job fires once at the first instant after the gap', () => {
  test.each([
    [
      '30 2 * * *',
      'America/New_York',
      '2026-03-07T12:00:00-05:00',
      ['2026-03-08T03:00:00-04:00', '2026-03-09T02:30:00-04:00'],
    ],
    [
      'daily 02:30',
      'America/New_York',
      '2026-03-07T12:00:00-05:00',
      ['2026-03-08T03:00:00-04:00', '2026-03-09T02:30:00-04:00'],
    ],
    [
      '30 2 * * *',
      'Europe/Berlin',
      '2026-03-28T12:00:00+01:00',
      ['2026-03-29T03:00:00+02:00', '2026-03-30T02:30:00+02:00'],
    ],
    [
      'daily 02:30',
      'Europe/Berlin',
      '2026-03-28T12:00:00+01:00',
      ['2026-03-29T03:00:00+02:00', '2026-03-30T02:30:00+02:00'],
    ],
    [
      '30 2 * * *',
      'Australia/Sydney',
      '2026-10-03T12:00:00+10:00',
      ['2026-10-04T03:00:00+11:00', '2026-10-05T02:30:00+11:00'],
    ],
    [
      'daily 02:30',
      'Australia/Sydney',
      '2026-10-03T12:00:00+10:00',
      ['2026-10-04T03:00:00+11:00', '2026-10-05T02:30:00+11:00'],
    ],
    // Lord Howe springs forward 30 minutes: 02:15 does not exist, 02:30 does.
    [
      '15 2 * * *',
      'Australia/Lord_Howe',
      '2026-10-03T12:00:00+10:30',
      ['2026-10-04T02:30:00+11:00', '2026-10-05T02:15:00+11:00'],
    ],
  ])('%s in %s', (schedule, tz, after, expected) => {
    expect(upcomingIn(schedule, tz, after, 2)).toEqual(isos(expected));
  });

  test('several gap times of one job collapse into one run (0,30 2 * * *, and daily 02:00, 02:30)', () => {
    const expected = isos(['2026-03-08T03:00:00-04:00', '2026-03-09T02:00:00-04:00', '2026-03-09T02:30:00-04:00']);
    expect(upcomingIn('0,30 2 * * *', 'America/New_York', '2026-03-07T12:00:00-05:00', 3)).toEqual(expected);
    expect(upcomingIn('daily 02:00,02:30', 'America/New_York', '2026-03-07T12:00:00-05:00', 3)).toEqual(expected);
  });

  test('a gap time and the time right after it collapse too (0 2,3 * * *)', () => {
    expect(upcomingIn('0 2,3 * * *', 'America/New_York', '2026-03-07T12:00:00-05:00', 2)).toEqual(
      isos(['2026-03-08T03:00:00-04:00', '2026-03-09T02:00:00-04:00']),
    );
  });

  test('cron-parser differs: it runs 02:30 at 03:30 EDT', () => {
    const parsed = CronExpressionParser.parse('30 2 * * *', {
      currentDate: new Date(ms('2026-03-07T12:00:00-05:00')),
      tz: 'America/New_York',
    });
    expect(parsed.next().toISOString()).toBe(isos(['2026-03-08T03:30:00-04:00'])[0]);
  });
});

describe('spring forward: a wildcard job skips times that do not exist', () => {
  test.each([
    [
      '*/15 2 * * *',
      'America/New_York',
      '2026-03-07T12:00:00-05:00',
      ['2026-03-09T02:00:00-04:00', '2026-03-09T02:15:00-04:00'],
    ],
    [
      '*/15 2 * * *',
      'Europe/Berlin',
      '2026-03-28T12:00:00+01:00',
      ['2026-03-30T02:00:00+02:00', '2026-03-30T02:15:00+02:00'],
    ],
    [
      '*/15 2 * * *',
      'Australia/Sydney',
      '2026-10-03T12:00:00+10:00',
      ['2026-10-05T02:00:00+11:00', '2026-10-05T02:15:00+11:00'],
    ],
    [
      '0 * * * *',
      'America/New_York',
      '2026-03-08T00:30:00-05:00',
      ['2026-03-08T01:00:00-05:00', '2026-03-08T03:00:00-04:00', '2026-03-08T04:00:00-04:00'],
    ],
    [
      '30 * * * *',
      'Europe/Berlin',
      '2026-03-29T01:00:00+01:00',
      ['2026-03-29T01:30:00+01:00', '2026-03-29T03:30:00+02:00'],
    ],
  ])('%s in %s', (schedule, tz, after, expected) => {
    expect(upcomingIn(schedule, tz, after, expected.length)).toEqual(isos(expected));
  });

  test('cron-parser differs: it runs */15 2 * * * inside the gap day', () => {
    const parsed = CronExpressionParser.parse('*/15 2 * * *', {
      currentDate: new Date(ms('2026-03-07T12:00:00-05:00')),
      tz: 'America/New_York',
    });
    expect(parsed.next().toISOString()).toBe(isos(['2026-03-08T03:00:00-04:00'])[0]);
  });
});

describe('fall back: a fixed-time job fires once, at the first occurrence', () => {
  test.each([
    [
      '30 1 * * *',
      'America/New_York',
      '2026-10-31T12:00:00-04:00',
      ['2026-11-01T01:30:00-04:00', '2026-11-02T01:30:00-05:00'],
    ],
    [
      'daily 01:30',
      'America/New_York',
      '2026-10-31T12:00:00-04:00',
      ['2026-11-01T01:30:00-04:00', '2026-11-02T01:30:00-05:00'],
    ],
    [
      '30 2 * * *',
      'Europe/Berlin',
      '2026-10-24T12:00:00+02:00',
      ['2026-10-25T02:30:00+02:00', '2026-10-26T02:30:00+01:00'],
    ],
    [
      'daily 02:30',
      'Europe/Berlin',
      '2026-10-24T12:00:00+02:00',
      ['2026-10-25T02:30:00+02:00', '2026-10-26T02:30:00+01:00'],
    ],
    [
      '30 2 * * *',
      'Australia/Sydney',
      '2026-04-04T12:00:00+11:00',
      ['2026-04-05T02:30:00+11:00', '2026-04-06T02:30:00+10:00'],
    ],
    [
      'daily 02:30',
      'Australia/Sydney',
      '2026-04-04T12:00:00+11:00',
      ['2026-04-05T02:30:00+11:00', '2026-04-06T02:30:00+10:00'],
    ],
    // A list of hours is still fixed-time.
    [
      '0,30 1 * * *',
      'America/New_York',
      '2026-10-31T12:00:00-04:00',
      ['2026-11-01T01:00:00-04:00', '2026-11-01T01:30:00-04:00', '2026-11-02T01:00:00-05:00'],
    ],
  ])('%s in %s', (schedule, tz, after, expected) => {
    expect(upcomingIn(schedule, tz, after, expected.length)).toEqual(isos(expected));
  });

  test('asked during the second pass, it does not fire again that day', () => {
    expect(upcomingIn('30 1 * * *', 'America/New_York', '2026-11-01T01:10:00-05:00', 1)).toEqual(
      isos(['2026-11-02T01:30:00-05:00']),
    );
  });
});

describe('fall back: a wildcard job fires on both passes, in instant order', () => {
  test('*/30 * * * * in New York: 01:00 EDT, 01:30 EDT, 01:00 EST, 01:30 EST, 02:00 EST', () => {
    expect(upcomingIn('*/30 * * * *', 'America/New_York', '2026-11-01T00:45:00-04:00', 5)).toEqual(
      isos([
        '2026-11-01T01:00:00-04:00',
        '2026-11-01T01:30:00-04:00',
        '2026-11-01T01:00:00-05:00',
        '2026-11-01T01:30:00-05:00',
        '2026-11-01T02:00:00-05:00',
      ]),
    );
  });

  test('the minimum instant: after 01:30 EDT comes 01:00 EST, not 02:00', () => {
    expect(upcomingIn('*/30 * * * *', 'America/New_York', '2026-11-01T01:30:00-04:00', 1)).toEqual(
      isos(['2026-11-01T01:00:00-05:00']),
    );
  });

  test.each([
    [
      '*/30 2 * * *',
      'Europe/Berlin',
      '2026-10-25T01:00:00+02:00',
      [
        '2026-10-25T02:00:00+02:00',
        '2026-10-25T02:30:00+02:00',
        '2026-10-25T02:00:00+01:00',
        '2026-10-25T02:30:00+01:00',
        '2026-10-26T02:00:00+01:00',
      ],
    ],
    [
      '*/30 2 * * *',
      'Australia/Sydney',
      '2026-04-05T01:00:00+11:00',
      [
        '2026-04-05T02:00:00+11:00',
        '2026-04-05T02:30:00+11:00',
        '2026-04-05T02:00:00+10:00',
        '2026-04-05T02:30:00+10:00',
        '2026-04-06T02:00:00+10:00',
      ],
    ],
    [
      '0 * * * *',
      'America/New_York',
      '2026-11-01T00:30:00-04:00',
      ['2026-11-01T01:00:00-04:00', '2026-11-01T01:00:00-05:00', '2026-11-01T02:00:00-05:00'],
    ],
  ])('%s in %s', (schedule, tz, after, expected) => {
    expect(upcomingIn(schedule, tz, after, expected.length)).toEqual(isos(expected));
  });

  test('a second field starting with "*" makes a job wildcard too (*/30 30 1 * * *)', () => {
    const runs = upcomingIn('*/30 30 1 * * *', 'America/New_York', '2026-11-01T01:29:59-04:00', 4);
    expect(runs).toEqual(
      isos([
        '2026-11-01T01:30:00-04:00',
        '2026-11-01T01:30:30-04:00',
        '2026-11-01T01:30:00-05:00',
        '2026-11-01T01:30:30-05:00',
      ]),
    );
  });
});

describe('a repeated hour across midnight (America/Goose_Bay, 1987-10-25 00:01 ADT -> 23:01 AST)', () => {
  test("wildcard: the previous day's second pass comes next", () => {
    expect(upcomingIn('*/10 * * * *', 'America/Goose_Bay', '1987-10-25T00:00:00-03:00', 3)).toEqual(
      isos(['1987-10-24T23:10:00-04:00', '1987-10-24T23:20:00-04:00', '1987-10-24T23:30:00-04:00']),
    );
  });

  test('fixed-time: no second run of 23:10', () => {
    expect(upcomingIn('10 23 * * *', 'America/Goose_Bay', '1987-10-24T23:10:00-03:00', 1)).toEqual(
      isos(['1987-10-25T23:10:00-04:00']),
    );
  });
});

describe('no DST: Asia/Kolkata (+05:30)', () => {
  test('0 9 * * * is 03:30Z', () => {
    expect(upcomingIn('0 9 * * *', 'Asia/Kolkata', '2026-03-08T00:00:00Z', 2)).toEqual(
      isos(['2026-03-08T09:00:00+05:30', '2026-03-09T09:00:00+05:30']),
    );
    expect(upcomingIn('0 9 * * *', 'Asia/Kolkata', '2026-03-08T00:00:00Z', 1)).toEqual(['2026-03-08T03:30:00.000Z']);
  });

  test('half-hour zones with DST: Australia/Adelaide springs forward 02:00 -> 03:00 on Oct 4', () => {
    expect(upcomingIn('30 2 * * *', 'Australia/Adelaide', '2026-10-03T12:00:00+09:30', 2)).toEqual(
      isos(['2026-10-04T03:00:00+10:30', '2026-10-05T02:30:00+10:30']),
    );
  });
});
