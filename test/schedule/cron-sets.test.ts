// Issue 13.3: a cron list is a set, as in cronie: repeated or overlapping items (`0,7`, `sun,7`,
// `1-5,3`, `*/15,30`, `9-17,12`, `jan,1`) are accepted and mean their union; a day-of-week range
// ending on Sunday (`fri-sun`, `5-0`) ends at 7 (cronie's entry.c get_range). The `*` prefix of
// the text as written still decides the dom/dow OR rule and the fixed/wildcard DST rule.
// Reference: 2026-01-01T00:00Z, a Thursday.
import { CronExpressionParser } from 'cron-parser';
import { describe, expect, test } from 'vitest';
import { parseCron } from '../../src/schedule/cron.js';
import { compileSchedule, upcoming } from '../../src/schedule/next.js';

const FROM = '2026-01-01T00:00:00Z';
const isos = (values: readonly string[]): string[] => values.map((value) => new Date(value).toISOString());

function next(expression: string, n: number, tz = 'UTC', after = FROM): string[] {
  const parsed = parseCron(expression);
  if (!parsed.ok) throw new Error(parsed.message);
  return upcoming(compileSchedule(parsed.value, tz), Date.parse(after), n).map((t) => new Date(t).toISOString());
}

function cronParserNext(expression: string, n: number, tz = 'UTC', after = FROM): string[] {
  const iterator = CronExpressionParser.parse(expression, { currentDate: new Date(Date.parse(after)), tz });
  return Array.from({ length: n }, () => iterator.next().toISOString() ?? '');
}

describe('repeated and overlapping items are a set', () => {
  test.each([
    ['0 6 * * 0,7', ['2026-01-04T06:00Z', '2026-01-11T06:00Z', '2026-01-18T06:00Z']],
    ['0 6 * * sun,7', ['2026-01-04T06:00Z', '2026-01-11T06:00Z', '2026-01-18T06:00Z']],
    [
      '1-5,3 * * * *',
      [
        '2026-01-01T00:01Z',
        '2026-01-01T00:02Z',
        '2026-01-01T00:03Z',
        '2026-01-01T00:04Z',
        '2026-01-01T00:05Z',
        '2026-01-01T01:01Z',
      ],
    ],
    ['*/15,30 * * * *', ['2026-01-01T00:15Z', '2026-01-01T00:30Z', '2026-01-01T00:45Z', '2026-01-01T01:00Z']],
    ['0 0 1 jan,1 *', ['2027-01-01T00:00Z', '2028-01-01T00:00Z']],
  ])('%j', (expression, expected) => {
    expect(next(expression, expected.length)).toEqual(isos(expected));
  });

  test('0 9-17,12 * * *: each hour from 9 to 17 once, then the next day', () => {
    const hours = [9, 10, 11, 12, 13, 14, 15, 16, 17].map((hour) => `2026-01-01T${String(hour).padStart(2, '0')}:00Z`);
    expect(next('0 9-17,12 * * *', 10)).toEqual(isos([...hours, '2026-01-02T09:00Z']));
  });
});

describe('a day-of-week range ending on Sunday ends at 7 (cronie)', () => {
  test.each(['0 22 * * fri-sun', '0 22 * * 5-0', '0 22 * * FRI-SUN', '0 22 * * 5-7'])(
    '%j: Friday, Saturday, Sunday',
    (expression) => {
      expect(next(expression, 4)).toEqual(
        isos(['2026-01-02T22:00Z', '2026-01-03T22:00Z', '2026-01-04T22:00Z', '2026-01-09T22:00Z']),
      );
    },
  );

  test('mon-sun is every day', () => {
    expect(next('0 0 * * mon-sun', 7)).toEqual(
      isos(['02', '03', '04', '05', '06', '07', '08'].map((day) => `2026-01-${day}T00:00Z`)),
    );
  });
});

describe('the "*" prefix of the text as written still decides', () => {
  test('0 0 */10,5 * 0,7: day-of-month starts with "*": AND (days 1, 5, 11, 21, 31 that are Sundays)', () => {
    expect(next('0 0 */10,5 * 0,7', 4)).toEqual(
      isos(['2026-01-11T00:00Z', '2026-02-01T00:00Z', '2026-03-01T00:00Z', '2026-04-05T00:00Z']),
    );
  });

  test('0 0 5,10,5 * sun,7: both restricted: OR (the 5th, the 10th, or a Sunday)', () => {
    expect(next('0 0 5,10,5 * sun,7', 4)).toEqual(
      isos(['2026-01-04T00:00Z', '2026-01-05T00:00Z', '2026-01-10T00:00Z', '2026-01-11T00:00Z']),
    );
  });

  test('fixed-time with repeated hours (30 2,2-3 * * *): the spring-forward gap time runs once at its end', () => {
    const runs = next('30 2,2-3 * * *', 4, 'America/New_York', '2026-03-07T12:00:00-05:00');
    expect(runs).toEqual(
      isos([
        '2026-03-08T03:00:00-04:00',
        '2026-03-08T03:30:00-04:00',
        '2026-03-09T02:30:00-04:00',
        '2026-03-09T03:30:00-04:00',
      ]),
    );
  });

  test('wildcard with an overlapping list (*/30,0 2 * * *): gap times are skipped', () => {
    const runs = next('*/30,0 2 * * *', 2, 'America/New_York', '2026-03-07T12:00:00-05:00');
    expect(runs).toEqual(isos(['2026-03-09T02:00:00-04:00', '2026-03-09T02:30:00-04:00']));
  });

  test('fall back: 30 1 * * 0,7 on Sunday 2026-11-01 runs once, on the first pass', () => {
    const runs = next('30 1 * * 0,7', 2, 'America/New_York', '2026-10-31T12:00:00-04:00');
    expect(runs).toEqual(isos(['2026-11-01T01:30:00-04:00', '2026-11-08T01:30:00-05:00']));
  });
});

describe('differential: the same instants as cron-parser for the equivalent list it accepts', () => {
  test.each([
    ['0 6 * * 0,7', '0 6 * * 0'],
    ['0 6 * * sun,7', '0 6 * * 0'],
    ['1-5,3 * * * *', '1-5 * * * *'],
    ['*/15,30 * * * *', '*/15 * * * *'],
    ['0 9-17,12 * * *', '0 9-17 * * *'],
    ['0 0 1 jan,1 *', '0 0 1 1 *'],
    ['0 22 * * fri-sun', '0 22 * * 5-7'],
    ['0 22 * * 5-0', '0 22 * * 5-7'],
  ])('%j = cron-parser %j (UTC and Asia/Tokyo, 40 instants)', (ours, theirs) => {
    for (const tz of ['UTC', 'Asia/Tokyo']) expect(next(ours, 40, tz)).toEqual(cronParserNext(theirs, 40, tz));
  });
});
