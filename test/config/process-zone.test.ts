/**
 * The process's zone (issue 15 point 2): every TZ value gives a zone Intl knows, or a refusal
 * that says what to set; never Intl's "Etc/Unknown", undefined, or a silent UTC.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { resolveProcessZone, zoneOfPath, type SystemZoneSource } from '../../src/config/process-zone.js';
import { validateSettings } from '../../src/config/settings.js';

/** A system whose /etc/localtime links to Europe/Berlin (Debian's layout), Intl reporting `intl`. */
function system(options: { localtime?: string | null; intl?: string; etcTimezone?: string } = {}): SystemZoneSource {
  const localtime = options.localtime === undefined ? 'Europe/Berlin' : options.localtime;
  return {
    intlZone: () => options.intl,
    zoneOfFile: (path) =>
      path === '/etc/localtime' ? localtime : path.startsWith('/usr/share/zoneinfo/') ? path.slice(20) : null,
    etcTimezone: () => options.etcTimezone ?? null,
  };
}

const resolve = (tz: string | undefined, source = system()) =>
  resolveProcessZone(tz === undefined ? {} : { TZ: tz }, source);

test.each([
  ['Europe/Paris', 'Europe/Paris'],
  [':Europe/Paris', 'Europe/Paris'],
  ['UTC', 'UTC'],
  // An IANA name that looks like a POSIX rule is a zone of the tz database, as glibc finds it first.
  ['EST5EDT', 'EST5EDT'],
  [':/usr/share/zoneinfo/America/New_York', 'America/New_York'],
  // POSIX without daylight saving: the Etc/GMT zone of the same rule (both count hours west of UTC).
  ['JST-9', 'Etc/GMT-9'],
  ['<+03>-3', 'Etc/GMT-3'],
  ['EST5', 'Etc/GMT+5'],
  ['UTC0', 'Etc/GMT'],
])('TZ=%j is the zone %s, without a warning', (tz, zone) => {
  expect(resolve(tz)).toEqual({ ok: true, zone, warning: null });
});

test.each([
  ['', 'TZ is set but empty (TZ="")'],
  [':', 'TZ is set but empty (TZ=":")'],
  ['Nowhere/Bogus', 'TZ="Nowhere/Bogus" is not a time zone'],
  ['/tmp/not-a-zone', 'TZ="/tmp/not-a-zone" is not a zone file under a zoneinfo folder'],
])('TZ=%j falls back to /etc/localtime with a warning', (tz, why) => {
  expect(resolve(tz)).toEqual({
    ok: true,
    zone: 'Europe/Berlin',
    warning: `${why}; using /etc/localtime's zone, Europe/Berlin`,
  });
});

test(':/etc/localtime is the zone /etc/localtime names, without a warning', () => {
  expect(resolve(':/etc/localtime')).toEqual({ ok: true, zone: 'Europe/Berlin', warning: null });
});

test('fall-back: /etc/timezone when /etc/localtime is a copy; UTC with a warning when none names a zone', () => {
  expect(resolve('', system({ localtime: null, etcTimezone: 'Asia/Tokyo' }))).toMatchObject({
    ok: true,
    zone: 'Asia/Tokyo',
  });
  expect(resolve('', system({ localtime: null }))).toEqual({
    ok: true,
    zone: 'UTC',
    warning: 'TZ is set but empty (TZ=""), and /etc/localtime names no zone; using UTC',
  });
});

test("TZ unset: Intl's zone; when Intl cannot name it (Etc/Unknown), /etc/localtime's with a warning", () => {
  expect(resolve(undefined, system({ intl: 'America/Chicago' }))).toEqual({
    ok: true,
    zone: 'America/Chicago',
    warning: null,
  });
  expect(resolve(undefined, system({ intl: 'Etc/Unknown' }))).toEqual({
    ok: true,
    zone: 'Europe/Berlin',
    warning:
      "the system's time zone could not be read (Intl reports Etc/Unknown); using /etc/localtime's zone, Europe/Berlin",
  });
});

test.each([
  ['CET-1CEST,M3.5.0,M10.5.0/3', 'a POSIX TZ rule with daylight saving'],
  ['EST5EDT,M3.2.0,M11.1.0', 'a POSIX TZ rule with daylight saving'],
  ['CET-1CEST', 'a POSIX TZ rule with daylight saving'],
  ['IST-5:30', 'a POSIX TZ offset that is not a whole number of hours'],
  ['XXX-15', 'a POSIX TZ offset no zone has'],
])('TZ=%j is refused with what to set instead', (tz, what) => {
  expect(resolve(tz)).toEqual({
    ok: false,
    reason:
      `TZ=${JSON.stringify(tz)} is ${what}, which taskkit does not read; ` +
      'set TZ to an IANA zone name (e.g. TZ=Europe/Berlin), or settings.timezone in the tasks file',
  });
});

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

test("zoneOfPath reads the name from the link target, the administrator's first (a link to a link)", () => {
  dir = mkdtempSync(join(tmpdir(), 'tk-zone-'));
  const zoneinfo = join(dir, 'usr/share/zoneinfo');
  mkdirSync(join(zoneinfo, 'Europe'), { recursive: true });
  mkdirSync(join(zoneinfo, 'US'), { recursive: true });
  writeFileSync(join(zoneinfo, 'America-New_York'), 'TZif');
  writeFileSync(join(zoneinfo, 'Europe/Berlin'), 'TZif');
  symlinkSync('../America-New_York', join(zoneinfo, 'US/Eastern'));
  symlinkSync(join(zoneinfo, 'Europe/Berlin'), join(dir, 'localtime'));
  symlinkSync('usr/share/zoneinfo/US/Eastern', join(dir, 'eastern'));
  symlinkSync('localtime', join(dir, 'chain'));
  writeFileSync(join(dir, 'copy'), 'TZif');
  expect(zoneOfPath(join(dir, 'localtime'))).toBe('Europe/Berlin');
  expect(zoneOfPath(join(dir, 'chain'))).toBe('Europe/Berlin');
  expect(zoneOfPath(join(dir, 'eastern'))).toBe('US/Eastern');
  expect(zoneOfPath(join(dir, 'copy'))).toBeNull();
  expect(zoneOfPath(join(dir, 'missing'))).toBeNull();
  expect(zoneOfPath('/usr/share/zoneinfo/posix/Asia/Tokyo', () => 'x')).toBe('Asia/Tokyo');
});

test('settings: a fall-back is a warning, a refused TZ an error, both only without settings.timezone', () => {
  const context = (TZ: string) => ({ baseDir: '/srv', env: { TZ, HOME: '/home/u' } });
  const summary = (TZ: string, raw?: Record<string, unknown>) =>
    validateSettings(raw, context(TZ)).issues.map((issue) => [issue.severity, issue.code, issue.path, issue.message]);
  expect(summary('')).toEqual([
    ['warning', 'host', ['settings', 'timezone'], expect.stringMatching(/^TZ is set but empty \(TZ=""\); using /)],
  ]);
  const posix = 'CET-1CEST,M3.5.0,M10.5.0/3';
  expect(summary(posix)).toEqual([
    [
      'error',
      'invalid-value',
      ['settings', 'timezone'],
      expect.stringContaining(`TZ="${posix}" is a POSIX TZ rule with daylight saving`),
    ],
  ]);
  expect(summary(posix, { timezone: 'Europe/Berlin' })).toEqual([]);
  expect(summary('', { timezone: 'Europe/Berlin' })).toEqual([]);
  expect(validateSettings({ timezone: 'Europe/Berlin' }, context(posix)).settings.timezone).toBe('Europe/Berlin');
});
