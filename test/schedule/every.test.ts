// DESIGN.md "Schedule semantics", `every`: fixed rate on the absolute timeline, anchored at
// `start` (default: local midnight 2000-01-01 in the task's zone); no drift; next is strictly after.
import { describe, expect, test } from 'vitest';
import { nextEvery, parseEvery } from '../../src/schedule/every.js';
import type { EverySpec } from '../../src/schedule/types.js';

const ms = (iso: string): number => Date.parse(iso);
const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

function spec(every: string, start: string | undefined, tz: string): EverySpec {
  const parsed = parseEvery(every, start, tz);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

describe('parseEvery', () => {
  test('default anchor: local midnight 2000-01-01 in the zone', () => {
    expect(iso(spec('1h', undefined, 'Europe/Berlin').anchor)).toBe(iso(ms('2000-01-01T00:00:00+01:00')));
    expect(iso(spec('1h', undefined, 'Asia/Kolkata').anchor)).toBe(iso(ms('2000-01-01T00:00:00+05:30')));
    expect(spec('1h', undefined, 'UTC').startGiven).toBe(false);
  });

  test('start: is parsed in the zone and marked as given', () => {
    const given = spec('5m', '2026-01-01T00:00', 'America/New_York');
    expect(iso(given.anchor)).toBe(iso(ms('2026-01-01T00:00:00-05:00')));
    expect(given.startGiven).toBe(true);
    expect(given.periodMs).toBe(300_000);
  });

  test.each([
    ['0s', 'period must be at least 100ms, got "0s"'],
    ['50ms', 'period must be at least 100ms, got "50ms"'],
    ['5', 'expected a duration like "90s", "5m" or "1h30m", got "5"'],
  ])('rejects every: %j', (raw, message) => {
    expect(parseEvery(raw, undefined, 'UTC')).toEqual({ ok: false, message });
  });

  test('rejects a bad start, saying it is the start', () => {
    const result = parseEvery('5m', 'soon', 'UTC');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/^start: expected a date and time/);
  });
});

describe('nextEvery', () => {
  test('default anchor fires on the hour (every: 1h)', () => {
    const hourly = spec('1h', undefined, 'Asia/Kolkata');
    expect(iso(nextEvery(hourly, ms('2026-05-05T10:17:00+05:30')))).toBe(iso(ms('2026-05-05T11:00:00+05:30')));
  });

  test('default anchor: every 15m lands on quarter hours', () => {
    const quarter = spec('15m', undefined, 'America/New_York');
    expect(iso(nextEvery(quarter, ms('2026-05-05T10:17:00-04:00')))).toBe(iso(ms('2026-05-05T10:30:00-04:00')));
  });

  test('start anchors the phase', () => {
    const anchored = spec('1h', '2026-01-01T00:20', 'UTC');
    expect(iso(nextEvery(anchored, ms('2026-03-03T05:00:00Z')))).toBe('2026-03-03T05:20:00.000Z');
  });

  test('with start given, instants before it never fire: the first is start itself', () => {
    const anchored = spec('1h', '2026-01-01T00:20', 'UTC');
    expect(iso(nextEvery(anchored, ms('2025-06-01T00:00:00Z')))).toBe('2026-01-01T00:20:00.000Z');
  });

  test('strictly after: asking at an instant gives the following one', () => {
    const anchored = spec('1h', '2026-01-01T00:20', 'UTC');
    expect(iso(nextEvery(anchored, ms('2026-01-01T00:20:00Z')))).toBe('2026-01-01T01:20:00.000Z');
    expect(iso(nextEvery(anchored, ms('2026-01-01T01:19:59.999Z')))).toBe('2026-01-01T01:20:00.000Z');
  });

  test.each(['2026-04-01T00:00:00Z', '2026-04-01T06:59:59Z', '2026-04-01T07:13:07Z', '2026-04-01T07:29:59.999Z'])(
    'phase is the same whatever `after` is, so restarts keep it (after %s)',
    (after) => {
      // A 7-minute period does not divide an hour: a phase that drifted would show at once.
      const odd = spec('7m', '2026-04-01T00:01', 'UTC');
      const next = nextEvery(odd, ms(after));
      expect((next - ms('2026-04-01T00:01:00Z')) % 420_000).toBe(0);
      expect(next).toBeGreaterThan(ms(after));
      expect(next - ms(after)).toBeLessThanOrEqual(420_000);
    },
  );

  test('no drift: a fixed rate on the absolute timeline, even across DST', () => {
    // 2026-03-08 is spring-forward in New York; every 1h stays 3600 s apart.
    const hourly = spec('1h', undefined, 'America/New_York');
    const first = nextEvery(hourly, ms('2026-03-08T01:30:00-05:00'));
    const second = nextEvery(hourly, first);
    expect(iso(first)).toBe(iso(ms('2026-03-08T02:00:00-05:00')));
    expect(second - first).toBe(3_600_000);
    expect(iso(second)).toBe(iso(ms('2026-03-08T04:00:00-04:00')));
  });
});
