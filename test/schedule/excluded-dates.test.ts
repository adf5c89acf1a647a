// Issue 17.2: an instant is excluded when its LOCAL date in the task's zone is in a calendar; a run
// of excluded dates ends at local midnight of the next date (or where a gap at midnight ends).
import { describe, expect, test } from 'vitest';
import { daysFromCivil } from '../../src/schedule/calendar.js';
import { buildExclusion, hasDay, localDay } from '../../src/schedule/excluded-dates.js';
import { compileSchedule } from '../../src/schedule/next.js';
import { parseDaily } from '../../src/schedule/daily.js';
import { nextTaskInstant, upcomingTaskInstants } from '../../src/schedule/task-instants.js';

const ms = (text: string): number => Date.parse(text);
const iso = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString());

describe('localDay and hasDay', () => {
  test('the local date of an instant, in its zone', () => {
    const at = ms('2026-12-24T23:30:00Z');
    expect(localDay(at, 'UTC')).toBe(daysFromCivil(2026, 12, 24));
    expect(localDay(at, 'Europe/Berlin')).toBe(daysFromCivil(2026, 12, 25));
    expect(localDay(at, 'America/New_York')).toBe(daysFromCivil(2026, 12, 24));
  });

  test('binary search over a sorted list', () => {
    const days = [3, 5, 8, 13, 21];
    expect([0, 3, 4, 5, 13, 20, 21, 22].map((day) => hasDay(days, day))).toEqual([
      false,
      true,
      false,
      true,
      true,
      false,
      true,
      false,
    ]);
    expect(hasDay([], 1)).toBe(false);
  });
});

describe('buildExclusion', () => {
  const christmas = { name: 'xmas', days: [daysFromCivil(2026, 12, 25), daysFromCivil(2026, 12, 26)] };
  const closed = { name: 'closed', days: [daysFromCivil(2026, 12, 27)] };

  test('none without calendars', () => {
    expect(buildExclusion(undefined, 'UTC')).toBeNull();
    expect(buildExclusion([], 'UTC')).toBeNull();
  });

  test('the first calendar that excludes a date names it; a run of dates across calendars ends once', () => {
    const exclusion = buildExclusion([christmas, closed], 'Europe/Berlin');
    expect(exclusion?.calendarOf(ms('2026-12-24T22:59:59Z'))).toBeNull();
    expect(exclusion?.calendarOf(ms('2026-12-24T23:00:00Z'))).toBe('xmas');
    expect(exclusion?.calendarOf(ms('2026-12-27T12:00:00Z'))).toBe('closed');
    expect(iso(exclusion?.excludedUntil(ms('2026-12-25T10:00:00Z')) ?? null)).toBe('2026-12-27T23:00:00.000Z');
    expect(exclusion?.excludedUntil(ms('2026-12-28T10:00:00Z'))).toBeNull();
  });

  test('a zone that springs forward at midnight: the excluded run ends where the gap ends', () => {
    // Chile moves from 00:00 to 01:00 on 2026-09-06: that date has no midnight.
    const exclusion = buildExclusion([{ name: 'eve', days: [daysFromCivil(2026, 9, 5)] }], 'America/Santiago');
    expect(iso(exclusion?.excludedUntil(ms('2026-09-05T15:00:00Z')) ?? null)).toBe('2026-09-06T04:00:00.000Z');
  });

  test('a daily task over ten years of weekly holidays: instants in one pass, excluded dates left out', () => {
    const daily = parseDaily('09:00');
    if (!daily.ok) throw new Error(daily.message);
    const schedule = compileSchedule(daily.value, 'Europe/Berlin');
    // Every Sunday for ten years (522 dates) and a whole week.
    const sundays: number[] = [];
    for (let day = daysFromCivil(2027, 1, 3); day < daysFromCivil(2037, 1, 1); day += 7) sundays.push(day);
    const week = [];
    for (let day = daysFromCivil(2030, 8, 1); day <= daysFromCivil(2030, 8, 7); day++) week.push(day);
    const exclusion = buildExclusion(
      [
        { name: 'sundays', days: sundays },
        { name: 'week', days: week },
      ],
      'Europe/Berlin',
    );
    const timing = { schedule, until: null, runsLeft: Infinity, lastScheduledAt: null, exclusion };
    const instants = upcomingTaskInstants(timing, ms('2027-01-01T00:00:00Z'), 10 * 366);
    const localDays = new Set(instants.map((at) => localDay(at, 'Europe/Berlin')));
    expect(sundays.some((day) => localDays.has(day))).toBe(false);
    expect(week.some((day) => localDays.has(day))).toBe(false);
    expect(localDays.has(daysFromCivil(2030, 8, 8))).toBe(true);
    expect(iso(nextTaskInstant(timing, ms('2030-07-31T12:00:00Z')))).toBe('2030-08-08T07:00:00.000Z');
  });
});
