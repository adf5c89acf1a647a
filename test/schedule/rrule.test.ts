// Issue 17: what the dateutil table (rrule-oracle.test.ts) cannot show: next() from any instant
// equals scanning the expansion from DTSTART (the jump to the period holding `after` keeps
// INTERVAL's phase), rules that never fire again end, COUNT is counted from DTSTART, zone changes
// lose their times as `daily` loses them, and task-instants counts rrule instants.
import { describe, expect, test } from 'vitest';
import { nextDaily, parseDaily } from '../../src/schedule/daily.js';
import { compileSchedule } from '../../src/schedule/next.js';
import { parseRrule } from '../../src/schedule/rrule-parse.js';
import { wallInstant } from '../../src/schedule/rrule-instant.js';
import { RruleExpander } from '../../src/schedule/rrule-period.js';
import { planRrule, rruleNeverFires } from '../../src/schedule/rrule-plan.js';
import { countTaskInstants } from '../../src/schedule/task-instants.js';
import type { RruleSpec } from '../../src/schedule/types.js';
import { wallToLocalMs } from '../../src/schedule/zoned.js';
import { wallOf } from './_rrule-support.js';

const ms = (iso: string): number => Date.parse(iso);
const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

function rrule(rule: string, start = '2000-01-01T00:00:00'): RruleSpec {
  const parsed = parseRrule(rule, wallOf(start));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

/** Every instant up to `end`, by expanding from DTSTART period after period (no jump). */
function scanFromStart(spec: RruleSpec, tz: string, end: number): number[] {
  const expander = new RruleExpander(planRrule(spec));
  const untilWall = spec.until !== null && 'wall' in spec.until ? wallToLocalMs(spec.until.wall) : Infinity;
  const out: number[] = [];
  const walls: number[] = [];
  while (expander.next(walls)) {
    for (const wall of walls) {
      if (wall > untilWall) return out;
      const instant = wallInstant(wall, tz);
      if (instant === null || instant === out[out.length - 1]) continue;
      if (instant > end) return out;
      out.push(instant);
    }
  }
  return out;
}

/** A small seeded generator (mulberry32): the same "random" instants on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('next() from any instant equals the scan from DTSTART', () => {
  test.each([
    ['FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=18;BYMINUTE=0', '2000-01-01T00:00:00', 'Europe/Berlin'],
    ['FREQ=YEARLY;INTERVAL=3;BYWEEKNO=1,-1;BYDAY=MO,SU;WKST=SU', '2000-01-01T09:00:00', 'UTC'],
    ['FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU;BYHOUR=1,2,3;BYMINUTE=30', '2001-01-01T00:00:00', 'Europe/Berlin'],
    ['FREQ=MONTHLY;INTERVAL=7;BYMONTHDAY=-1,1,15', '2000-03-31T06:00:00', 'America/New_York'],
    ['FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,SU;WKST=SU;BYHOUR=1,2', '2000-01-05T09:00:00', 'America/New_York'],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR;BYSETPOS=1,-1', '2000-01-06T12:00:00', 'UTC'],
    ['FREQ=DAILY;INTERVAL=9;BYHOUR=2;BYMINUTE=15,45', '2000-01-01T00:00:00', 'Australia/Lord_Howe'],
    ['FREQ=HOURLY;INTERVAL=5;BYDAY=SA,SU;BYMINUTE=10', '2000-01-01T03:00:00', 'America/New_York'],
    ['FREQ=MINUTELY;INTERVAL=97;BYHOUR=1,2,3', '2020-01-01T00:00:00', 'Europe/Berlin'],
    ['FREQ=SECONDLY;INTERVAL=7777;BYMINUTE=0,1,2,3,4,5', '2024-01-01T00:00:00', 'Australia/Lord_Howe'],
  ])('%s from %s in %s', (rule, start, tz) => {
    const spec = rrule(rule, start);
    const schedule = compileSchedule(spec, tz);
    const from = ms('2025-01-01T00:00:00Z');
    const end = ms('2028-01-01T00:00:00Z');
    const all = scanFromStart(spec, tz, end + 10 * 366 * 86_400_000);
    expect(all.length).toBeGreaterThan(5);
    const next = random(rule.length);
    for (let i = 0; i < 300; i++) {
      // Any ms of the three years, and half the time one of the rule's own instants (a tie).
      const own = all.filter((t) => t >= from && t <= end);
      const after =
        i % 2 === 0 || own.length === 0
          ? from + Math.floor(next() * (end - from))
          : (own[Math.floor(next() * own.length)] as number);
      const expected = all.find((t) => t > after) ?? null;
      expect(iso(schedule.next(after)), `after ${iso(after)}`).toBe(iso(expected));
    }
  });
});

describe('rules that stop firing', () => {
  test.each([
    ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', 'February 30th never comes'],
    ['FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31', 'nor April 31st'],
    ['FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=-30', 'nor the 30th day before the end of February'],
    ['FREQ=HOURLY;BYMONTH=6;BYMONTHDAY=31;BYMINUTE=5', 'nor June 31st, hourly'],
    ['FREQ=HOURLY;INTERVAL=2;BYHOUR=3', 'an odd hour two-hourly from midnight (dateutil: an empty set)'],
    ['FREQ=MINUTELY;INTERVAL=120;BYHOUR=1', 'every other hour from midnight (dateutil: an invalid combination)'],
    ['FREQ=SECONDLY;INTERVAL=120;BYMINUTE=1', 'every other minute from midnight (dateutil: an invalid combination)'],
  ])('%s: null (%s), quickly', (rule) => {
    const schedule = compileSchedule(rrule(rule), 'Europe/Berlin');
    const started = performance.now();
    expect(schedule.next(ms('2026-06-01T00:00:00Z'))).toBeNull();
    // The scan stops after 400 years of periods; generous for a loaded shared machine.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test('rruleNeverFires says which rules dateutil refuses as empty (for the parser to tell the user)', () => {
    expect(rruleNeverFires(rrule('FREQ=MINUTELY;INTERVAL=120;BYHOUR=1'))).toBe(true);
    expect(rruleNeverFires(rrule('FREQ=MINUTELY;INTERVAL=120;BYHOUR=1', '2000-01-01T01:00:00'))).toBe(false);
    expect(rruleNeverFires(rrule('FREQ=SECONDLY;INTERVAL=90;BYMINUTE=1;BYSECOND=30'))).toBe(false);
    expect(rruleNeverFires(rrule('FREQ=SECONDLY;INTERVAL=90;BYMINUTE=1;BYSECOND=15'))).toBe(true);
    expect(rruleNeverFires(rrule('FREQ=HOURLY;INTERVAL=2;BYHOUR=3'))).toBe(true);
    // February 30th is a calendar matter, found by the scan, not here.
    expect(rruleNeverFires(rrule('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30'))).toBe(false);
  });

  test('UNTIL as an instant is inclusive, compared with the instant the wall time fires at', () => {
    const schedule = compileSchedule(
      rrule('FREQ=DAILY;UNTIL=20260310T140000Z', '2026-03-01T09:00:00'),
      'America/New_York',
    );
    // 09:00 EDT on 03-10 is 13:00Z (fires), on 03-11 it is 13:00Z + 1 day (after UNTIL).
    expect(iso(schedule.next(ms('2026-03-09T14:00:00Z')))).toBe('2026-03-10T13:00:00.000Z');
    expect(schedule.next(ms('2026-03-10T13:00:00Z'))).toBeNull();
  });

  test('year 9999 ends the expansion, as dateutil.MAXYEAR does', () => {
    const schedule = compileSchedule(rrule('FREQ=YEARLY;INTERVAL=1000', '2000-06-01T00:00:00'), 'UTC');
    expect(iso(schedule.next(ms('8500-01-01T00:00:00Z')))).toBe('9000-06-01T00:00:00.000Z');
    expect(schedule.next(ms('9000-06-01T00:00:00Z'))).toBeNull();
  });
});

describe('COUNT: occurrences counted from DTSTART, expanded once', () => {
  test('the count is spent on wall times before `after` too', () => {
    const schedule = compileSchedule(rrule('FREQ=WEEKLY;BYDAY=MO;COUNT=3', '2026-01-01T09:00:00'), 'UTC');
    expect(iso(schedule.next(0))).toBe('2026-01-05T09:00:00.000Z');
    expect(iso(schedule.next(ms('2026-01-10T00:00:00Z')))).toBe('2026-01-12T09:00:00.000Z');
    expect(iso(schedule.next(ms('2026-01-12T09:00:00Z')))).toBe('2026-01-19T09:00:00.000Z');
    expect(schedule.next(ms('2026-01-19T09:00:00Z'))).toBeNull();
  });

  test.each([
    ['FREQ=HOURLY;BYMINUTE=10,30,50', '2026-10-31T20:00:00', 'America/New_York'],
    ['FREQ=MINUTELY;INTERVAL=10', '2026-04-04T23:00:00', 'Australia/Lord_Howe'],
    ['FREQ=MINUTELY;INTERVAL=10', '2026-10-03T23:00:00', 'Australia/Lord_Howe'],
    ['FREQ=DAILY;BYHOUR=2;BYMINUTE=30', '2026-03-20T00:00:00', 'Europe/Berlin'],
  ])('%s;COUNT=60 from %s in %s fires as the rule without COUNT, up to its last', (rule, start, tz) => {
    const counted = compileSchedule(rrule(`${rule};COUNT=60`, start), tz);
    const open = compileSchedule(rrule(rule, start), tz);
    // 60 wall times; fewer instants where a spring-forward gap collapses some into one.
    const instants: number[] = [];
    for (let t = counted.next(ms(`${start}Z`) - 86_400_000); t !== null; t = counted.next(t)) instants.push(t);
    expect(instants.length).toBeGreaterThan(50);
    const first = instants[0] as number;
    const last = instants[instants.length - 1] as number;
    const next = random(rule.length + start.length);
    for (let i = 0; i < 200; i++) {
      const after = first - 3_600_000 + Math.floor(next() * (last - first + 3_600_000));
      expect(iso(counted.next(after)), `after ${iso(after)}`).toBe(iso(open.next(after)));
    }
    expect(counted.next(last)).toBeNull();
  });

  test('wall times of one spring-forward gap collapse into one instant, and still count', () => {
    // 02:00, 02:20, 02:40 and 03:00 (the gap's end) all fire at 01:00Z: one run, four counted.
    const schedule = compileSchedule(
      rrule('FREQ=MINUTELY;INTERVAL=20;COUNT=8', '2026-03-29T01:20:00'),
      'Europe/Berlin',
    );
    const got: (string | null)[] = [];
    for (let t: number | null = 0; t !== null; t = schedule.next(t)) if (t !== 0) got.push(iso(t));
    expect(got).toEqual([
      '2026-03-29T00:20:00.000Z',
      '2026-03-29T00:40:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T01:20:00.000Z',
      '2026-03-29T01:40:00.000Z',
    ]);
  });
});

describe("zone changes lose their times, as daily's do", () => {
  // Pacific/Apia skipped 2011-12-30; Pacific/Kiritimati 1994-12-31 (zone-change.test.ts).
  test.each([
    ['Pacific/Apia', '2011-12-25T00:00:00Z'],
    ['Pacific/Kiritimati', '1994-12-25T00:00:00Z'],
    ['America/New_York', '2026-03-01T00:00:00Z'],
    ['Australia/Lord_Howe', '2026-09-28T00:00:00Z'],
  ])('FREQ=DAILY at 00:00, 02:15, 12:00 and 23:59 in %s equals daily', (tz, from) => {
    const rule = compileSchedule(
      rrule('FREQ=DAILY;BYHOUR=0,2,12,23;BYMINUTE=0,15,59;BYSETPOS=1,5,7,12', '1990-01-01T00:00:00'),
      tz,
    );
    const daily = parseDaily(['00:00', '02:15', '12:00', '23:59']);
    if (!daily.ok) throw new Error(daily.message);
    let a: number | null = ms(from);
    let b: number | null = a;
    for (let i = 0; i < 60 && a !== null && b !== null; i++) {
      a = rule.next(a);
      b = nextDaily(daily.value, tz, b);
      expect(iso(a)).toBe(iso(b));
    }
  });
});

test('countTaskInstants counts rrule instants (through next())', () => {
  const schedule = compileSchedule(rrule('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0'), 'Europe/Berlin');
  const timing = { schedule, until: null, runsLeft: Infinity, lastScheduledAt: null };
  expect(countTaskInstants(timing, ms('2026-06-01T00:00:00Z'), ms('2026-07-01T00:00:00Z'))).toEqual({
    count: 22,
    more: false,
    first: ms('2026-06-01T07:00:00Z'),
    last: ms('2026-06-30T07:00:00Z'),
  });
});
