/** Instants for humans: the Date fast paths (UTC, the TZ zone) agree with the Intl path of schedule/zoned. */
import { afterEach, describe, expect, test } from 'vitest';
import {
  formatAge,
  formatInstant,
  formatInstantShort,
  formatRelative,
  formatWhen,
  isLocalZone,
  readWall,
  withTzPinned,
} from '../../../src/cli/format/time.js';
import { offsetAt, toWall } from '../../../src/schedule/zoned.js';

const at = (iso: string): number => Date.parse(iso);

describe('readWall', () => {
  // Around the 2026 DST changes of New York and Berlin, and an ordinary instant.
  const instants = [
    '2026-03-08T06:59:59Z',
    '2026-03-08T07:00:00Z',
    '2026-11-01T05:59:59Z',
    '2026-11-01T06:00:00Z',
    '2026-03-29T00:59:59Z',
    '2026-03-29T01:00:00Z',
    '2026-07-14T12:34:56Z',
  ];

  test.each(instants)('UTC names read from Date equal the Intl answer at %s', (iso) => {
    for (const zone of ['UTC', 'Etc/UTC', 'GMT']) {
      expect(readWall(at(iso), zone)).toEqual({ wall: { ...toWallFields(at(iso), 'UTC') }, offsetMs: 0 });
    }
  });

  test.each(instants)('the zone TZ names, read from Date, equals the Intl answer at %s', (iso) => {
    const saved = process.env['TZ'];
    try {
      for (const zone of ['America/New_York', 'Europe/Berlin']) {
        process.env['TZ'] = zone;
        expect(readWall(at(iso), zone)).toEqual({
          wall: toWallFields(at(iso), zone),
          offsetMs: offsetAt(at(iso), zone),
        });
        expect(readWall(at(iso), null)).toEqual({
          wall: toWallFields(at(iso), zone),
          offsetMs: offsetAt(at(iso), zone),
        });
      }
    } finally {
      if (saved === undefined) delete process.env['TZ'];
      else process.env['TZ'] = saved;
    }
  });

  test('another zone goes through Intl', () => {
    expect(readWall(at('2026-07-14T12:00:00Z'), 'Asia/Kolkata')).toEqual({
      wall: { year: 2026, month: 7, day: 14, hour: 17, minute: 30, second: 0 },
      offsetMs: 19_800_000,
    });
  });
});

describe('formatting', () => {
  test('formatInstant shows the offset, so DST is visible', () => {
    expect(formatInstant(at('2026-03-08T06:59:59Z'), 'America/New_York')).toBe('2026-03-08 01:59:59 -05:00');
    expect(formatInstant(at('2026-03-08T07:00:00Z'), 'America/New_York')).toBe('2026-03-08 03:00:00 -04:00');
  });

  test('formatInstantShort: the time alone on the same local day, else the date too', () => {
    const now = at('2026-03-01T22:00:00Z');
    expect(formatInstantShort(at('2026-03-01T23:59:59Z'), 'UTC', now)).toBe('23:59:59');
    expect(formatInstantShort(at('2026-03-02T00:00:00Z'), 'UTC', now)).toBe('2026-03-02 00:00:00');
    // 22:00Z is already 2 March in Tokyo.
    expect(formatInstantShort(at('2026-03-02T00:00:00Z'), 'Asia/Tokyo', now)).toBe('09:00:00 Asia/Tokyo');
  });

  test('formatWhen: relative first, then absolute', () => {
    const now = at('2026-03-01T12:00:00Z');
    expect(formatWhen(at('2026-03-01T12:04:30Z'), 'UTC', now)).toBe('in 4m30s (12:04:30)');
    expect(formatWhen(at('2026-03-01T11:59:58Z'), 'UTC', now)).toBe('2s ago (11:59:58)');
    expect(formatWhen(at('2026-03-01T12:00:00.400Z'), 'UTC', now)).toBe('now (12:00:00)');
  });

  test('a far instant: its biggest unit, then the date (never "in 1125d11h31m55s")', () => {
    const now = at('2026-10-31T12:28:05Z');
    expect(formatWhen(at('2029-12-01T00:00:00Z'), 'UTC', now)).toBe('in 3y (2029-12-01 00:00:00)');
    expect(formatWhen(at('2026-12-15T12:00:00Z'), 'UTC', now)).toBe('in 45d (2026-12-15 12:00:00)');
    expect(formatWhen(at('2026-11-04T15:28:05Z'), 'UTC', now)).toBe('in 4d3h (2026-11-04 15:28:05)');
    expect(formatRelative(at('2026-10-31T15:48:05Z'), now)).toBe('in 3h20m');
    expect(formatRelative(at('2026-10-31T12:33:15Z'), now)).toBe('in 5m10s');
    expect(formatRelative(at('2023-10-31T12:28:05Z'), now)).toBe('3y ago');
    expect(formatAge(3 * 3_600_000 + 20 * 60_000 + 59_999)).toBe('3h21m');
  });
});

describe('the zone beside a wall time', () => {
  const saved = process.env['TZ'];
  afterEach(() => {
    if (saved === undefined) delete process.env['TZ'];
    else process.env['TZ'] = saved;
  });
  const now = at('2026-07-14T08:00:00Z');

  test('named when the task zone is not this process zone, so 07:00 is not read as local', () => {
    process.env['TZ'] = 'Europe/Berlin';
    expect(formatWhen(at('2026-07-14T11:00:00Z'), 'America/New_York', now)).toBe('in 3h (07:00:00 America/New_York)');
    expect(formatInstantShort(at('2026-07-15T11:00:00Z'), 'Etc/UTC', now)).toBe('2026-07-15 11:00:00 UTC');
  });

  test('left out for the local zone, by TZ or by the name Intl resolves, and for UTC by any name', () => {
    process.env['TZ'] = 'America/New_York';
    expect(formatWhen(at('2026-07-14T11:00:00Z'), 'America/New_York', now)).toBe('in 3h (07:00:00)');
    expect(formatWhen(at('2026-07-14T11:00:00Z'), null, now)).toBe('in 3h (07:00:00)');
    process.env['TZ'] = ':America/New_York';
    expect(isLocalZone('America/New_York')).toBe(true);
    process.env['TZ'] = 'UTC';
    expect(isLocalZone('Etc/UTC')).toBe(true);
    expect(isLocalZone('Europe/Berlin')).toBe(false);
  });

  test("today's date is kept per now, zone and TZ: the same now in another TZ is another day", () => {
    const late = at('2026-03-01T23:30:00Z');
    const next = at('2026-03-02T00:30:00Z');
    process.env['TZ'] = 'UTC';
    expect(formatInstantShort(next, null, late)).toBe('2026-03-02 00:30:00');
    process.env['TZ'] = 'Europe/Berlin';
    expect(formatInstantShort(next, null, late)).toBe('01:30:00');
    expect(formatInstantShort(next, 'UTC', late)).toBe('2026-03-02 00:30:00 UTC');
  });

  test('withTzPinned reads TZ once: a drawing gives what it gives unpinned', () => {
    process.env['TZ'] = 'America/New_York';
    const unpinned = formatWhen(at('2026-07-14T11:00:00Z'), 'America/New_York', now);
    expect(withTzPinned(() => formatWhen(at('2026-07-14T11:00:00Z'), 'America/New_York', now))).toBe(unpinned);
    expect(withTzPinned(() => formatWhen(at('2026-07-14T11:00:00Z'), 'Europe/Berlin', now))).toBe(
      'in 3h (13:00:00 Europe/Berlin)',
    );
  });
});

function toWallFields(
  instant: number,
  zone: string,
): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const { year, month, day, hour, minute, second } = toWall(instant, zone);
  return { year, month, day, hour, minute, second };
}
