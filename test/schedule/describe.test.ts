// DESIGN.md "Command line": `list` shows each task's schedule in words; the zone is named only
// when it differs from the file's default.
import { describe, expect, test } from 'vitest';
import { describeSchedule } from '../../src/schedule/describe.js';
import { parseAt } from '../../src/schedule/at.js';
import { parseDaily } from '../../src/schedule/daily.js';
import { parseEvery } from '../../src/schedule/every.js';
import type { ParseResult, ScheduleSpec } from '../../src/schedule/types.js';

function value<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

describe('describeSchedule', () => {
  const tz = 'Europe/Berlin';
  test.each<[ScheduleSpec, string]>([
    [value(parseEvery('5m', undefined, tz)), 'every 5m'],
    [value(parseEvery('1h', '2026-01-01T00:00', tz)), 'every 1h from 2026-01-01 00:00'],
    [value(parseEvery('90s', undefined, tz)), 'every 1m30s'],
    [value(parseDaily('03:30')), 'daily 03:30'],
    [value(parseDaily(['15:30', '03:30'])), 'daily 03:30, 15:30'],
    [value(parseDaily('03:30:15')), 'daily 03:30:15'],
    [value(parseAt('2026-12-01T09:00', tz)), 'at 2026-12-01 09:00'],
    [value(parseAt(['2026-12-01T09:00', '2026-12-02T09:00', '2026-12-03T09:00'], tz)), 'at 2026-12-01 09:00 (+2 more)'],
    [{ kind: 'cron', expression: '*/15 * * * 1-5' }, 'cron */15 * * * 1-5'],
    [{ kind: 'cron', expression: '@hourly' }, 'cron @hourly'],
    [{ kind: 'reboot' }, '@reboot'],
    [{ kind: 'on-demand' }, 'on demand'],
  ])('%j -> %s', (spec, words) => {
    expect(describeSchedule(spec, tz, tz)).toBe(words);
  });

  test('names the zone when it differs from the default', () => {
    expect(describeSchedule(value(parseDaily('03:30')), 'America/New_York', tz)).toBe('daily 03:30 (America/New_York)');
    expect(describeSchedule({ kind: 'cron', expression: '*/15 * * * 1-5' }, 'America/New_York', tz)).toBe(
      'cron */15 * * * 1-5 (America/New_York)',
    );
  });

  test('at shows the wall time in the task zone', () => {
    const spec = value(parseAt('2026-12-01T09:00Z', 'UTC'));
    expect(describeSchedule(spec, 'Asia/Kolkata', 'UTC')).toBe('at 2026-12-01 14:30 (Asia/Kolkata)');
  });
});
