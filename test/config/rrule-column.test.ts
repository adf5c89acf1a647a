// DESIGN.md "The tasks file": errors name the file, line and column. An rrule error points at the
// wrong part or item inside the rule when the source shows the string as it is (plain or quoted
// without escapes), as a cron error does (cron-column.test.ts); `start:` is the rule's DTSTART.
import { describe, expect, test } from 'vitest';
import { fileOf, issuesOf, summarize } from '../support/config-issues.js';

const task = (...lines: string[]): string[] => ['tasks:', '  m:', ...lines, '    run: echo hi'];

describe('an rrule error points at its part', () => {
  test.each([
    ['    rrule: FREQ=DAILY;BYHOUR=24', 30, 'rrule part "BYHOUR" out of range (0-23): 24'],
    ['    rrule: "FREQ=DAILY;BYHOUR=9,24"', 33, 'rrule part "BYHOUR" out of range (0-23): 24'],
    [
      "    rrule: 'RRULE:FREQ=MONTHLY;BYDAY=-6FR'",
      38,
      'rrule part "BYDAY": ordinal out of range (1-5 or -5 to -1): "-6FR"',
    ],
    ['    rrule: "FREQ=DAILY;BYDAYS=MO"', 24, 'unknown rrule part "BYDAYS" (did you mean "BYDAY")'],
    [
      '    rrule: "FREQ=DAILY;COUNT=3;UNTIL=20270101"',
      32,
      'rrule parts "COUNT" and "UNTIL" exclude each other (RFC 5545): give one of them',
    ],
    [
      '    rrule: "BYHOUR=9"',
      13,
      'rrule needs a "FREQ" part (YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY, MINUTELY, SECONDLY), got "BYHOUR=9"',
    ],
    [
      '    rrule: "FREQ=WEEKLY;BYWEEKNO=1"',
      25,
      'rrule part "BYWEEKNO" only applies to FREQ=YEARLY (RFC 5545), not WEEKLY',
    ],
  ])('%s -> column %d', (line, column, message) => {
    expect(summarize(issuesOf(task(line)))).toEqual([['invalid-value', 3, column, 'm', message]]);
  });

  test("an escape before the part: the value's start", () => {
    expect(summarize(issuesOf(task('    rrule: "\\x46REQ=DAILY;BYHOUR=24"')))).toEqual([
      ['invalid-value', 3, 12, 'm', 'rrule part "BYHOUR" out of range (0-23): 24'],
    ]);
  });
});

describe('start is the DTSTART of an rrule', () => {
  test('a local wall time of the task zone', () => {
    const file = fileOf(task('    timezone: America/New_York', '    rrule: FREQ=DAILY', '    start: 2026-03-08T02:30'));
    expect(file.tasks[0]?.schedule).toMatchObject({
      kind: 'rrule',
      start: { year: 2026, month: 3, day: 8, hour: 2, minute: 30, second: 0 },
      startGiven: true,
    });
  });

  test('a bad start is reported at start, and the rule is not judged against it', () => {
    expect(summarize(issuesOf(task('    rrule: FREQ=DAILY;UNTIL=20260101', '    start: 2026-02-30')))).toEqual([
      ['invalid-value', 4, 12, 'm', 'no such date: "2026-02-30"'],
    ]);
  });

  test('start with a schedule it does not apply to', () => {
    expect(summarize(issuesOf(task('    daily: "03:00"', '    start: 2026-01-01')))).toEqual([
      ['conflict', 4, 5, 'm', '"start" only applies to "every" and "rrule"'],
    ]);
  });

  test('rrule beside another schedule', () => {
    expect(summarize(issuesOf(task('    cron: "0 9 * * *"', '    rrule: FREQ=DAILY')))).toEqual([
      ['conflict', 4, 5, 'm', 'give at most one schedule (every, daily, at, cron or rrule); found "cron", "rrule"'],
    ]);
  });
});
