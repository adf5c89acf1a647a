/**
 * The zone taskkit uses when neither a task nor settings.timezone names one: the process's own,
 * from `TZ`, else `/etc/localtime` (issue 15 point 2). Node's Intl reads `TZ` as ICU does, which
 * is not as glibc does: an empty `TZ` (what `docker run -e TZ=` passes) comes back as
 * "Etc/Unknown", which no later Intl call accepts; an unknown name or a path comes back as
 * undefined; and a POSIX rule such as `CET-1CEST,M3.5.0,M10.5.0/3` silently becomes UTC. So the
 * value is read here, and every outcome is either a zone Intl knows or a refusal with a reason:
 *
 * - unset: the zone Intl reports (ICU reads /etc/localtime), else the one /etc/localtime names;
 * - an IANA name, with or without glibc's leading ':' (`:Europe/Berlin`): that zone;
 * - a path (`:/etc/localtime`, `/usr/share/zoneinfo/Europe/Paris`): the zone it is, or links to,
 *   under a `zoneinfo` folder;
 * - a POSIX TZ of a whole-hour offset without daylight saving (`JST-9`, `UTC0`, `<+03>-3`): the
 *   `Etc/GMT` zone of that offset, which is exactly the same rule (`JST-9` is `Etc/GMT-9`);
 * - a POSIX TZ with daylight saving (`CET-1CEST,M3.5.0,M10.5.0/3`) or a part-hour offset:
 *   refused, with what to set instead; taskkit does not implement POSIX rules, and guessing the
 *   dates of a summer time is how a job runs an hour off for half the year;
 * - empty, or anything else (`Nowhere/Bogus`): /etc/localtime's zone, with a warning (UTC with a
 *   warning when /etc/localtime names none either, as glibc uses UTC without it).
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isValidTimeZone, systemTimeZone } from '../schedule/zoned.js';

type Env = Readonly<Record<string, string | undefined>>;

export type ProcessZone =
  | { readonly ok: true; readonly zone: string; readonly warning: string | null }
  | { readonly ok: false; readonly reason: string };

/** Where the system's zone is read from; tests give their own. */
export interface SystemZoneSource {
  /** The zone Intl reports for this process, as it started. */
  intlZone(): string | undefined;
  /** The zone a file names: its link target (or its own path) under a zoneinfo folder, else null. */
  zoneOfFile(path: string): string | null;
  /** /etc/timezone's content (Debian writes the zone name there), or null. */
  etcTimezone(): string | null;
}

const LOCALTIME = '/etc/localtime';
const MAX_LINKS = 8;
// std [offset], no DST part: "JST-9", "UTC0", "<+0330>-3:30". The offset is hours west of UTC.
const POSIX_FIXED = /^(?:[A-Za-z]{3,}|<[A-Za-z0-9+-]{3,}>)([+-]?)(\d{1,2})(?::(\d{1,2})(?::(\d{1,2}))?)?$/;
// std offset dst[offset][,rule]: a daylight-saving rule ("CET-1CEST,M3.5.0,M10.5.0/3", "EST5EDT,M3.2.0,M11.1.0").
const POSIX_DST =
  /^(?:[A-Za-z]{3,}|<[A-Za-z0-9+-]{3,}>)[+-]?\d{1,2}(?::\d{1,2}){0,2}(?:[A-Za-z]{3,}|<[A-Za-z0-9+-]{3,}>)/;

/** The process zone for `env`, or the reason its TZ cannot be used. */
export function resolveProcessZone(env: Env, source: SystemZoneSource = systemSource): ProcessZone {
  const raw = env['TZ'];
  if (raw === undefined) {
    const intl = source.intlZone();
    if (intl !== undefined && isValidTimeZone(intl)) return { ok: true, zone: intl, warning: null };
    return fallBack(`the system's time zone could not be read (Intl reports ${String(intl)})`, source);
  }
  const value = raw.startsWith(':') ? raw.slice(1) : raw;
  const shown = JSON.stringify(raw);
  if (value.trim() === '') return fallBack(`TZ is set but empty (TZ=${shown})`, source);
  if (isValidTimeZone(value)) return { ok: true, zone: value, warning: null };
  if (value.startsWith('/')) {
    const zone = source.zoneOfFile(value);
    if (zone !== null) return { ok: true, zone, warning: null };
    return fallBack(`TZ=${shown} is not a zone file under a zoneinfo folder`, source);
  }
  const fixed = POSIX_FIXED.exec(value);
  if (fixed !== null) return readFixedOffset(shown, fixed);
  if (POSIX_DST.test(value)) return { ok: false, reason: refuse(shown, 'a POSIX TZ rule with daylight saving') };
  return fallBack(`TZ=${shown} is not a time zone`, source);
}

/** A POSIX TZ without daylight saving: the Etc/GMT zone of its offset (same sign: hours west of UTC). */
function readFixedOffset(shown: string, match: RegExpExecArray): ProcessZone {
  const [, sign, hours, minutes, seconds] = match;
  const west = Number(hours);
  if (Number(minutes ?? 0) !== 0 || Number(seconds ?? 0) !== 0)
    return { ok: false, reason: refuse(shown, 'a POSIX TZ offset that is not a whole number of hours') };
  const zone = west === 0 ? 'Etc/GMT' : `Etc/GMT${sign === '-' ? '-' : '+'}${west}`;
  if (!isValidTimeZone(zone)) return { ok: false, reason: refuse(shown, 'a POSIX TZ offset no zone has') };
  return { ok: true, zone, warning: null };
}

function refuse(shown: string, what: string): string {
  return (
    `TZ=${shown} is ${what}, which taskkit does not read; ` +
    'set TZ to an IANA zone name (e.g. TZ=Europe/Berlin), or settings.timezone in the tasks file'
  );
}

/** /etc/localtime's zone (else /etc/timezone's), with a warning that says why it is used. */
function fallBack(why: string, source: SystemZoneSource): ProcessZone {
  const local = source.zoneOfFile(LOCALTIME) ?? validOrNull(source.etcTimezone());
  if (local !== null) return { ok: true, zone: local, warning: `${why}; using ${LOCALTIME}'s zone, ${local}` };
  return { ok: true, zone: 'UTC', warning: `${why}, and ${LOCALTIME} names no zone; using UTC` };
}

function validOrNull(zone: string | null): string | null {
  return zone !== null && isValidTimeZone(zone) ? zone : null;
}

/**
 * The zone name a path stands for: the part after `zoneinfo/` of the path itself or of a link
 * it leads to (`/etc/localtime -> /usr/share/zoneinfo/Europe/Berlin` on Debian), first match
 * wins, so a link to a link keeps the name the administrator chose.
 */
export function zoneOfPath(path: string, readLink: (path: string) => string = readlinkSync): string | null {
  let current = path;
  for (let i = 0; i <= MAX_LINKS; i++) {
    const named = zoneNameIn(current);
    if (named !== null) return named;
    let target: string;
    try {
      target = readLink(current);
    } catch {
      return null; // not a link (a copied file, as on Alpine), or missing
    }
    current = resolve(dirname(current), target);
  }
  return null;
}

function zoneNameIn(path: string): string | null {
  const at = path.lastIndexOf('/zoneinfo/');
  if (at < 0) return null;
  // zoneinfo/posix/Europe/Berlin and zoneinfo/right/... hold the same zones.
  const name = path.slice(at + '/zoneinfo/'.length).replace(/^(?:posix|right)\//, '');
  return isValidTimeZone(name) ? name : null;
}

const systemSource: SystemZoneSource = {
  // resolvedOptions() types it string; Node gives undefined for a TZ ICU cannot read.
  intlZone: (): string | undefined => systemTimeZone(),
  zoneOfFile: (path) => zoneOfPath(path),
  etcTimezone: () => {
    try {
      return readFileSync('/etc/timezone', 'utf8').trim();
    } catch {
      return null;
    }
  },
};
