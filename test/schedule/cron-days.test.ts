// Issue 13.3: day-of-month `nW` (the weekday nearest the nth, never leaving the month; no day in
// a month without an nth), `LW` (the last weekday) and `L-n` (n days before the last), as Quartz
// and croner 11 define them. Reference: 2026-01-01T00:00Z, a Thursday. 2026: Feb 1, Mar 1 and
// Nov 1 are Sundays, Aug 1 and Aug 15 Saturdays, Jan 31 and Feb 28 Saturdays, May 31 a Sunday.
import { Cron } from 'croner';
import { describe, expect, test } from 'vitest';
import { parseCron } from '../../src/schedule/cron.js';
import { compileSchedule, upcoming } from '../../src/schedule/next.js';

const FROM = '2026-01-01T00:00:00Z';

function days(expression: string, n: number, tz = 'UTC', after = FROM): string[] {
  const parsed = parseCron(expression);
  if (!parsed.ok) throw new Error(parsed.message);
  return upcoming(compileSchedule(parsed.value, tz), Date.parse(after), n).map((t) =>
    new Date(t).toISOString().slice(0, 10),
  );
}

function cronerDays(expression: string, n: number): string[] {
  const job = new Cron(expression, { timezone: 'UTC', paused: true });
  return job.nextRuns(n, new Date(Date.parse(FROM))).map((date) => date.toISOString().slice(0, 10));
}

describe('nW: the nearest weekday, inside the month', () => {
  test('15W: a Saturday 15th runs Friday the 14th, a Sunday 15th Monday the 16th', () => {
    expect(days('0 0 15W * *', 8)).toEqual([
      '2026-01-15',
      '2026-02-16',
      '2026-03-16',
      '2026-04-15',
      '2026-05-15',
      '2026-06-15',
      '2026-07-15',
      '2026-08-14',
    ]);
  });

  test('1W never goes back into the previous month: Saturday 1 August runs Monday the 3rd', () => {
    expect(days('0 0 1W * *', 7)).toEqual([
      '2026-02-02',
      '2026-03-02',
      '2026-04-01',
      '2026-05-01',
      '2026-06-01',
      '2026-07-01',
      '2026-08-03',
    ]);
  });

  test(
    '31W never goes into the next month: Sunday 31 May runs Friday the 29th; ' + 'months without a 31st have no run',
    () => {
      expect(days('0 0 31W * *', 4)).toEqual(['2026-01-30', '2026-03-31', '2026-05-29', '2026-07-31']);
    },
  );

  test('in a list, with plain days: 1,15W', () => {
    expect(days('0 0 1,15W * *', 4)).toEqual(['2026-01-15', '2026-02-01', '2026-02-16', '2026-03-01']);
  });
});

describe('LW and L-n', () => {
  test('LW: the last weekday (Saturday 31 Jan -> 30th, Saturday 28 Feb -> 27th, Sunday 31 May -> 29th)', () => {
    expect(days('0 0 LW * *', 5)).toEqual(['2026-01-30', '2026-02-27', '2026-03-31', '2026-04-30', '2026-05-29']);
  });

  test('L-2: two days before the last day, leap Februaries included', () => {
    expect(days('0 0 L-2 * *', 3)).toEqual(['2026-01-29', '2026-02-26', '2026-03-29']);
    expect(days('0 0 L-2 2 *', 3)).toEqual(['2026-02-26', '2027-02-26', '2028-02-27']);
  });

  test('L-30: only months of 31 days have a day 30 days before their last', () => {
    expect(days('0 0 L-30 * *', 3)).toEqual(['2026-03-01', '2026-05-01', '2026-07-01']);
  });

  test('L-0 is L', () => {
    expect(days('0 0 L-0 * *', 3)).toEqual(days('0 0 L * *', 3));
  });

  test('a day of week restricted too: OR, as for plain days (LW or any Monday)', () => {
    expect(days('0 0 LW * mon', 6)).toEqual([
      '2026-01-05',
      '2026-01-12',
      '2026-01-19',
      '2026-01-26',
      '2026-01-30',
      '2026-02-02',
    ]);
  });

  test(
    'a DST night: L-23 of March 2026 is Sunday the 8th, New York springs forward; ' +
      '02:30 runs at 03:00 EDT (2027: 02:30 EST)',
    () => {
      const parsed = parseCron('30 2 L-23 3 *');
      if (!parsed.ok) throw new Error(parsed.message);
      const runs = upcoming(compileSchedule(parsed.value, 'America/New_York'), Date.parse(FROM), 2);
      expect(runs.map((t) => new Date(t).toISOString())).toEqual([
        '2026-03-08T07:00:00.000Z',
        '2027-03-08T07:30:00.000Z',
      ]);
    },
  );
});

describe('differential: croner 11 gives the same days over two years', () => {
  test.each(['0 0 15W * *', '0 0 1W * *', '0 0 31W * *', '0 0 30W * *', '0 0 LW * *', '0 0 29W 2 *'])(
    '%j',
    (expression) => {
      expect(days(expression, 24)).toEqual(cronerDays(expression, 24));
    },
  );
});
