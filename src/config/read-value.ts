/**
 * Typed readers for tasks-file values. Each returns the value, or undefined after recording an
 * issue that says what was expected and what was found (STYLE.md practice 4).
 */
import { isAbsolute, resolve } from 'node:path';
import { parseByteSize } from '../schedule/byte-size.js';
import { parseDuration } from '../schedule/duration.js';
import { showValue } from '../schedule/show-value.js';
import type { IssueCollector } from './collector.js';
import { didYouMean } from './suggest.js';

type Path = readonly (string | number)[];

/** A YAML map or a plain object literal (not a list, Date, Map or class instance). */
export function isPlainMap(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The own keys of a map whose value is not undefined (library callers spread optional options,
 * so `undefined` counts as absent), in a prototype-free object: a `__proto__` key stays a key.
 */
export function copyEntries(map: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(map)) if (value !== undefined) out[key] = value;
  return out;
}

/** Record an unknown-key issue for every key of `map` not in `allowed`. */
export function checkKeys(
  c: IssueCollector,
  path: Path,
  map: Readonly<Record<string, unknown>>,
  allowed: readonly string[],
  within?: string,
): void {
  for (const key of Object.keys(map)) {
    if (allowed.includes(key)) continue;
    const where = within === undefined ? '' : ` in "${within}"`;
    const hint = didYouMean(key, allowed, `; valid keys: ${allowed.join(', ')}`);
    c.add('unknown-key', [...path, key], 'key', `unknown key "${key}"${where}${hint}`);
  }
}

/** A duration in ms; `positive` rejects 0. */
export function readDuration(c: IssueCollector, path: Path, raw: unknown, positive: boolean): number | undefined {
  const parsed = parseDuration(raw);
  if (!parsed.ok) return fail(c, path, parsed.message);
  if (positive && parsed.value === 0) return fail(c, path, `expected a duration of more than 0, got ${showValue(raw)}`);
  return parsed.value;
}

/** A byte size of at least `min` bytes. */
export function readByteSize(
  c: IssueCollector,
  path: Path,
  raw: unknown,
  min: number,
  minText: string,
  max?: { bytes: number; text: string },
): number | undefined {
  const parsed = parseByteSize(raw);
  if (!parsed.ok) return fail(c, path, parsed.message);
  if (parsed.value < min) return fail(c, path, `expected a size of at least ${minText}, got ${showValue(raw)}`);
  if (max !== undefined && parsed.value > max.bytes)
    return fail(c, path, `expected a size of at most ${max.text}, got ${showValue(raw)}`);
  return parsed.value;
}

/** A whole number in [min, max]. */
export function readInteger(
  c: IssueCollector,
  path: Path,
  raw: unknown,
  min: number,
  max?: number,
): number | undefined {
  const inRange =
    typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= min && (max === undefined || raw <= max);
  if (inRange) return raw;
  const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
  return fail(c, path, `expected a whole number ${range}, got ${showValue(raw)}`);
}

/** A finite number of at least `min`. */
export function readNumber(c: IssueCollector, path: Path, raw: unknown, min: number): number | undefined {
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= min) return raw;
  return fail(c, path, `expected a number of at least ${min}, got ${showValue(raw)}`);
}

/** true or false (YAML 1.2: "yes" and "on" are strings, and so rejected). */
export function readBoolean(c: IssueCollector, path: Path, raw: unknown): boolean | undefined {
  if (typeof raw === 'boolean') return raw;
  return fail(c, path, `expected true or false, got ${showValue(raw)}`);
}

/** One of `options`, with a did-you-mean for a near miss. */
export function readEnum<T extends string>(
  c: IssueCollector,
  path: Path,
  raw: unknown,
  options: readonly T[],
): T | undefined {
  if (typeof raw === 'string' && (options as readonly string[]).includes(raw)) return raw as T;
  const quoted = options.map((option) => `"${option}"`);
  const list = `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1) ?? ''}`;
  const hint = typeof raw === 'string' ? didYouMean(raw, options) : '';
  return fail(c, path, `expected one of ${list}, got ${showValue(raw)}${hint}`);
}

/** Any string (empty allowed). */
export function readString(c: IssueCollector, path: Path, raw: unknown, what: string): string | undefined {
  if (typeof raw === 'string') return raw;
  return fail(c, path, `expected ${what} (a string), got ${showValue(raw)}`);
}

/** A string with something other than blanks in it. */
export function readText(c: IssueCollector, path: Path, raw: unknown, what: string): string | undefined {
  if (typeof raw === 'string' && raw.trim() !== '') return raw;
  const found = raw === '' || (typeof raw === 'string' && raw.trim() === '') ? 'an empty string' : showValue(raw);
  return fail(c, path, `expected ${what} (a non-empty string), got ${found}`);
}

/** A path, absolute or resolved against `baseDir` (the tasks file's folder). */
export function readPath(
  c: IssueCollector,
  path: Path,
  raw: unknown,
  baseDir: string,
  what: string,
): string | undefined {
  const text = readText(c, path, raw, what);
  if (text === undefined) return undefined;
  // Nothing expands "~" here (no shell); resolving it would create a folder literally named "~".
  if (text === '~' || text.startsWith('~/')) {
    return fail(
      c,
      path,
      `"~" is not expanded in paths: write an absolute path or one relative to the tasks file, got ${showValue(raw)}`,
    );
  }
  return isAbsolute(text) ? resolve(text) : resolve(baseDir, text);
}

/** A map, or undefined after an issue naming what the map should hold. */
export function readMap(
  c: IssueCollector,
  path: Path,
  raw: unknown,
  what: string,
): Record<string, unknown> | undefined {
  if (isPlainMap(raw)) return copyEntries(raw);
  return fail(c, path, `expected ${what}, got ${showValue(raw)}`);
}

function fail(c: IssueCollector, path: Path, message: string): undefined {
  c.add('invalid-value', path, 'value', message);
  return undefined;
}
