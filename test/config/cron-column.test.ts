// DESIGN.md "The tasks file": errors name the file, line and column. A cron error points at the
// faulty field inside the expression when the source shows the string as it is (plain or quoted
// without escapes); otherwise at the value's start. The `at:` rule for zone changes too.
import { describe, expect, test } from 'vitest';
import { issuesOf, summarize } from '../support/config-issues.js';

const task = (line: string): string[] => ['tasks:', '  rotate:', line, '    run: echo hi'];

describe('a cron error points at its field', () => {
  test.each([
    ['    cron: 75 * * * *', 11],
    ['    cron: "*/15 * * * 8"', 23],
    ["    cron: '0 0 * * 8'", 20],
    ['    cron: "  0 0 * * 8"', 22],
  ])('%s -> column %d', (line, column) => {
    expect(summarize(issuesOf(task(line)))).toEqual([
      ['invalid-value', 3, column, 'rotate', expect.stringMatching(/^cron field "(minute|day-of-week)" out of range/)],
    ]);
  });

  test("an escape before the field: the value's start", () => {
    expect(summarize(issuesOf(task('    cron: "\\x30 0 * * 8"')))).toEqual([
      ['invalid-value', 3, 11, 'rotate', 'cron field "day-of-week" out of range (0-7): 8'],
    ]);
  });

  test("a problem of the whole expression: the value's start", () => {
    expect(summarize(issuesOf(task('    cron: "0 0 30 2 *"')))).toEqual([
      ['invalid-value', 3, 11, 'rotate', 'never fires: "0 0 30 2 *" matches no day of any year'],
    ]);
  });

  test('lists with repeated values are valid', () => {
    expect(() => issuesOf(task('    cron: "0 6 * * 0,7"'))).toThrow('expected a ConfigError');
  });
});

describe('at: a local time lost to a zone change', () => {
  test('is an error at its own item, naming the zone', () => {
    const lines = [
      'tasks:',
      '  once:',
      '    timezone: Pacific/Apia',
      '    at: ["2011-12-31T08:00", "2011-12-30T08:00"]',
      '    run: echo hi',
    ];
    expect(summarize(issuesOf(lines))).toEqual([
      [
        'invalid-value',
        4,
        30,
        'once',
        '"2011-12-30T08:00" does not exist in Pacific/Apia: the zone moved its clocks 24 hours forward (a zone ' +
          'change, not daylight saving), and no job runs the times it skipped',
      ],
    ]);
  });
});
