/** Time zone values: validation with a did-you-mean, and the system default. */
import { showValue } from '../schedule/show-value.js';
import { TaskkitError } from '../errors.js';
import { isValidTimeZone } from '../schedule/zoned.js';
import { resolveProcessZone } from './process-zone.js';
import type { IssueCollector } from './collector.js';
import { didYouMean } from './suggest.js';

let knownZones: readonly string[] | undefined;

/** An IANA zone name Intl knows, e.g. "Europe/Berlin" or "UTC". */
export function readTimeZone(c: IssueCollector, path: readonly (string | number)[], raw: unknown): string | undefined {
  if (typeof raw === 'string' && isValidTimeZone(raw)) return raw;
  if (typeof raw !== 'string' || raw === '') {
    c.add(
      'invalid-value',
      path,
      'value',
      `expected an IANA time zone like "Europe/Berlin" or "UTC", got ${showValue(raw)}`,
    );
    return undefined;
  }
  knownZones ??= Intl.supportedValuesOf('timeZone');
  const hint = didYouMean(raw, knownZones, '; use an IANA name like "Europe/Berlin" or "UTC"');
  c.add('invalid-value', path, 'value', `unknown time zone ${showValue(raw)}${hint}`);
  return undefined;
}

/**
 * The process's zone (config/process-zone.ts); a TZ taskkit refuses is a usage error. A fallback
 * (an empty or unknown TZ) is handed to `warn`, so no verb uses another zone than TZ says in silence.
 */
export function defaultTimeZone(
  env: Readonly<Record<string, string | undefined>>,
  warn: (message: string) => void,
): string {
  const resolved = resolveProcessZone(env);
  if (!resolved.ok) throw new TaskkitError('USAGE', resolved.reason);
  if (resolved.warning !== null) warn(resolved.warning);
  return resolved.zone;
}
