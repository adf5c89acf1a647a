// DESIGN.md "Schedule semantics", cron days: day-of-month and day-of-week combine with OR only
// when neither field starts with `*` (Vixie cron), else AND; 0 and 7 are Sunday; L, 5L and 1#2;
// leap years and month ends. Where cron-parser's own next() differs, the difference is pinned.
import { CronExpressionParser } from 'cron-parser';
import { describe, expect, test } from 'vitest';
import { compileCron, parseCron } from '../../src/schedule/cron.js';
import { upcoming, compileSchedule } from '../../src/schedule/next.js';
import type { CronSpec } from '../../src/schedule/types.js';

const ms = (iso: string): number => Date.parse(iso);
const isos = (instants: readonly number[]): string[] => instants.map((t) => new Date(t).toISOString());

function cron(expression: string): CronSpec {
  const parsed = parseCron(expression);
  if (!parsed.ok || parsed.value.kind !== 'cron') throw new Error(`bad expression ${expression}`);
  return parsed.value;
}

function next(expression: string, after: string, n: number, tz = 'UTC'): string[] {
  return isos(upcoming(compileSchedule(cron(expression), tz), ms(after), n));
}

function cronParserNext(expression: string, after: string, n: number, tz = 'UTC'): string[] {
  const parsed = CronExpressionParser.parse(expression, { currentDate: new Date(ms(after)), tz });
  return Array.from({ length: n }, () => parsed.next().toISOString() ?? '');
}

describe('Vixie day-of-month / day-of-week rule', () => {
  test('both restricted: OR (the 1st, or any Monday)', () => {
    expect(next('0 0 1 * 1', '2026-01-26T00:00:00Z', 3)).toEqual([
      '2026-02-01T00:00:00.000Z',
      '2026-02-02T00:00:00.000Z',
      '2026-02-09T00:00:00.000Z',
    ]);
  });

  test('day-of-month starts with "*" (*/2): AND, where cron-parser ORs', () => {
    // Odd days that are Mondays: Jan 5 and Jan 19 2026, then Feb 9 and Feb 23.
    const ours = ['2026-01-05T00:00:00.000Z', '2026-01-19T00:00:00.000Z', '2026-02-09T00:00:00.000Z'];
    expect(next('0 0 */2 * 1', '2026-01-01T00:00:00Z', 3)).toEqual(ours);
    expect(cronParserNext('0 0 */2 * 1', '2026-01-01T00:00:00Z', 3)).toEqual([
      '2026-01-03T00:00:00.000Z',
      '2026-01-05T00:00:00.000Z',
      '2026-01-07T00:00:00.000Z',
    ]);
  });

  test('day-of-week starts with "*" (*/5 = Sun, Fri): AND with the 13th, where cron-parser ORs', () => {
    expect(next('0 0 13 * */5', '2026-01-01T00:00:00Z', 2)).toEqual([
      '2026-02-13T00:00:00.000Z',
      '2026-03-13T00:00:00.000Z',
    ]);
    expect(cronParserNext('0 0 13 * */5', '2026-01-01T00:00:00Z', 2)).toEqual([
      '2026-01-02T00:00:00.000Z',
      '2026-01-04T00:00:00.000Z',
    ]);
  });

  test('a range like 1-31/2 does not start with "*": OR', () => {
    expect(next('0 0 1-31/2 * 1', '2026-01-01T00:00:00Z', 3)).toEqual([
      '2026-01-03T00:00:00.000Z',
      '2026-01-05T00:00:00.000Z',
      '2026-01-07T00:00:00.000Z',
    ]);
  });

  test('"?" counts as "*": AND', () => {
    expect(next('0 0 ? * mon', '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-05T00:00:00.000Z']);
  });

  test.each(['0 0 * * 0', '0 0 * * 7', '0 0 * * sun'])('0 and 7 are both Sunday (%s)', (expression) => {
    expect(next(expression, '2026-01-01T00:00:00Z', 2)).toEqual([
      '2026-01-04T00:00:00.000Z',
      '2026-01-11T00:00:00.000Z',
    ]);
  });
});

describe('L, nL and #', () => {
  test('L in day-of-month: the last day of each month', () => {
    expect(next('0 0 L * *', '2026-01-01T00:00:00Z', 3)).toEqual([
      '2026-01-31T00:00:00.000Z',
      '2026-02-28T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
    ]);
  });

  test('L in February of a leap year is the 29th', () => {
    expect(next('0 0 L 2 *', '2026-03-01T00:00:00Z', 2)).toEqual([
      '2027-02-28T00:00:00.000Z',
      '2028-02-29T00:00:00.000Z',
    ]);
  });

  test('5L: the last Friday', () => {
    expect(next('0 0 * * 5L', '2026-01-01T00:00:00Z', 3)).toEqual([
      '2026-01-30T00:00:00.000Z',
      '2026-02-27T00:00:00.000Z',
      '2026-03-27T00:00:00.000Z',
    ]);
  });

  test('1#2: the second Monday', () => {
    expect(next('0 0 * * 1#2', '2026-01-01T00:00:00Z', 3)).toEqual([
      '2026-01-12T00:00:00.000Z',
      '2026-02-09T00:00:00.000Z',
      '2026-03-09T00:00:00.000Z',
    ]);
  });

  test('0#5 in February: only when February has five Sundays (leap year starting on Sunday)', () => {
    expect(next('0 0 * 2 0#5', '2026-01-01T00:00:00Z', 1)).toEqual(['2032-02-29T00:00:00.000Z']);
  });
});

describe('leap years and month ends', () => {
  test('0 0 29 2 *: the next Feb 29 from 2026 is in 2028', () => {
    expect(next('0 0 29 2 *', '2026-01-01T00:00:00Z', 2)).toEqual([
      '2028-02-29T00:00:00.000Z',
      '2032-02-29T00:00:00.000Z',
    ]);
  });

  test('0 0 31 * *: skips the 30-day months and February', () => {
    expect(next('0 0 31 * *', '2026-01-01T00:00:00Z', 4)).toEqual([
      '2026-01-31T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
      '2026-05-31T00:00:00.000Z',
      '2026-07-31T00:00:00.000Z',
    ]);
  });

  test('year end rolls over', () => {
    expect(next('@yearly', '2026-06-01T00:00:00Z', 2)).toEqual([
      '2027-01-01T00:00:00.000Z',
      '2028-01-01T00:00:00.000Z',
    ]);
  });
});

describe('times and strictly-after', () => {
  test('six fields: seconds first', () => {
    expect(next('*/20 0 12 * * *', '2026-01-01T12:00:00Z', 3)).toEqual([
      '2026-01-01T12:00:20.000Z',
      '2026-01-01T12:00:40.000Z',
      '2026-01-02T12:00:00.000Z',
    ]);
  });

  test('next is strictly after, also from mid-second instants', () => {
    expect(next('*/15 * * * *', '2026-01-01T00:15:00Z', 1)).toEqual(['2026-01-01T00:30:00.000Z']);
    expect(next('*/15 * * * *', '2026-01-01T00:14:59.999Z', 1)).toEqual(['2026-01-01T00:15:00.000Z']);
  });

  test('ranges, steps and lists across hour and day ends', () => {
    expect(next('0-59/20 9-10 * * mon-fri', '2026-01-02T10:41:00Z', 3)).toEqual([
      '2026-01-05T09:00:00.000Z',
      '2026-01-05T09:20:00.000Z',
      '2026-01-05T09:40:00.000Z',
    ]);
  });

  test('matches cron-parser where no DST or day rule is involved', () => {
    for (const expression of ['*/7 3-5 * * *', '15 10 1,15 * *', '0 0 * * 1-5', '0 */6 * jun-aug *']) {
      expect(next(expression, '2026-01-01T00:00:00Z', 20)).toEqual(
        cronParserNext(expression, '2026-01-01T00:00:00Z', 20),
      );
    }
  });

  test('compileCron shares one program per expression', () => {
    const spec = cron('0 9 * * 1-5');
    expect(compileCron(spec, 'UTC').next(ms('2026-01-01T00:00:00Z'))).toBe(ms('2026-01-01T09:00:00Z'));
  });
});
