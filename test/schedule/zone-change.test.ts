// DESIGN.md "Schedule semantics": a forward jump of 3 hours or more is a zone changing its offset
// for good, not daylight saving: as in cronie (src/cron.c, `wakeupKind = large`), no job runs the
// lost times, fixed-time ones included. Pacific/Apia skipped 2011-12-30 (-10 -> +14 at
// 2011-12-30T10:00Z); Pacific/Kiritimati skipped 1994-12-31 (-10 -> +14 at 1994-12-31T10:00Z).
// cron-parser 5 and croner 11 agree; a DST gap (under 3 hours) keeps the fixed-time catch-up.
import { Cron } from 'croner';
import { CronExpressionParser } from 'cron-parser';
import { describe, expect, test } from 'vitest';
import { parseAt, parseAtTime, parseDateTime } from '../../src/schedule/at.js';
import { parseCron } from '../../src/schedule/cron.js';
import { parseDaily } from '../../src/schedule/daily.js';
import { compileSchedule, upcoming } from '../../src/schedule/next.js';
import type { ScheduleSpec } from '../../src/schedule/types.js';
import { isZoneChange } from '../../src/schedule/zoned.js';

const isos = (values: readonly string[]): string[] => values.map((value) => new Date(value).toISOString());

function spec(schedule: string): ScheduleSpec {
  const parsed = schedule.startsWith('daily ') ? parseDaily(schedule.slice(6)) : parseCron(schedule);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

function upcomingIn(schedule: string, tz: string, after: string, n: number): string[] {
  return upcoming(compileSchedule(spec(schedule), tz), Date.parse(after), n).map((t) => new Date(t).toISOString());
}

describe('Pacific/Apia, 2011-12-30 never happened', () => {
  test('59 23 * * *: 23:59 on the 29th, then 23:59 on the 31st; no run at the end of the gap one minute later', () => {
    expect(upcomingIn('59 23 * * *', 'Pacific/Apia', '2011-12-28T12:00:00Z', 3)).toEqual(
      isos(['2011-12-28T23:59:00-10:00', '2011-12-29T23:59:00-10:00', '2011-12-31T23:59:00+14:00']),
    );
  });

  test('daily 12:00 and 0 12 * * * skip the 30th', () => {
    const expected = isos(['2011-12-29T12:00:00-10:00', '2011-12-31T12:00:00+14:00']);
    expect(upcomingIn('daily 12:00', 'Pacific/Apia', '2011-12-29T12:00:00Z', 2)).toEqual(expected);
    expect(upcomingIn('0 12 * * *', 'Pacific/Apia', '2011-12-29T12:00:00Z', 2)).toEqual(expected);
  });

  test('a wildcard job runs straight through: */30 * * * *', () => {
    expect(upcomingIn('*/30 * * * *', 'Pacific/Apia', '2011-12-30T09:00:00Z', 3)).toEqual(
      isos(['2011-12-29T23:30:00-10:00', '2011-12-31T00:00:00+14:00', '2011-12-31T00:30:00+14:00']),
    );
  });

  test('cron-parser and croner agree on 59 23 * * *', () => {
    const ours = upcomingIn('59 23 * * *', 'Pacific/Apia', '2011-12-28T12:00:00Z', 4);
    const iterator = CronExpressionParser.parse('59 23 * * *', {
      currentDate: new Date('2011-12-28T12:00:00Z'),
      tz: 'Pacific/Apia',
    });
    expect(ours).toEqual(Array.from({ length: 4 }, () => iterator.next().toISOString() ?? ''));
    const croner = new Cron('59 23 * * *', { timezone: 'Pacific/Apia', paused: true });
    expect(ours).toEqual(croner.nextRuns(4, new Date('2011-12-28T12:00:00Z')).map((date) => date.toISOString()));
  });

  test('at: a local time of the lost day is an error; the first instant after it is fine', () => {
    expect(parseAtTime('2011-12-30T12:00', 'Pacific/Apia')).toEqual({
      ok: false,
      message:
        '"2011-12-30T12:00" does not exist in Pacific/Apia: the zone moved its clocks 24 hours forward (a zone ' +
        'change, not daylight saving), and no job runs the times it skipped',
    });
    expect(parseAt(['2011-12-31T00:00', '2011-12-30T23:00'], 'Pacific/Apia').ok).toBe(false);
    expect(parseAt('2011-12-31T00:00', 'Pacific/Apia')).toEqual({
      ok: true,
      value: { kind: 'at', instants: [Date.parse('2011-12-30T10:00:00Z')] },
    });
    // With an explicit offset it names an instant, which exists.
    expect(parseAtTime('2011-12-30T12:00-10:00', 'Pacific/Apia')).toEqual({
      ok: true,
      value: Date.parse('2011-12-30T22:00:00Z'),
    });
  });

  test('start: and --from, which are not runs, still read a lost time as the end of the gap', () => {
    expect(parseDateTime('2011-12-30T12:00', 'Pacific/Apia')).toEqual({
      ok: true,
      value: Date.parse('2011-12-30T10:00:00Z'),
    });
  });
});

describe('Pacific/Kiritimati, 1994-12-31 never happened', () => {
  test('0 0 * * *: midnight of the 30th, then of 1 January (the instant of the change itself)', () => {
    expect(upcomingIn('0 0 * * *', 'Pacific/Kiritimati', '1994-12-29T12:00:00Z', 3)).toEqual(
      isos(['1994-12-30T00:00:00-10:00', '1995-01-01T00:00:00+14:00', '1995-01-02T00:00:00+14:00']),
    );
  });

  test('30 12 31 12 *: the next run is a year later', () => {
    expect(upcomingIn('30 12 31 12 *', 'Pacific/Kiritimati', '1994-06-01T00:00:00Z', 1)).toEqual(
      isos(['1995-12-31T12:30:00+14:00']),
    );
  });
});

describe('daylight saving is not a zone change', () => {
  test(
    'Antarctica/Troll springs forward 2 hours (01:00 +00 -> 03:00 +02): ' + '30 1 * * * runs at the end of the gap',
    () => {
      expect(upcomingIn('30 1 * * *', 'Antarctica/Troll', '2026-03-28T12:00:00Z', 2)).toEqual(
        isos(['2026-03-29T03:00:00+02:00', '2026-03-30T01:30:00+02:00']),
      );
    },
  );

  test("the threshold is 3 hours: cronie's timeDiff > 3 * MINUTE_COUNT, a gap of G minutes waking G + 1 later", () => {
    const hour = 3_600_000;
    expect(isZoneChange({ at: 0, before: 0, after: 3 * hour })).toBe(true);
    expect(isZoneChange({ at: 0, before: -10 * hour, after: 14 * hour })).toBe(true);
    expect(isZoneChange({ at: 0, before: 0, after: 3 * hour - 60_000 })).toBe(false);
    expect(isZoneChange({ at: 0, before: 2 * hour, after: 0 })).toBe(false);
  });
});
