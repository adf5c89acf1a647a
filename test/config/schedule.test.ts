// config/schedule.ts: validateScheduleDefinition, the schedule of `reschedule` (exactly one of
// every (+start), daily, cron, at, rrule (+start)).
import { describe, expect, test } from 'vitest';
import { validateScheduleDefinition } from '../../src/config/normalize.js';
import { formatIssue } from '../../src/config/issues.js';
import { ConfigError } from '../../src/config/load.js';

const wall = (year: number, month: number, day: number, hour: number, minute: number) => ({
  year,
  month,
  day,
  hour,
  minute,
  second: 0,
});
const Y2K = wall(2000, 1, 1, 0, 0);

describe('validateScheduleDefinition', () => {
  test.each<[string, Record<string, unknown>, unknown]>([
    [
      'every',
      { every: '10m' },
      { kind: 'every', periodMs: 600_000, anchor: Date.parse('1999-12-31T23:00:00Z'), startGiven: false },
    ],
    [
      'every + start',
      { every: '1h', start: '2026-03-01T12:00' },
      { kind: 'every', periodMs: 3_600_000, anchor: Date.parse('2026-03-01T11:00:00Z'), startGiven: true },
    ],
    [
      'daily list',
      { daily: ['18:00', '06:00:30'] },
      {
        kind: 'daily',
        times: [
          { hour: 6, minute: 0, second: 30 },
          { hour: 18, minute: 0, second: 0 },
        ],
      },
    ],
    ['cron', { cron: '0 9 * * mon-fri' }, { kind: 'cron', expression: '0 9 * * mon-fri' }],
    ['@reboot', { cron: '@reboot' }, { kind: 'reboot' }],
    ['at', { at: '2026-07-01T08:00' }, { kind: 'at', instants: [Date.parse('2026-07-01T06:00:00Z')] }],
    [
      'rrule: DTSTART 2000-01-01 00:00 local by default',
      { rrule: 'FREQ=MONTHLY;BYDAY=-1FR' },
      expect.objectContaining({ kind: 'rrule', rule: 'FREQ=MONTHLY;BYDAY=-1FR', start: Y2K, startGiven: false }),
    ],
    [
      'rrule + start: DTSTART as a wall time of the zone, not an instant',
      { rrule: 'RRULE:FREQ=WEEKLY', start: '2026-03-29T02:30' },
      expect.objectContaining({ rule: 'FREQ=WEEKLY', start: wall(2026, 3, 29, 2, 30), startGiven: true }),
    ],
    [
      'rrule + start with an offset: the wall time of that instant in the zone',
      { rrule: 'FREQ=DAILY', start: '2026-07-01T06:00:00Z' },
      expect.objectContaining({ start: wall(2026, 7, 1, 8, 0), startGiven: true }),
    ],
    [
      'undefined keys are absent',
      { every: '5m', daily: undefined, start: undefined },
      { kind: 'every', periodMs: 300_000, anchor: Date.parse('1999-12-31T23:00:00Z'), startGiven: false },
    ],
  ])('%s (in the task zone, Europe/Berlin)', (_name, definition, spec) => {
    expect(validateScheduleDefinition(definition, 'Europe/Berlin')).toEqual({ spec, issues: [] });
  });

  test.each<[string, Record<string, unknown>, string[]]>([
    ['nothing', {}, ['give a schedule: one of "every", "daily", "at", "cron" or "rrule"']],
    [
      'two schedules',
      { every: '5m', cron: '* * * * *' },
      ['cron: give at most one schedule (every, daily, at, cron or rrule); found "every", "cron"'],
    ],
    ['start alone', { start: '2026-01-01', daily: '03:00' }, ['start: "start" only applies to "every" and "rrule"']],
    [
      'rrule and cron',
      { rrule: 'FREQ=DAILY', cron: '* * * * *' },
      ['rrule: give at most one schedule (every, daily, at, cron or rrule); found "cron", "rrule"'],
    ],
    [
      'a bad rrule start',
      { rrule: 'FREQ=DAILY', start: '2026-01-01T09:00:00.250' },
      ['start: expected whole seconds, got "2026-01-01T09:00:00.250"'],
    ],
    [
      'an rrule UNTIL before its start',
      { rrule: 'FREQ=DAILY;UNTIL=20251231', start: '2026-01-01' },
      ['rrule: rrule never fires: UNTIL "20251231" is before its start 2026-01-01 00:00:00'],
    ],
    [
      'a bad value',
      { daily: '3am' },
      ['daily: expected a time of day "HH:MM" or "HH:MM:SS" (00:00-23:59:59), got "3am"'],
    ],
    ['an unknown key', { evry: '5m', every: '5m' }, ['unknown key "evry" (did you mean "every")']],
    [
      'a task key that is no schedule',
      { every: '5m', run: 'x' },
      ['unknown key "run"; valid keys: every, daily, at, cron, rrule, start'],
    ],
  ])('rejects %s', (_name, definition, messages) => {
    const { spec, issues } = validateScheduleDefinition(definition, 'UTC');
    expect(spec).toBeUndefined();
    expect(issues.map(formatIssue)).toEqual(messages);
    expect(issues.every((issue) => issue.file === '' && issue.line === 0 && issue.task === null)).toBe(true);
  });

  test('a ConfigError of schedule issues says so', () => {
    const { issues } = validateScheduleDefinition({ every: '5' }, 'UTC');
    expect(new ConfigError(issues).message).toBe(
      'invalid schedule: every: expected a duration like "90s", "5m" or "1h30m", got "5"',
    );
  });
});
