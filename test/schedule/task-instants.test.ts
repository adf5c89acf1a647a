// Issue 13: a task's upcoming instants stop at `until`, after the runs `max-runs` leaves, and
// start after the last instant already dealt with; the `except` hook skips instants.
import { describe, expect, test } from 'vitest';
import { compileSchedule } from '../../src/schedule/next.js';
import {
  countTaskInstants,
  nextTaskInstant,
  upcomingTaskInstants,
  type TaskTiming,
} from '../../src/schedule/task-instants.js';
import { every } from '../support/engine-task.js';

const ms = (text: string): number => Date.parse(text);
const isos = (instants: readonly number[]): string[] => instants.map((at) => new Date(at).toISOString());
const hourly = compileSchedule(every('1h'), 'UTC');
const free: TaskTiming = { schedule: hourly, until: null, runsLeft: Infinity, lastScheduledAt: null };
const NOON = ms('2026-06-01T12:00:00Z');

describe('upcomingTaskInstants', () => {
  test('without limits: the schedule instants strictly after `after`', () => {
    expect(isos(upcomingTaskInstants(free, NOON, 3))).toEqual([
      '2026-06-01T13:00:00.000Z',
      '2026-06-01T14:00:00.000Z',
      '2026-06-01T15:00:00.000Z',
    ]);
  });

  test('`until` ends them: an instant equal to it is not listed', () => {
    const timing = { ...free, until: ms('2026-06-01T15:00:00Z') };
    expect(isos(upcomingTaskInstants(timing, NOON, 5))).toEqual([
      '2026-06-01T13:00:00.000Z',
      '2026-06-01T14:00:00.000Z',
    ]);
    expect(upcomingTaskInstants({ ...free, until: ms('2020-01-01T00:00:00Z') }, NOON, 5)).toEqual([]);
  });

  test('`max-runs`: at most the runs left', () => {
    expect(isos(upcomingTaskInstants({ ...free, runsLeft: 2 }, NOON, 5))).toEqual([
      '2026-06-01T13:00:00.000Z',
      '2026-06-01T14:00:00.000Z',
    ]);
    expect(upcomingTaskInstants({ ...free, runsLeft: 0 }, NOON, 5)).toEqual([]);
  });

  test('nothing at or before the last instant dealt with (a clock stepped back)', () => {
    const timing = { ...free, lastScheduledAt: ms('2026-06-01T14:00:00Z') };
    expect(isos(upcomingTaskInstants(timing, NOON, 2))).toEqual([
      '2026-06-01T15:00:00.000Z',
      '2026-06-01T16:00:00.000Z',
    ]);
  });

  test('listFrom: earlier instants are not listed but still spend max-runs; an equal one is listed', () => {
    const from = ms('2026-06-01T15:00:00Z');
    expect(isos(upcomingTaskInstants({ ...free, runsLeft: 4 }, NOON, 5, from))).toEqual([
      '2026-06-01T15:00:00.000Z',
      '2026-06-01T16:00:00.000Z',
    ]);
    expect(isos(upcomingTaskInstants(free, NOON, 2, from))).toEqual([
      '2026-06-01T15:00:00.000Z',
      '2026-06-01T16:00:00.000Z',
    ]);
  });

  test('the except hook skips the instants it names, jumping to where they end', () => {
    const excluded = (at: number): boolean => at >= ms('2026-06-01T14:00:00Z') && at < ms('2026-06-01T16:30:00Z');
    const exclusion = {
      calendarOf: (at: number) => (excluded(at) ? 'test' : null),
      excludedUntil: (at: number) => (excluded(at) ? ms('2026-06-01T16:30:00Z') : null),
    };
    expect(isos(upcomingTaskInstants({ ...free, exclusion }, NOON, 2))).toEqual([
      '2026-06-01T13:00:00.000Z',
      '2026-06-01T17:00:00.000Z',
    ]);
  });
});

describe('nextTaskInstant', () => {
  test('ignores max-runs (the engine counts runs itself) but honours until', () => {
    expect(nextTaskInstant({ ...free, runsLeft: 0 }, NOON)).toBe(ms('2026-06-01T13:00:00Z'));
    expect(nextTaskInstant({ ...free, until: ms('2026-06-01T13:00:00Z') }, NOON)).toBeNull();
  });
});

// Issue 16.7: a skipped row's count and range, bounded in time however long the range.
describe('countTaskInstants', () => {
  const perSecond = compileSchedule(every('1s'), 'UTC');
  const cronPerSecond = compileSchedule({ kind: 'cron', expression: '* * * * * *' }, 'UTC');

  test('an `every` by arithmetic: a year of seconds at once, `until` and lastScheduledAt honoured', () => {
    const timing: TaskTiming = { ...free, schedule: perSecond };
    const year = 365 * 24 * 3_600;
    expect(countTaskInstants(timing, NOON, NOON + year * 1_000)).toEqual({
      count: year,
      more: false,
      first: NOON + 1_000,
      last: NOON + year * 1_000,
    });
    expect(countTaskInstants({ ...timing, until: NOON + 10_500 }, NOON, NOON + 60_000)).toMatchObject({
      count: 10,
      last: NOON + 10_000,
    });
    expect(countTaskInstants({ ...timing, lastScheduledAt: NOON + 5_000 }, NOON, NOON + 8_000)).toMatchObject({
      count: 3,
      first: NOON + 6_000,
    });
    expect(countTaskInstants(timing, NOON, NOON + 999)).toEqual({ count: 0, more: false, first: null, last: null });
  });

  test('another schedule one by one, exact below the cap; past it "more than", with the true last instant', () => {
    const timing: TaskTiming = { ...free, schedule: cronPerSecond };
    expect(countTaskInstants(timing, NOON, NOON + 3_600_000)).toEqual({
      count: 3_600,
      more: false,
      first: NOON + 1_000,
      last: NOON + 3_600_000,
    });
    const started = performance.now();
    const week = countTaskInstants(timing, NOON, NOON + 7 * 86_400_000, 10_000);
    expect(week).toEqual({ count: 10_000, more: true, first: NOON + 1_000, last: NOON + 7 * 86_400_000 });
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
