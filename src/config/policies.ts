/** Task options with structure: `retry`, `history`, `env`, and the task-name lists. */
import { showValue } from '../schedule/show-value.js';
import type { IssueCollector } from './collector.js';
import { MAX_OUTPUT_LIMIT_BYTES, MIN_OUTPUT_LIMIT_BYTES, NO_RETRY } from './defaults.js';
import { ENV_NAME_PATTERN, HISTORY_KEYS, RETRY_KEYS } from './key-table.js';
import {
  checkKeys,
  copyEntries,
  isPlainMap,
  readBoolean,
  readByteSize,
  readDuration,
  readInteger,
  readMap,
  readNumber,
} from './read-value.js';
import type { HistoryPolicy, RetryPolicy } from './types.js';

type Path = readonly (string | number)[];

const ENV_NAME = new RegExp(ENV_NAME_PATTERN);

/** A name given in `after`, `after-all`, `on-success` or `on-failure`, with where it was written. */
export interface TaskReference {
  readonly key: 'after' | 'after-all' | 'on-success' | 'on-failure';
  readonly target: string;
  /** Relative to the task, e.g. ['after', 1]. */
  readonly path: readonly (string | number)[];
}

/** `retry: N` or `retry: {attempts, delay, backoff, max-delay, interrupted}`. */
export function readRetry(c: IssueCollector, path: Path, raw: unknown): RetryPolicy | undefined {
  if (typeof raw === 'number') {
    const attempts = readInteger(c, path, raw, 0);
    return attempts === undefined ? undefined : { ...NO_RETRY, attempts };
  }
  if (!isPlainMap(raw)) {
    c.add(
      'invalid-value',
      path,
      'value',
      `expected a number of retries like 3, or a map {${RETRY_KEYS.join(', ')}}, got ${showValue(raw)}`,
    );
    return undefined;
  }
  const map = copyEntries(raw);
  const before = c.issues.length;
  checkKeys(c, path, map, RETRY_KEYS, 'retry');
  let attempts: number | undefined;
  if (map['attempts'] === undefined)
    c.add('missing-key', path, 'key', 'retry needs "attempts": how many times to try again');
  else attempts = readInteger(c, [...path, 'attempts'], map['attempts'], 0);
  const delayMs =
    map['delay'] === undefined ? NO_RETRY.delayMs : readDuration(c, [...path, 'delay'], map['delay'], false);
  const backoff =
    map['backoff'] === undefined ? NO_RETRY.backoff : readNumber(c, [...path, 'backoff'], map['backoff'], 1);
  const maxDelayMs =
    map['max-delay'] === undefined
      ? NO_RETRY.maxDelayMs
      : readDuration(c, [...path, 'max-delay'], map['max-delay'], false);
  const interrupted =
    map['interrupted'] === undefined ? false : readBoolean(c, [...path, 'interrupted'], map['interrupted']);
  if (
    c.issues.length > before ||
    attempts === undefined ||
    delayMs === undefined ||
    backoff === undefined ||
    maxDelayMs === undefined ||
    interrupted === undefined
  )
    return undefined;
  return { attempts, delayMs, backoff, maxDelayMs, ...(interrupted ? { interrupted: true as const } : {}) };
}

/** `history: {keep, output-limit}`, each key over `base` (the settings' policy). */
export function readHistory(
  c: IssueCollector,
  path: Path,
  raw: unknown,
  base: HistoryPolicy,
  within: string | undefined,
): HistoryPolicy | undefined {
  const map = readMap(c, path, raw, `a map {${HISTORY_KEYS.join(', ')}}`);
  if (map === undefined) return undefined;
  const before = c.issues.length;
  checkKeys(c, path, map, HISTORY_KEYS, within);
  const keep = map['keep'] === undefined ? base.keep : readInteger(c, [...path, 'keep'], map['keep'], 1);
  const outputLimitBytes =
    map['output-limit'] === undefined
      ? base.outputLimitBytes
      : readByteSize(c, [...path, 'output-limit'], map['output-limit'], MIN_OUTPUT_LIMIT_BYTES, '1KiB', {
          bytes: MAX_OUTPUT_LIMIT_BYTES,
          text: '8MiB',
        });
  if (c.issues.length > before || keep === undefined || outputLimitBytes === undefined) return undefined;
  return { keep, outputLimitBytes };
}

/** A task's `env:`, with the names whose values were written `{secret: VALUE}`. */
export interface EnvValues {
  readonly values: Readonly<Record<string, string>>;
  readonly secret: readonly string[];
}

/** `env: {NAME: value}`: strings, numbers, booleans, or `{secret: value}` for a value never shown. */
export function readEnv(c: IssueCollector, path: Path, raw: unknown): EnvValues | undefined {
  const map = readMap(c, path, raw, 'a map of environment variables (NAME: value)');
  if (map === undefined) return undefined;
  const env: [string, string][] = [];
  const secret: string[] = [];
  let ok = true;
  for (const [name, value] of Object.entries(map)) {
    if (!ENV_NAME.test(name)) {
      c.add(
        'invalid-value',
        [...path, name],
        'key',
        `invalid environment variable name ${showValue(name)}: use letters, digits and "_", not starting with a digit`,
      );
      ok = false;
    } else if (isEnvScalar(value)) {
      env.push([name, String(value)]);
    } else if (isPlainMap(value) && Object.keys(value).length === 1 && isEnvScalar(value['secret'])) {
      env.push([name, String(value['secret'])]);
      secret.push(name);
    } else {
      // Never echo the value: it may be a secret written the wrong way.
      c.add(
        'invalid-value',
        [...path, name],
        'value',
        `expected a string, number or boolean for ${name}, or {secret: VALUE} for one never shown; ` +
          `got ${describeShape(value)}`,
      );
      ok = false;
    }
  }
  // fromEntries defines own properties: a variable named __proto__ stays a variable.
  return ok ? { values: Object.fromEntries(env), secret } : undefined;
}

function isEnvScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function describeShape(value: unknown): string {
  if (value === null || value === undefined) return showValue(value);
  if (Array.isArray(value)) return 'a list';
  if (isPlainMap(value))
    return `a map with keys ${
      Object.keys(value)
        .map((key) => showValue(key))
        .join(', ') || '(none)'
    }`;
  return typeof value;
}

/** `after: NAME` or `after: [NAME, ...]`: returns the references (existence is checked file-wide). */
export function readTaskNames(c: IssueCollector, key: TaskReference['key'], raw: unknown): TaskReference[] | undefined {
  const items = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  const references: TaskReference[] = [];
  let ok = true;
  for (const [index, item] of items.entries()) {
    const path = Array.isArray(raw) ? [key, index] : [key];
    // A task named 2024 is a number to YAML; the name it is known by is its text.
    if ((typeof item === 'string' && item !== '') || typeof item === 'number') {
      references.push({ key, target: String(item), path });
    } else {
      c.add(
        'invalid-value',
        path,
        'value',
        `expected a task name or a list of task names, got ${item === '' ? 'an empty string' : showValue(item)}`,
      );
      ok = false;
    }
  }
  return ok ? references : undefined;
}
