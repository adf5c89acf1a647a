// config/lint/past.ts: every `at` instant, or `until`, before now: a warning at the value; the
// catch-up exception is named only when it can still happen.
import { describe, expect, test } from 'vitest';
import { lintOf, NOW, oneTask } from './_lint.js';

describe('an at in the past', () => {
  test('one instant before now: no scheduled run left', () => {
    expect(lintOf(oneTask(['at: 2026-06-01T09:00', 'run: x']), 'past-instant')).toEqual([
      [
        'past-instant',
        5,
        9,
        'a',
        'at "2026-06-01T09:00" is in the past: no scheduled run of this task is left; move it later, or remove it',
      ],
    ]);
  });

  test('a list whose every instant is past names the last one', () => {
    const [row] = lintOf(oneTask(['at: [2026-01-01T00:00, 2026-06-15T11:59]', 'run: x']), 'past-instant');
    expect(row?.[4]).toBe(
      'every "at" instant is in the past (the last: 2026-06-15T11:59:00.000Z): no scheduled run of this task ' +
        'is left; move it later, or remove it',
    );
  });

  test('an instant exactly at now is past (a daemon fires only after now)', () => {
    expect(lintOf(oneTask(['at: 2026-06-15T12:00', 'run: x']), 'past-instant')).toHaveLength(1);
  });

  test('a list with one instant still ahead, or one instant ahead: nothing', () => {
    expect(lintOf(oneTask(['at: [2026-01-01T00:00, 2026-07-01T00:00]', 'run: x']), 'past-instant')).toEqual([]);
    expect(lintOf(oneTask(['at: 2026-06-15T12:01', 'run: x']), 'past-instant')).toEqual([]);
  });

  test('catch-up once names the exception while the deadline allows it, not after', () => {
    const keys = ['at: 2026-06-15T11:00', 'catch-up: once', 'run: x'];
    expect(lintOf(oneTask(keys), 'past-instant')[0]?.[4]).toContain(
      '(except catch-up: once: a daemon that had this task before and was down at an instant runs what it ' +
        'missed when it starts again)',
    );
    expect(lintOf(oneTask([...keys, 'deadline: 2h']), 'past-instant')[0]?.[4]).toContain('except catch-up');
    expect(lintOf(oneTask([...keys, 'deadline: 30m']), 'past-instant')[0]?.[4]).not.toContain('catch-up');
  });

  test('the same file later: the warning follows the clock', () => {
    const lines = oneTask(['at: 2026-07-01T00:00', 'run: x']);
    expect(lintOf(lines, 'past-instant', NOW)).toEqual([]);
    expect(lintOf(lines, 'past-instant', Date.UTC(2026, 6, 2))).toHaveLength(1);
  });
});

describe('an until in the past', () => {
  test('at the until value, in the task zone', () => {
    expect(lintOf(oneTask(['every: 1h', 'until: 2026-06-15T07:00', 'run: x'], 'America/New_York'))).toEqual([
      [
        'past-instant',
        6,
        12,
        'a',
        'until "2026-06-15T07:00" is in the past: no scheduled run will start any more; move it later, or remove it',
      ],
    ]);
  });

  test('the same until in a zone where it is still ahead: nothing', () => {
    // 07:00 in Tokyo is 22:00 UTC the day before; 07:00 in Honolulu is 17:00 UTC, after now.
    expect(lintOf(oneTask(['every: 1h', 'until: 2026-06-15T07:00', 'run: x'], 'Asia/Tokyo'))).toHaveLength(1);
    expect(lintOf(oneTask(['every: 1h', 'until: 2026-06-15T07:00', 'run: x'], 'Pacific/Honolulu'))).toEqual([]);
  });

  test('an at all past says so once, not again for its until', () => {
    const rows = lintOf(oneTask(['at: 2026-01-01T00:00', 'until: 2026-02-01T00:00', 'run: x']));
    expect(rows.map((row) => [row[0], row[1]])).toEqual([['past-instant', 5]]);
  });
});
