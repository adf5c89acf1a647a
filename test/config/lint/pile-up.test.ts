// config/lint/pile-up.ts: overlap: allow with a timeout longer than the time between two instants.
// The durations in the messages are formatDuration's; matched loosely where they are computed.
import { describe, expect, test } from 'vitest';
import { lintOf, oneTask } from './_lint.js';

describe('a timeout longer than the gap, overlap allow: a warning at the timeout value', () => {
  test('every: the period', () => {
    const rows = lintOf(oneTask(['every: 10m', 'overlap: allow', 'timeout: 25m', 'run: x']), 'pile-up');
    expect(rows.map((row) => row.slice(0, 4))).toEqual([['pile-up', 7, 14, 'a']]);
    expect(rows[0]?.[4]).toMatch(/^timeout "25m" is longer than the period of "every" \(10m\) and overlap is allow: /);
    expect(rows[0]?.[4]).toMatch(
      /: a run that lasts until its timeout is joined by the next instants' runs, up to 3 runs of this task at once; /,
    );
    expect(rows[0]?.[4]).toMatch(/; shorten timeout, or use overlap: skip or queue$/);
  });

  test('cron: the shortest gap of its time fields', () => {
    const [row] = lintOf(oneTask(['cron: "0 9,10 * * *"', 'overlap: allow', 'timeout: 90m', 'run: x']), 'pile-up');
    expect(row?.[4]).toMatch(/^timeout "90m" is longer than the shortest time between two instants of "cron" \(1h\)/);
    expect(row?.[4]).toContain('up to 2 runs of this task at once');
  });

  test('daily: from one time to the next', () => {
    const [row] = lintOf(oneTask(['daily: ["08:00", "08:30"]', 'overlap: allow', 'timeout: 45m', 'run: x']), 'pile-up');
    expect(row?.[4]).toMatch(/between two instants of "daily" \(30m\)/);
  });

  test('rrule: the shortest of the gaps between its next instants', () => {
    const keys = ['rrule: "FREQ=HOURLY;INTERVAL=2"', 'overlap: allow', 'timeout: 3h', 'run: x'];
    const [row] = lintOf(oneTask(keys), 'pile-up');
    expect(row?.[4]).toMatch(/^timeout "3h" is longer than the shortest time between its next 20 instants \(2h\)/);
  });
});

describe('nothing', () => {
  test.each([
    ['every: 10m', 'overlap: allow', 'timeout: 10m'],
    ['every: 10m', 'overlap: allow', 'timeout: 9m'],
    ['every: 10m', 'overlap: skip', 'timeout: 25m'],
    ['every: 10m', 'overlap: queue', 'timeout: 25m'],
    ['every: 10m', 'overlap: allow'],
    ['overlap: allow', 'timeout: 25m'],
    ['cron: "@reboot"', 'overlap: allow', 'timeout: 25m'],
    ['at: 2027-01-01T00:00', 'overlap: allow', 'timeout: 25d'],
    ['rrule: "FREQ=HOURLY;INTERVAL=2"', 'overlap: allow', 'timeout: 2h'],
  ])('%s, %s, %s', (...keys) => {
    expect(lintOf(oneTask([...keys, 'run: x']), 'pile-up')).toEqual([]);
  });
});
