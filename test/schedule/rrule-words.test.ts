// Issue 17.1: `list` and `show` say an rrule in words, from the parts as python-dateutil expands
// them (DTSTART fills in a day or time the rule leaves open), and fall back to listing the parts
// when no sentence fits; never something the rule does not do.
import { describe, expect, test } from 'vitest';
import { parseCron } from '../../src/schedule/cron.js';
import { describeSchedule } from '../../src/schedule/describe.js';
import { compileSchedule, upcoming } from '../../src/schedule/next.js';
import { parseRrule } from '../../src/schedule/rrule-parse.js';
import type { WallTime } from '../../src/schedule/zoned.js';

const TZ = 'Europe/Berlin';
const at = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0): WallTime => ({
  year,
  month,
  day,
  hour,
  minute,
  second,
});

function words(rule: string, start?: WallTime, tz = TZ): string {
  const parsed = parseRrule(rule, start);
  if (!parsed.ok) throw new Error(parsed.message);
  return describeSchedule(parsed.value, tz, TZ);
}

describe('sentences for the shapes that read naturally', () => {
  test.each([
    ['FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=18', 'monthly on the last weekday at 18:00'],
    ['FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1,-1;BYHOUR=9', 'monthly on the first and last weekday at 09:00'],
    ['FREQ=MONTHLY;BYDAY=SA,SU;BYSETPOS=2;BYHOUR=10', 'monthly on the second weekend day at 10:00'],
    ['FREQ=MONTHLY;BYDAY=MO,WE;BYSETPOS=-2', 'monthly on the second-to-last Monday or Wednesday at 00:00'],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR;BYHOUR=9', 'every 2 weeks on Monday and Friday at 09:00'],
    ['FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;BYHOUR=1', 'yearly on the last Sunday of March at 01:00'],
    ['FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU;BYHOUR=1', 'yearly on the last Sunday of March and October at 01:00'],
    ['FREQ=YEARLY;BYDAY=20MO', 'yearly on the 20th Monday of the year at 00:00'],
    ['FREQ=YEARLY;BYMONTH=12;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1', 'yearly on the last weekday of December at 00:00'],
    ['FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1', 'yearly on the first weekday of the year at 00:00'],
    ['FREQ=MONTHLY;BYDAY=2TU', 'monthly on the second Tuesday at 00:00'],
    ['FREQ=MONTHLY;BYDAY=1MO,-1FR;BYHOUR=8;BYMINUTE=30', 'monthly on the first Monday and the last Friday at 08:30'],
    ['FREQ=MONTHLY;BYDAY=MO', 'monthly on every Monday at 00:00'],
    ['FREQ=MONTHLY;BYMONTHDAY=1,15,-1;BYHOUR=6', 'monthly on the 1st, the 15th and the last day at 06:00'],
    ['FREQ=MONTHLY;BYMONTHDAY=-2', 'monthly on the second-to-last day at 00:00'],
    ['FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR;BYHOUR=13', 'monthly on the 13th if it is a Friday at 13:00'],
    ['FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1', 'every 3 months on the 1st at 00:00'],
    ['FREQ=YEARLY;BYMONTHDAY=15', 'yearly on the 15th of every month at 00:00'],
    ['FREQ=YEARLY;BYYEARDAY=1,-1', 'yearly on day 1 and the last day of the year at 00:00'],
    ['FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO', 'yearly on Monday in week 1 at 00:00'],
    ['FREQ=YEARLY;BYWEEKNO=1,53;WKST=SU', 'yearly in weeks 1 and 53 (weeks starting on Sunday) at 00:00'],
    ['FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9,17;BYMINUTE=0,30', 'daily on weekdays at 09:00, 09:30, 17:00 and 17:30'],
    ['FREQ=DAILY;BYMONTH=6,7,8;BYHOUR=5', 'daily in June, July and August at 05:00'],
    ['FREQ=DAILY;BYSECOND=30', 'daily at 00:00:30'],
    ['FREQ=DAILY;BYMONTHDAY=1', 'daily on the 1st of the month at 00:00'],
    ['FREQ=HOURLY', 'hourly at :00'],
    ['FREQ=HOURLY;BYMINUTE=0,30', 'hourly at :00 and :30'],
    ['FREQ=HOURLY;BYHOUR=9,10,11,12;BYMINUTE=15', 'hourly from 09:15 to 12:15'],
    ['FREQ=HOURLY;INTERVAL=3;BYHOUR=9,12,18', 'every 3 hours at :00, in hours 9, 12 and 18'],
    [
      'FREQ=MINUTELY;INTERVAL=15;BYHOUR=9,10,11,12,13,14,15,16,17;BYDAY=MO,TU,WE,TH,FR',
      'every 15 minutes between 09:00 and 17:45 on weekdays',
    ],
    ['FREQ=MINUTELY;INTERVAL=20', 'every 20 minutes'],
    ['FREQ=MINUTELY;BYHOUR=8,20', 'every minute, in hours 8 and 20'],
    ['FREQ=MINUTELY;INTERVAL=7;BYHOUR=9', 'every 7 minutes, in hour 9'],
    ['FREQ=SECONDLY;INTERVAL=30', 'every 30 seconds'],
    ['FREQ=SECONDLY;BYMINUTE=0;BYSECOND=0,30', 'every second, in minute 0; seconds 0 and 30'],
  ])('%s -> %s', (rule, expected) => {
    expect(words(rule)).toBe(expected);
  });
});

describe("DTSTART's defaults, as dateutil takes them", () => {
  test.each<[string, WallTime, string]>([
    ['FREQ=DAILY', at(2026, 1, 1, 9, 30), 'daily at 09:30 from 2026-01-01 09:30'],
    ['FREQ=WEEKLY', at(2026, 1, 7, 9), 'weekly on Wednesday at 09:00 from 2026-01-07 09:00'],
    ['FREQ=MONTHLY', at(2026, 1, 31, 7), 'monthly on the 31st at 07:00 from 2026-01-31 07:00'],
    ['FREQ=YEARLY', at(2026, 2, 28, 12), 'yearly on the 28th of February at 12:00 from 2026-02-28 12:00'],
    ['FREQ=YEARLY;BYMONTH=7', at(2026, 1, 4), 'yearly on the 4th of July at 00:00 from 2026-01-04 00:00'],
    [
      'FREQ=MINUTELY;INTERVAL=15;BYHOUR=9,10',
      at(2026, 1, 1, 0, 5),
      'every 15 minutes between 09:05 and 10:50 from 2026-01-01 00:05',
    ],
    ['FREQ=MINUTELY;INTERVAL=10', at(2026, 1, 1, 0, 0, 30), 'every 10 minutes at second 30 from 2026-01-01 00:00:30'],
  ])('%s from %j -> %s', (rule, start, expected) => {
    expect(words(rule, start)).toBe(expected);
  });
});

describe('COUNT, UNTIL and the zone', () => {
  test.each([
    ['FREQ=DAILY;BYHOUR=3;COUNT=10', 'daily at 03:00, 10 times'],
    ['FREQ=DAILY;BYHOUR=3;COUNT=1', 'daily at 03:00, once'],
    ['FREQ=DAILY;BYHOUR=3;UNTIL=20261231', 'daily at 03:00, until 2026-12-31 00:00'],
    ['FREQ=DAILY;BYHOUR=3;UNTIL=20261231T235959', 'daily at 03:00, until 2026-12-31 23:59:59'],
    // An instant, shown in the task's zone (UTC+1 in winter).
    ['FREQ=DAILY;BYHOUR=3;UNTIL=20261231T120000Z', 'daily at 03:00, until 2026-12-31 13:00'],
  ])('%s -> %s', (rule, expected) => {
    expect(words(rule)).toBe(expected);
  });

  test('the zone is named when it is not the default, as for the other kinds', () => {
    expect(words('FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=18', at(2026, 1, 1), 'America/New_York')).toBe(
      'monthly on the last Friday at 18:00 from 2026-01-01 00:00 (America/New_York)',
    );
  });
});

describe('no sentence fits: the parts in words', () => {
  test.each([
    // BYSETPOS over several times a day picks among times, not days.
    [
      'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=9,17',
      'monthly with weekdays Monday, Tuesday, Wednesday, Thursday and Friday; hours 9 and 17; ' +
        'positions -1 of each month',
    ],
    // A yearly BYSETPOS over two months picks within the year: only October's last weekday.
    [
      'FREQ=YEARLY;BYMONTH=3,10;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
      'yearly with months March and October; weekdays Monday, Tuesday, Wednesday, Thursday and Friday; ' +
        'positions -1 of each year',
    ],
    ['FREQ=DAILY;BYHOUR=8,9,10,11,12,13,14', 'daily with hours 8, 9, 10, 11, 12, 13 and 14'],
    ['FREQ=MONTHLY;BYMONTHDAY=1;BYDAY=-1FR', 'monthly with days of the month 1; weekdays last Friday'],
    ['FREQ=HOURLY;BYSETPOS=1;BYMINUTE=0,30', 'hourly with minutes 0 and 30; positions 1 of each hour'],
  ])('%s -> %s', (rule, expected) => {
    expect(words(rule)).toBe(expected);
  });
});

describe('the words mean what the rule does: the cron line saying the same fires at the same instants', () => {
  test.each([
    ['FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=18', 'monthly on the last weekday at 18:00', '0 18 LW * *'],
    ['FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;BYHOUR=1', 'yearly on the last Sunday of March at 01:00', '0 1 * 3 0L'],
    [
      'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9,17;BYMINUTE=0,30',
      'daily on weekdays at 09:00, 09:30, 17:00 and 17:30',
      '0,30 9,17 * * 1-5',
    ],
    [
      'FREQ=MINUTELY;INTERVAL=15;BYHOUR=9,10,11,12,13,14,15,16,17;BYDAY=MO,TU,WE,TH,FR',
      'every 15 minutes between 09:00 and 17:45 on weekdays',
      '*/15 9-17 * * 1-5',
    ],
    [
      'FREQ=MONTHLY;BYMONTHDAY=1,15,-1;BYHOUR=6',
      'monthly on the 1st, the 15th and the last day at 06:00',
      '0 6 1,15,L * *',
    ],
    ['FREQ=MONTHLY;BYDAY=2TU', 'monthly on the second Tuesday at 00:00', '0 0 * * 2#2'],
  ])('%s', (rule, sentence, cron) => {
    const spec = parseRrule(rule, undefined);
    const cronSpec = parseCron(cron);
    if (!spec.ok || !cronSpec.ok) throw new Error('a sample does not parse');
    expect(describeSchedule(spec.value, TZ, TZ)).toBe(sentence);
    const from = Date.parse('2026-01-01T00:00:00Z');
    const count = rule.startsWith('FREQ=MINUTELY') ? 500 : 40;
    expect(upcoming(compileSchedule(spec.value, TZ), from, count)).toEqual(
      upcoming(compileSchedule(cronSpec.value, TZ), from, count),
    );
  });
});
