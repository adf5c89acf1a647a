// config/lint/dst-shift.ts: an `every` whose wall-clock times move when the task's zone changes
// to or from daylight saving time: the change (1h) is not a multiple of gcd(period, 1 day).
import { describe, expect, test } from 'vitest';
import { lintOf, NOW, oneTask } from './_lint.js';

describe('America/New_York observes DST', () => {
  test('every: 2h warns at the every value, with the instants around the next change', () => {
    // From 2026-06-15, the next change is 2026-11-01 (EDT -> EST): 02:00 EDT becomes 01:00 EST.
    const rows = lintOf(oneTask(['every: 2h', 'run: x'], 'America/New_York'), 'dst-shift');
    expect(rows.map((row) => row.slice(0, 4))).toEqual([['dst-shift', 5, 12, 'a']]);
    expect(rows[0]?.[4]).toBe(
      'every "2h" counts elapsed time, so the wall-clock times it runs at move by 1h when America/New_York ' +
        'changes to or from daylight saving time (2026-11-01 01:00, then 2026-11-02 00:00); for fixed ' +
        'wall-clock times use daily, cron or rrule',
    );
  });

  test.each(['2h', '3h', '6h', '8h', '12h', '1d', '2d', '7d', '90m', '45m', '10h'])('every: %s warns', (period) => {
    expect(lintOf(oneTask([`every: ${period}`, 'run: x'], 'America/New_York'), 'dst-shift')).toHaveLength(1);
  });

  test.each(['1h', '30m', '15m', '1m', '10s', '7h', '5h', '25m', '1d1h'])(
    'every: %s keeps its wall times',
    (period) => {
      expect(lintOf(oneTask([`every: ${period}`, 'run: x'], 'America/New_York'), 'dst-shift')).toEqual([]);
    },
  );

  test('a start of its own changes nothing', () => {
    const keys = ['every: 1d', 'start: 2026-01-01T09:00', 'run: x'];
    expect(lintOf(oneTask(keys, 'America/New_York'), 'dst-shift')).toHaveLength(1);
  });

  test('the zone of the task, over settings.timezone', () => {
    const file = [
      'settings:',
      '  timezone: UTC',
      'tasks:',
      '  a:',
      '    every: 1d',
      '    timezone: Europe/Berlin',
      '    run: x',
    ];
    expect(lintOf(file, 'dst-shift').map((row) => row[4])).toEqual([
      expect.stringMatching(
        /when Europe\/Berlin changes to or from daylight saving time \(2026-10-25 01:00, then 2026-10-26 00:00\)/,
      ),
    ]);
  });
});

describe('zones without DST in the coming year: nothing', () => {
  test.each(['UTC', 'Asia/Tokyo', 'America/Phoenix', 'Asia/Kolkata'])('%s', (zone) => {
    for (const period of ['2h', '1d', '90m'])
      expect(lintOf(oneTask([`every: ${period}`, 'run: x'], zone), 'dst-shift')).toEqual([]);
  });

  test('other schedules never warn here (they keep wall-clock times by themselves)', () => {
    for (const schedule of ['daily: "09:00"', 'cron: "0 */2 * * *"', 'rrule: "FREQ=DAILY;BYHOUR=9"'])
      expect(lintOf(oneTask([schedule, 'run: x'], 'America/New_York'), 'dst-shift', NOW)).toEqual([]);
  });
});
