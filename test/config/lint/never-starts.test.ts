// config/lint/never-starts.ts: a schedule with no instant left after now that nothing triggers. A
// task without a schedule (meant for run-now) never warns, nor one that another task triggers.
import { describe, expect, test } from 'vitest';
import { lintOf, oneTask } from './_lint.js';

const NOTHING_ELSE =
  'and no task triggers this one (after, after-all, on-success, on-failure): only run-now can start it';

describe('until ahead but before the next instant', () => {
  test('a yearly cron whose until comes first: at the until value', () => {
    expect(lintOf(oneTask(['cron: "0 0 1 1 *"', 'until: 2026-12-31T00:00', 'run: x']), 'never-starts')).toEqual([
      [
        'never-starts',
        6,
        12,
        'a',
        'until "2026-12-31T00:00" is before the schedule\'s next instant (2027-01-01 00:00): no scheduled run ' +
          `will start, ${NOTHING_ELSE}; move until later, or remove it`,
      ],
    ]);
  });

  test('an until after the next instant: nothing', () => {
    expect(lintOf(oneTask(['cron: "0 0 1 1 *"', 'until: 2027-01-02T00:00', 'run: x']), 'never-starts')).toEqual([]);
  });

  test('triggered by another task (each of the four keys): nothing', () => {
    const yearly = ['cron: "0 0 1 1 *"', 'until: 2026-12-31T00:00', 'run: x'];
    const files = [
      [...oneTask([...yearly, 'after: b']), '  b:', '    run: y'],
      [...oneTask([...yearly, 'after-all: [b]']), '  b:', '    run: y'],
      [...oneTask(yearly), '  b:', '    run: y', '    on-success: a'],
      [...oneTask(yearly), '  b:', '    run: y', '    on-failure: [a]'],
    ];
    for (const file of files) expect(lintOf(file, 'never-starts')).toEqual([]);
  });

  test('a task it triggers does not count: it still warns', () => {
    const file = [
      ...oneTask(['cron: "0 0 1 1 *"', 'until: 2026-12-31T00:00', 'on-success: b', 'run: x']),
      '  b:',
      '    run: y',
    ];
    expect(lintOf(file, 'never-starts').map((row) => row[3])).toEqual(['a']);
  });
});

describe('an rrule that is over', () => {
  test('COUNT spent long ago: at the rrule value', () => {
    expect(lintOf(oneTask(['rrule: "FREQ=DAILY;COUNT=3"', 'run: x']), 'never-starts')).toEqual([
      [
        'never-starts',
        5,
        12,
        'a',
        `this rule has no instant after now (its COUNT or UNTIL is over): no scheduled run will start, ${NOTHING_ELSE}`,
      ],
    ]);
  });

  test('a rule that goes on: nothing', () => {
    expect(lintOf(oneTask(['rrule: "FREQ=DAILY;UNTIL=20270101T000000Z"', 'run: x']), 'never-starts')).toEqual([]);
  });
});

describe('never for tasks meant for run-now or with instants ahead', () => {
  test.each([['run: x'], ['cron: "@reboot"', 'run: x'], ['every: 1h', 'run: x'], ['daily: "03:00"', 'run: x']])(
    '%s',
    (...keys) => {
      expect(lintOf(oneTask(keys), 'never-starts')).toEqual([]);
    },
  );

  test('an at or until in the past is past-instant, not also this', () => {
    const rows = lintOf(oneTask(['cron: "0 0 1 1 *"', 'until: 2026-01-01T00:00', 'run: x']));
    expect(rows.map((row) => row[0])).toEqual(['past-instant']);
  });
});
