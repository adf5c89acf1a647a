/**
 * `settings.cluster` (issue 21, ../shared/CLUSTER.md): the PostgreSQL database several hosts share,
 * the schema and channel name, and the liveness timings. The file never holds a password: `store`
 * is a URL without one (libpq's ~/.pgpass or PGPASSWORD supply it), or `$NAME`, the daemon's
 * environment variable holding the URL (it may carry one), resolved by the daemon at start with
 * resolveClusterStore below. `env-file:` names a NAME=VALUE file (read here, with the task key's
 * parser and trust rules) where `$NAME` is looked up first. Only the shape is checked; nothing connects.
 */
import { showValue } from '../schedule/show-value.js';
import { formatDuration } from '../schedule/duration.js';
import type { IssueCollector } from './collector.js';
import { readEnvFile } from './env-file.js';
import type { FileTrust } from './file-trust.js';
import {
  DEFAULT_CLUSTER_BEAT_MS,
  DEFAULT_CLUSTER_LEASE_MS,
  DEFAULT_CLUSTER_NAME,
  MIN_CLUSTER_BEAT_MS,
} from './defaults.js';
import { CLUSTER_KEYS } from './key-table.js';
import { checkKeys, isPlainMap, readDuration, readText } from './read-value.js';
import type { ClusterSettings } from './types.js';

type Path = readonly (string | number)[];
type Env = Readonly<Record<string, string | undefined>>;

/** A PostgreSQL identifier that needs no quoting, short enough for the names derived from it. */
const CLUSTER_NAME = /^[a-z_][a-z0-9_]{0,40}$/;
const ENV_REFERENCE = /^\$([A-Za-z_][A-Za-z0-9_]*)$/;
const SCHEMES = new Set(['postgres:', 'postgresql:']);
const STORE_FORMS = 'a postgres:// or postgresql:// URL (postgres://taskkit@db.example/jobs) or $NAME';

/** Where `env-file:` resolves and whose files are trusted (as for a task's env-file). */
export interface ClusterReadContext {
  readonly baseDir: string;
  readonly trust?: FileTrust;
}

/** `settings.cluster`; undefined after an issue. */
export function readCluster(
  c: IssueCollector,
  path: Path,
  raw: unknown,
  context: ClusterReadContext,
): ClusterSettings | undefined {
  if (!isPlainMap(raw)) {
    c.add(
      'invalid-value',
      path,
      'value',
      `expected a map {store: URL, name, beat, gone-after, lease} (only store is required), got ${showValue(raw)}`,
    );
    return undefined;
  }
  checkKeys(c, path, raw, CLUSTER_KEYS, 'cluster');
  const at = (key: string): Path => [...path, key];
  let store: string | undefined;
  if (raw['store'] === undefined) {
    c.add('missing-key', path, 'value', `cluster needs "store:": ${STORE_FORMS} (the URL from that variable)`);
  } else {
    store = readText(c, at('store'), raw['store'], STORE_FORMS);
    const problem = store === undefined ? null : storeProblem(store);
    if (problem !== null) c.add('invalid-value', at('store'), 'value', problem);
  }
  // Read at each load (validate, start), so a missing or untrusted file is an error at the key;
  // after one the cluster stays (a reader that ignores issues still knows it is in cluster mode).
  const envFile =
    raw['env-file'] === undefined
      ? undefined
      : readEnvFile(c, at('env-file'), raw['env-file'], context.baseDir, context.trust ?? null);
  const name = raw['name'] === undefined ? DEFAULT_CLUSTER_NAME : readName(c, at('name'), raw['name']);
  const duration = (key: string, fallback: number, min = 1): number | undefined => {
    if (raw[key] === undefined) return fallback;
    const ms = readDuration(c, at(key), raw[key], true);
    if (ms === undefined || ms >= min) return ms;
    c.add(
      'invalid-value',
      at(key),
      'value',
      `${key} must be at least ${formatDuration(min)}, got ${showValue(raw[key])}`,
    );
    return undefined;
  };
  const beatMs = duration('beat', DEFAULT_CLUSTER_BEAT_MS, MIN_CLUSTER_BEAT_MS);
  const goneAfterMs = beatMs === undefined ? undefined : duration('gone-after', 2 * beatMs);
  const leaseMs = duration('lease', DEFAULT_CLUSTER_LEASE_MS);
  if (beatMs !== undefined && goneAfterMs !== undefined && goneAfterMs < beatMs) {
    c.add(
      'invalid-value',
      at('gone-after'),
      'value',
      `gone-after (${formatDuration(goneAfterMs)}) must be at least beat (${formatDuration(beatMs)}): ` +
        'a live host beats only that often',
    );
  }
  if (beatMs !== undefined && leaseMs !== undefined && leaseMs <= 2 * beatMs) {
    const lease = raw['lease'] === undefined ? `the default lease (${formatDuration(leaseMs)})` : 'lease';
    c.add(
      'invalid-value',
      raw['lease'] === undefined ? at('beat') : at('lease'),
      'value',
      `${lease} must be more than 2 x beat (${formatDuration(2 * beatMs)}): one late beat must not make a ` +
        `live host dead; got lease ${formatDuration(leaseMs)}, beat ${formatDuration(beatMs)}`,
    );
  }
  if (store === undefined || name === undefined || beatMs === undefined) return undefined;
  if (goneAfterMs === undefined || leaseMs === undefined) return undefined;
  // envFile absent when not given: settings without it stay as they were.
  return Object.freeze({ store, name, beatMs, goneAfterMs, leaseMs, ...(envFile === undefined ? {} : { envFile }) });
}

function readName(c: IssueCollector, path: Path, raw: unknown): string | undefined {
  const name = readText(c, path, raw, 'a cluster name');
  if (name === undefined) return undefined;
  let problem: string | null = null;
  if (!CLUSTER_NAME.test(name))
    problem = `expected 1-41 lowercase letters, digits or "_", not starting with a digit, got ${showValue(raw)}`;
  else if (name.startsWith('pg_')) problem = `names starting with "pg_" are PostgreSQL's own, got ${showValue(raw)}`;
  if (problem === null) return name;
  c.add('invalid-value', path, 'value', `invalid cluster name (a PostgreSQL schema and NOTIFY channel): ${problem}`);
  return undefined;
}

/** Why `store` (as written in the file) is not a store, or null. */
export function storeProblem(store: string): string | null {
  if (store.startsWith('$')) {
    if (ENV_REFERENCE.test(store)) return null;
    // Shells write ${NAME}; the file reads the variable itself and takes $NAME only.
    const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(store);
    const hint = braced === null ? '' : ` (did you mean "$${braced[1]}"?)`;
    return `expected $NAME (an environment variable: letters, digits and _), got ${showValue(store)}${hint}`;
  }
  const parsed = parseStoreUrl(store);
  if (typeof parsed === 'string') return parsed;
  const url = parsed;
  if (url.password !== '' || url.searchParams.has('password')) {
    return (
      `the store URL ${hidePassword(store)} carries a password: put it in ~/.pgpass or PGPASSWORD ` +
      "(or write store: $NAME to read the URL from cluster.env-file or the daemon's environment), not in the tasks file"
    );
  }
  return null;
}

/** Why `text` is no PostgreSQL URL, or null. */
function urlProblem(text: string): string | null {
  const parsed = parseStoreUrl(text);
  return typeof parsed === 'string' ? parsed : null;
}

/** `user@/db?host=/socket`: libpq's (and pg's) Unix-socket form, with no host before the path. */
const EMPTY_HOST = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@]*@)(?=[/?#]|$)/i;

/** The URL of `text`, or why it is no PostgreSQL URL (WHATWG URL refuses `user@` with no host). */
function parseStoreUrl(text: string): URL | string {
  let url: URL;
  try {
    url = new URL(text.replace(EMPTY_HOST, '$1localhost'));
  } catch {
    return `expected ${STORE_FORMS}, got ${showValue(text.replace(/:[^:@/]*@/, ':***@'))}${envHint(text)}`;
  }
  if (!SCHEMES.has(url.protocol)) return `expected ${STORE_FORMS}, got a ${url.protocol} URL`;
  return url;
}

/** A did-you-mean for an environment variable written without its `$`. */
function envHint(text: string): string {
  return /^[A-Z_][A-Z0-9_]*$/.test(text) ? ` (did you mean "$${text}"?)` : '';
}

/** `text` as written, its password shown as `***` (the URL's and a `password=` parameter's). */
function hidePassword(text: string): string {
  return text
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^/?#]*@/i, '$1:***@')
    .replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/** Where `$NAME` is looked up: the cluster's env-file first, then `environment`. */
export interface StoreLookup {
  /** settings.cluster.env-file as read (its absolute path and values); absent when not given. */
  readonly envFile?: { readonly path: string; readonly values: Readonly<Record<string, string>> };
  /** How to name `env` in a message; default "the daemon's environment". */
  readonly environment?: string;
}

/**
 * The database URL of `store` at start (the daemon) or for a direct read (the CLI): the URL itself,
 * or the value of `$NAME` in the cluster's env-file, else in `env` (it may carry a password: it is
 * not in the tasks file). A missing, empty or malformed variable is a message naming it and where
 * it was looked for.
 */
export function resolveClusterStore(
  store: string,
  env: Env,
  lookup: StoreLookup = {},
): { readonly ok: true; readonly url: string } | { readonly ok: false; readonly message: string } {
  const reference = ENV_REFERENCE.exec(store);
  if (reference === null) {
    const problem = storeProblem(store);
    return problem === null ? { ok: true, url: store } : { ok: false, message: `settings.cluster.store: ${problem}` };
  }
  const name = reference[1] as string;
  const environment = lookup.environment ?? "the daemon's environment";
  const fromFile = lookup.envFile === undefined ? undefined : Object.hasOwn(lookup.envFile.values, name);
  const value = fromFile === true ? lookup.envFile?.values[name] : env[name];
  if (value === undefined || value.trim() === '') {
    const where =
      fromFile === true
        ? `empty in ${lookup.envFile?.path ?? ''}`
        : value !== undefined
          ? `empty in ${environment}`
          : fromFile === false
            ? `in neither ${lookup.envFile?.path ?? ''} nor ${environment}`
            : `not set in ${environment}`;
    return { ok: false, message: `settings.cluster.store is $${name}, but ${name} is ${where}` };
  }
  const problem = urlProblem(value.trim());
  return problem === null
    ? { ok: true, url: value.trim() }
    : { ok: false, message: `settings.cluster.store: $${name}: ${problem}` };
}
