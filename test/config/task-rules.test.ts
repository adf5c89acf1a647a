// config/task-rules.ts (issue 15): rules between a task's keys that the file alone decides, so
// errors of `validate`: a `jitter` longer than the time between two instants, an `until` that
// leaves no instant. Exact messages and positions (the value of `jitter` / `until`); a value
// that fails its own check is reported once, by that check.
import { describe, expect, test } from 'vitest';
import { fileOf, issuesOf, summarize } from '../support/config-issues.js';

const task = (...keys: string[]) => ['tasks:', '  a:', '    run: x', ...keys.map((key) => `    ${key}`)];

describe('jitter longer than the time between two instants: an error at the jitter value', () => {
  test.each([
    ['every: 1m', 'jitter: 5m', 'jitter 5m is longer than the period of "every" (1m)', '1m'],
    ['every: 1m', 'jitter: 61s', 'jitter 1m1s is longer than the period of "every" (1m)', '1m'],
    [
      'cron: "*/5 * * * *"',
      'jitter: 6m',
      'jitter 6m is longer than the shortest time between two instants of "cron" (5m)',
      '5m',
    ],
    [
      'cron: "0 9,10 * * *"',
      'jitter: 90m',
      'jitter 1h30m is longer than the shortest time between two instants of "cron" (1h)',
      '1h',
    ],
    [
      'cron: "*/10 * * * * *"',
      'jitter: 11s',
      'jitter 11s is longer than the shortest time between two instants of "cron" (10s)',
      '10s',
    ],
    [
      'cron: "50 59 23 * * *"',
      'jitter: 25h',
      'jitter 1d1h is longer than the shortest time between two instants of "cron" (1d)',
      '1d',
    ],
    [
      'daily: ["23:00", "01:00"]',
      'jitter: 3h',
      'jitter 3h is longer than the shortest time between two instants of "daily" (2h)',
      '2h',
    ],
    [
      'at: [2026-12-01T09:00, 2026-12-01T10:00]',
      'jitter: 2h',
      'jitter 2h is longer than the shortest time between two instants of "at" (1h)',
      '1h',
    ],
  ])('%s with %s', (schedule, jitter, start, most) => {
    const message = `${start}: a run could still be waiting at the next instant; use a jitter of at most ${most}`;
    expect(summarize(issuesOf(task(schedule, jitter)))).toEqual([['conflict', 5, 13, 'a', message]]);
  });

  test.each([
    ['every: 1m', 'jitter: 1m'],
    ['every: 1m', 'jitter: 59s'],
    ['cron: "@daily"', 'jitter: 24h'],
    ['cron: "*/5 * * * *"', 'jitter: 5m'],
    // One time a day on some days only: the fields tell no gap shorter than a day, nothing is claimed.
    ['cron: "0 9 * * 1"', 'jitter: 2d'],
    ['daily: "03:30"', 'jitter: 24h'],
    ['at: 2026-12-01T09:00', 'jitter: 30d'],
    ['cron: "@reboot"', 'jitter: 1h'],
  ])('%s with %s is fine', (schedule, jitter) => {
    expect(fileOf(task(schedule, jitter)).tasks).toHaveLength(1);
  });

  test('without a schedule jitter has nothing to be longer than', () => {
    expect(fileOf(task('jitter: 1h')).tasks).toHaveLength(1);
  });

  test('one problem, one message: a bad jitter or a bad period is reported by its own check only', () => {
    expect(summarize(issuesOf(task('every: 1m', 'jitter: 5 minutes')))).toEqual([
      ['invalid-value', 5, 13, 'a', expect.stringContaining('expected a duration') as unknown as string],
    ]);
    expect(summarize(issuesOf(task('every: 1x', 'jitter: 5m')))).toEqual([
      ['invalid-value', 4, 12, 'a', expect.stringContaining('1x') as unknown as string],
    ]);
  });
});

describe('until that leaves no instant: an error at the until value', () => {
  test('until before start', () => {
    const issues = issuesOf(task('every: 1h', 'start: 2026-12-10T00:00', 'until: 2026-12-01T00:00'));
    expect(summarize(issues)).toEqual([
      [
        'conflict',
        6,
        12,
        'a',
        'until "2026-12-01T00:00" is not after start "2026-12-10T00:00": no run would ever start; ' +
          'move until after start, or remove it',
      ],
    ]);
    expect(issues[0]?.path).toEqual(['tasks', 'a', 'until']);
  });

  test('until at start: the first instant is already too late', () => {
    expect(summarize(issuesOf(task('every: 1h', 'start: 2026-12-10', 'until: 2026-12-10T00:00')))).toEqual([
      [
        'conflict',
        6,
        12,
        'a',
        'until "2026-12-10T00:00" is not after start "2026-12-10": no run would ever start; ' +
          'move until after start, or remove it',
      ],
    ]);
  });

  test("until at an rrule's start (DTSTART, in the task's zone)", () => {
    const lines = task(
      'rrule: FREQ=DAILY',
      'start: 2026-12-10T09:00',
      'until: 2026-12-10T08:00:00Z',
      'timezone: Europe/Berlin',
    );
    expect(summarize(issuesOf(lines))).toEqual([
      [
        'conflict',
        6,
        12,
        'a',
        'until "2026-12-10T08:00:00Z" is not after start "2026-12-10T09:00": no run would ever start; ' +
          'move until after start, or remove it',
      ],
    ]);
    // 09:00 in Berlin is 08:00 UTC: a second later leaves the first instant.
    expect(() =>
      issuesOf(
        task('rrule: FREQ=DAILY', 'start: 2026-12-10T09:00', 'until: 2026-12-10T08:00:01Z', 'timezone: Europe/Berlin'),
      ),
    ).toThrow('expected a ConfigError');
  });

  test('until at or before every "at" instant', () => {
    expect(summarize(issuesOf(task('at: 2026-12-10T09:00', 'until: 2026-12-10T09:00')))).toEqual([
      [
        'conflict',
        5,
        12,
        'a',
        'until "2026-12-10T09:00" is at or before the "at" instant: no run would ever start; ' +
          'move until later, or remove it',
      ],
    ]);
    expect(summarize(issuesOf(task('at: [2026-12-10T09:00, 2026-12-11T09:00]', 'until: 2026-12-01T00:00')))).toEqual([
      [
        'conflict',
        5,
        12,
        'a',
        'until "2026-12-01T00:00" is at or before every "at" instant: no run would ever start; ' +
          'move until later, or remove it',
      ],
    ]);
  });

  test.each([
    ['every: 1h', 'start: 2026-12-10T00:00', 'until: 2026-12-10T00:00:01'],
    ['every: 1h', 'until: 2026-12-01T00:00'],
    ['at: [2026-12-10T09:00, 2026-12-11T09:00]', 'until: 2026-12-11T00:00'],
    ['daily: "03:30"', 'until: 2001-01-01'],
  ])('%s %s %s is fine', (...keys) => {
    expect(fileOf(task(...keys)).tasks).toHaveLength(1);
  });

  test('one problem, one message: an until that is no date-time is reported by its own check only', () => {
    const issues = issuesOf(task('every: 1h', 'start: 2026-12-10', 'until: soon'));
    expect(issues.map((issue) => [issue.code, issue.line])).toEqual([['invalid-value', 6]]);
  });
});

describe('an rrule that never runs: an error at the rule', () => {
  test.each([
    [
      'rrule: "FREQ=MONTHLY;BYDAY=MO,-1FR"',
      'BYDAY mixes plain weekdays and ordinal ones: taskkit follows python-dateutil, which runs only on days ' +
        'matching both (a Monday that is also the last Friday), so this rule never runs; give each its own task',
    ],
    [
      'rrule: "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"',
      'this rule has no instant from its start on (its parts never meet, or INTERVAL never reaches the ' +
        'times BYHOUR, BYMINUTE and BYSECOND allow), so the task would never run',
    ],
    [
      'rrule: "FREQ=MINUTELY;INTERVAL=120;BYHOUR=1"',
      'this rule has no instant from its start on (its parts never meet, or INTERVAL never reaches the ' +
        'times BYHOUR, BYMINUTE and BYSECOND allow), so the task would never run',
    ],
  ])('%s', (rule, message) => {
    expect(summarize(issuesOf(task(rule)))).toEqual([['invalid-value', 4, 12, 'a', message]]);
  });

  test('rules that run, even ones whose every instant is long past, are valid', () => {
    for (const rule of [
      'rrule: "FREQ=MONTHLY;BYDAY=-1FR"',
      'rrule: "FREQ=MONTHLY;BYDAY=MO,FR"',
      'rrule: "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"',
      'rrule: "FREQ=DAILY;COUNT=3"',
      'rrule: "FREQ=DAILY;UNTIL=20010101T000000Z"',
    ]) {
      expect(
        fileOf(task(rule)).tasks.map((one) => one.schedule.kind),
        rule,
      ).toEqual(['rrule']);
    }
  });
});
