// config/lint/no-effect.ts: keys of scheduled runs on a task without instants of its own.
import { describe, expect, test } from 'vitest';
import { lintOf, oneTask } from './_lint.js';

const ON_DEMAND = 'this task has no schedule (it runs on demand: run-now, after, after-all, on-success, on-failure)';

describe('on a task without a schedule', () => {
  test('each key at its own key, in file order', () => {
    const keys = ['run: x', 'jitter: 5s', 'catch-up: once', 'deadline: 1m', 'max-runs: 3', 'until: 2027-01-01T00:00'];
    expect(lintOf(oneTask(keys), 'no-effect')).toEqual([
      [
        'no-effect',
        6,
        5,
        'a',
        `"jitter" has no effect: ${ON_DEMAND}, and jitter delays scheduled runs only; remove it`,
      ],
      [
        'no-effect',
        7,
        5,
        'a',
        `"catch-up" has no effect: ${ON_DEMAND}, and catch-up deals with missed instants only; remove it`,
      ],
      [
        'no-effect',
        8,
        5,
        'a',
        `"deadline" has no effect: ${ON_DEMAND}, and deadline limits how late a scheduled or catch-up run starts; ` +
          'remove it',
      ],
      [
        'no-effect',
        9,
        5,
        'a',
        `"max-runs" has no effect: ${ON_DEMAND}, and max-runs counts scheduled and catch-up runs only; remove it`,
      ],
      [
        'no-effect',
        10,
        5,
        'a',
        `"until" has no effect: ${ON_DEMAND}, and until ends scheduled instants only; remove it`,
      ],
    ]);
  });

  test('an until in the past there is no-effect only (not past-instant)', () => {
    expect(lintOf(oneTask(['run: x', 'until: 2020-01-01T00:00'])).map((row) => row[0])).toEqual(['no-effect']);
  });

  test('@reboot says why in its own words', () => {
    const [row] = lintOf(oneTask(['cron: "@reboot"', 'jitter: 5s', 'run: x']), 'no-effect');
    expect(row?.[4]).toBe(
      '"jitter" has no effect: this task has no instants (it runs at @reboot and when triggered), ' +
        'and jitter delays scheduled runs only; remove it',
    );
  });
});

describe('where the keys apply: nothing', () => {
  test.each(['every: 1h', 'daily: "03:00"', 'cron: "*/5 * * * *"', 'at: 2027-01-01T00:00', 'rrule: "FREQ=DAILY"'])(
    '%s',
    (schedule) => {
      const keys = [schedule, 'run: x', 'jitter: 5s', 'catch-up: once', 'deadline: 1m', 'max-runs: 3'];
      expect(lintOf(oneTask(keys), 'no-effect')).toEqual([]);
    },
  );

  test('a task without a schedule and without these keys', () => {
    expect(lintOf(oneTask(['run: x', 'retry: 2', 'timeout: 1m']))).toEqual([]);
  });
});
