// Issue 17.1: the RRULE text. Valid forms give the spec rrule-next.ts expands; every error names
// the part and carries the 0-based offset of the wrong part or item in the text as written
// (config/ turns it into a column: test/config/rrule-column.test.ts).
import { describe, expect, test } from 'vitest';
import { suggestSimilar } from '../../src/config/suggest.js';
import { DEFAULT_RRULE_START, MAX_RRULE_COUNT, parseRrule } from '../../src/schedule/rrule-parse.js';
import type { RruleSpec } from '../../src/schedule/types.js';

function parsed(raw: string): RruleSpec {
  const result = parseRrule(raw, undefined, suggestSimilar);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(raw)} to parse: ${result.message}`);
  return result.value;
}

function failure(raw: unknown): [string, number | undefined] {
  const result = parseRrule(raw, undefined, suggestSimilar);
  if (result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
  return [result.message, result.offset];
}

describe('valid rules', () => {
  test('the last weekday of the month at 18:00: defaults filled, lists sorted', () => {
    expect(parsed('FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=18;BYMINUTE=0')).toEqual({
      kind: 'rrule',
      rule: 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=18;BYMINUTE=0',
      start: DEFAULT_RRULE_START,
      startGiven: false,
      freq: 'MONTHLY',
      interval: 1,
      count: null,
      until: null,
      wkst: 0,
      bySecond: [],
      byMinute: [0],
      byHour: [18],
      byDay: [0, 1, 2, 3, 4].map((weekday) => ({ weekday, ordinal: null })),
      byMonthDay: [],
      byYearDay: [],
      byWeekNo: [],
      byMonth: [],
      bySetPos: [-1],
    });
  });

  test('"RRULE:" prefix, lower case names and values, blanks around parts, a trailing ";"', () => {
    const spec = parsed('  rrule:freq=weekly; interval=2 ;byday=fr,mo;wkst=su; ');
    expect(spec).toMatchObject({ rule: 'freq=weekly; interval=2 ;byday=fr,mo;wkst=su;', freq: 'WEEKLY' });
    expect(spec).toMatchObject({ interval: 2, wkst: 6 });
    expect(spec.byDay).toEqual([
      { weekday: 0, ordinal: null },
      { weekday: 4, ordinal: null },
    ]);
  });

  test('ordinals, signed numbers, duplicates dropped', () => {
    const spec = parsed('FREQ=YEARLY;BYMONTH=3,10,3;BYDAY=-1SU,+2MO,SU;BYMONTHDAY=+1,-1,15;BYSETPOS=1,-1');
    expect(spec.byMonth).toEqual([3, 10]);
    expect(spec.byDay).toEqual([
      { weekday: 0, ordinal: 2 },
      { weekday: 6, ordinal: null },
      { weekday: 6, ordinal: -1 },
    ]);
    expect(spec.byMonthDay).toEqual([-1, 1, 15]);
    expect(spec.bySetPos).toEqual([-1, 1]);
  });

  test.each([
    ['UNTIL=20261231', { wall: { year: 2026, month: 12, day: 31, hour: 0, minute: 0, second: 0 } }],
    ['UNTIL=20261231T235930', { wall: { year: 2026, month: 12, day: 31, hour: 23, minute: 59, second: 30 } }],
    ['UNTIL=20261231T235930Z', { instant: Date.UTC(2026, 11, 31, 23, 59, 30) }],
  ])('%s', (until, expected) => {
    expect(parsed(`FREQ=DAILY;${until}`).until).toEqual(expected);
  });

  test('COUNT up to the cap; BYWEEKNO and BYYEARDAY with YEARLY; every frequency', () => {
    expect(parsed(`FREQ=DAILY;COUNT=${MAX_RRULE_COUNT}`).count).toBe(MAX_RRULE_COUNT);
    expect(parsed('FREQ=YEARLY;BYWEEKNO=1,-1;BYDAY=MO').byWeekNo).toEqual([-1, 1]);
    expect(parsed('FREQ=YEARLY;BYYEARDAY=-366,366').byYearDay).toEqual([-366, 366]);
    for (const freq of ['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY', 'MINUTELY', 'SECONDLY'])
      expect(parsed(`FREQ=${freq}`).freq).toBe(freq);
  });

  test('start: the DTSTART given, startGiven true', () => {
    const start = { year: 2026, month: 1, day: 1, hour: 9, minute: 30, second: 0 };
    const result = parseRrule('FREQ=DAILY', start);
    expect(result.ok && result.value).toMatchObject({ start, startGiven: true });
  });
});

describe('each error names the part and points at it', () => {
  test.each([
    // [rule, message, offset]
    [
      'BYDAY=MO',
      'rrule needs a "FREQ" part (YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY, MINUTELY, SECONDLY), got "BYDAY=MO"',
      0,
    ],
    [
      'FREQ=FORTNIGHTLY',
      'rrule part "FREQ": expected one of YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY, MINUTELY, SECONDLY, ' +
        'got "FORTNIGHTLY"',
      5,
    ],
    ['FREQ=DAILY;BYDAYS=MO', 'unknown rrule part "BYDAYS" (did you mean "BYDAY")', 11],
    [
      'FREQ=DAILY;X-NAME=1',
      'unknown rrule part "X-NAME"; the parts are FREQ, INTERVAL, COUNT, UNTIL, BYSECOND, BYMINUTE, ' +
        'BYHOUR, BYDAY, BYMONTHDAY, BYYEARDAY, BYWEEKNO, BYMONTH, BYSETPOS, WKST',
      11,
    ],
    ['FREQ=DAILY;BYHOUR=1;byhour=2', 'rrule part "BYHOUR" is given twice', 20],
    [
      'FREQ=DAILY;;BYHOUR=1',
      'rrule has an empty part: expected an RFC 5545 rule like "FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=18"',
      11,
    ],
    ['FREQ=DAILY;BYHOUR', 'rrule part "BYHOUR" has no value: expected NAME=VALUE', 11],
    ['FREQ=DAILY;BYHOUR=', 'rrule part "BYHOUR" has an empty value', 18],
    ['FREQ=DAILY;INTERVAL=0', 'rrule part "INTERVAL": must be at least 1, got 0', 20],
    ['FREQ=DAILY;INTERVAL=2x', 'rrule part "INTERVAL": expected a whole number >= 1, got "2X"', 20],
    [
      'FREQ=DAILY;COUNT=100001',
      'rrule part "COUNT": at most 100,000 occurrences (taskkit keeps the occurrences of a COUNT rule), got 100001',
      17,
    ],
    [
      'FREQ=DAILY;COUNT=2;UNTIL=20260101',
      'rrule parts "COUNT" and "UNTIL" exclude each other (RFC 5545): give one of them',
      19,
    ],
    [
      'FREQ=DAILY;UNTIL=2026-01-01',
      'rrule part "UNTIL": expected a date "YYYYMMDD" or a date-time "YYYYMMDDTHHMMSS" (local) or ' +
        '"...Z" (UTC), got "2026-01-01"',
      17,
    ],
    ['FREQ=DAILY;UNTIL=20260230', 'rrule part "UNTIL": no such date: "20260230"', 17],
    [
      'FREQ=DAILY;UNTIL=19991230T120000Z',
      'rrule never fires: UNTIL "19991230T120000Z" is before its start 2000-01-01 00:00:00',
      17,
    ],
    [
      'FREQ=DAILY;BYSECOND=0,60',
      'rrule part "BYSECOND": 60 is a leap second, which no clock taskkit reads ever shows (use 0-59)',
      22,
    ],
    ['FREQ=DAILY;BYMINUTE=0,30,60', 'rrule part "BYMINUTE" out of range (0-59): 60', 25],
    ['FREQ=DAILY;BYHOUR=9, 24', 'rrule part "BYHOUR" out of range (0-23): 24', 21],
    ['FREQ=DAILY;BYHOUR=-1', 'rrule part "BYHOUR": expected a whole number, got "-1"', 18],
    // A cron habit: a range is spelled out for the user, short ones in full.
    [
      'FREQ=MINUTELY;INTERVAL=15;BYHOUR=9-17',
      'rrule part "BYHOUR": expected a whole number, got "9-17": RFC 5545 has no ranges, list each value ' +
        '(9,10,11,12,13,14,15,16,17)',
      33,
    ],
    [
      'FREQ=HOURLY;BYMINUTE=0-59',
      'rrule part "BYMINUTE": expected a whole number, got "0-59": RFC 5545 has no ranges, list each value',
      21,
    ],
    [
      'FREQ=WEEKLY;BYDAY=mo-fr',
      'rrule part "BYDAY": expected a weekday like "MO" or "-1FR" (MO, TU, WE, TH, FR, SA, SU), got "MO-FR": ' +
        'RFC 5545 has no ranges, list each day (MO,TU,WE,TH,FR)',
      18,
    ],
    [
      'FREQ=WEEKLY;BYDAY=FR-MO',
      'rrule part "BYDAY": expected a weekday like "MO" or "-1FR" (MO, TU, WE, TH, FR, SA, SU), got "FR-MO": ' +
        'RFC 5545 has no ranges, list each day (FR,SA,SU,MO)',
      18,
    ],
    ['FREQ=MONTHLY;BYMONTHDAY=1,0', 'rrule part "BYMONTHDAY" out of range (1-31 or -31 to -1): 0', 26],
    ['FREQ=MONTHLY;BYMONTHDAY=-32', 'rrule part "BYMONTHDAY" out of range (1-31 or -31 to -1): -32', 24],
    ['FREQ=YEARLY;BYYEARDAY=367', 'rrule part "BYYEARDAY" out of range (1-366 or -366 to -1): 367', 22],
    ['FREQ=YEARLY;BYWEEKNO=54', 'rrule part "BYWEEKNO" out of range (1-53 or -53 to -1): 54', 21],
    ['FREQ=YEARLY;BYMONTH=13', 'rrule part "BYMONTH" out of range (1-12): 13', 20],
    ['FREQ=MONTHLY;BYDAY=MO;BYSETPOS=367', 'rrule part "BYSETPOS" out of range (1-366 or -366 to -1): 367', 31],
    [
      'FREQ=MONTHLY;BYDAY=MO,XX',
      'rrule part "BYDAY": expected a weekday like "MO" or "-1FR" (MO, TU, WE, TH, FR, SA, SU), got "XX"',
      22,
    ],
    ['FREQ=MONTHLY;BYDAY=-6FR', 'rrule part "BYDAY": ordinal out of range (1-5 or -5 to -1): "-6FR"', 19],
    ['FREQ=YEARLY;BYDAY=54MO', 'rrule part "BYDAY": ordinal out of range (1-53 or -53 to -1): "54MO"', 18],
    [
      'FREQ=WEEKLY;BYDAY=MO,-1FR',
      'rrule part "BYDAY": an ordinal weekday like "-1FR" needs FREQ=MONTHLY or FREQ=YEARLY, not ' +
        'WEEKLY (RFC 5545): "-1FR"',
      21,
    ],
    [
      'FREQ=YEARLY;BYWEEKNO=1;BYDAY=1MO',
      'rrule part "BYDAY": an ordinal weekday like "-1FR" cannot go with BYWEEKNO (RFC 5545): "1MO"',
      29,
    ],
    ['FREQ=MONTHLY;BYWEEKNO=1', 'rrule part "BYWEEKNO" only applies to FREQ=YEARLY (RFC 5545), not MONTHLY', 13],
    [
      'FREQ=MONTHLY;BYYEARDAY=1',
      'rrule part "BYYEARDAY" does not go with FREQ=MONTHLY (RFC 5545): use it with YEARLY, or HOURLY and finer',
      13,
    ],
    [
      'FREQ=WEEKLY;BYMONTHDAY=1',
      'rrule part "BYMONTHDAY" does not go with FREQ=WEEKLY (RFC 5545): use MONTHLY, or DAILY with ' +
        'BYMONTHDAY as a filter',
      12,
    ],
    [
      'FREQ=MONTHLY;BYSETPOS=-1',
      'rrule part "BYSETPOS" needs another BY part to pick from (RFC 5545), e.g. "BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"',
      13,
    ],
    ['FREQ=WEEKLY;WKST=XX', 'rrule part "WKST": expected a weekday (MO, TU, WE, TH, FR, SA, SU), got "XX"', 17],
    ['RRULE:FREQ=DAILY;BYHOUR=25', 'rrule part "BYHOUR" out of range (0-23): 25', 24],
  ])('%s', (rule, message, offset) => {
    expect(failure(rule)).toEqual([message, offset]);
  });

  test('the first problem in the text wins', () => {
    expect(failure('FREQ=DAILY;BYMINUTE=99;BYHOUR=99')).toEqual(['rrule part "BYMINUTE" out of range (0-59): 99', 20]);
  });

  test('not text, or blank', () => {
    expect(failure(5)[0]).toBe('expected an RFC 5545 rule like "FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=18", got 5');
    expect(failure('  ')[0]).toBe('expected an RFC 5545 rule like "FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=18", got "  "');
  });

  test('UNTIL before an explicit start', () => {
    const start = { year: 2026, month: 6, day: 1, hour: 0, minute: 0, second: 0 };
    const result = parseRrule('FREQ=DAILY;UNTIL=20260531T235959', start);
    expect(result.ok ? null : result.message).toBe(
      'rrule never fires: UNTIL "20260531T235959" is before its start 2026-06-01 00:00:00',
    );
  });
});
