/**
 * Whether this daemon runs in cluster mode, and its settings resolved for the process: the store
 * URL read from the daemon's environment when the file names a variable (`store: $TASKKIT_PG`, so
 * no URL sits in the tasks file), durations in ms. node-postgres is loaded only here, only then.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TasksFile } from '../../config/types.js';
import { TaskkitError } from '../../errors.js';
import type { Logger } from '../log.js';
import { startCluster, type ClusterLink, type ClusterSettings } from './cluster.js';

/** `settings.cluster` as config/ reads it (durations in ms); absent outside cluster mode. */
interface ClusterKeys {
  readonly store: string;
  readonly name?: string;
  readonly beatMs?: number;
  readonly goneAfterMs?: number;
  readonly leaseMs?: number;
}

const DEFAULT_BEAT_MS = 5_000;
const DEFAULT_LEASE_MS = 30_000;

/** The cluster settings of `file`, resolved against `env`; null when the file has none. */
export function resolveClusterSettings(file: TasksFile, env: NodeJS.ProcessEnv): ClusterSettings | null {
  const keys = (file.settings as { cluster?: ClusterKeys | null }).cluster;
  if (keys === undefined || keys === null) return null;
  const beatMs = keys.beatMs ?? DEFAULT_BEAT_MS;
  return {
    store: resolveStore(keys.store, env),
    name: keys.name ?? 'taskkit',
    beatMs,
    goneAfterMs: keys.goneAfterMs ?? 2 * beatMs,
    leaseMs: keys.leaseMs ?? DEFAULT_LEASE_MS,
  };
}

/** `$NAME` (or `${NAME}`): the URL is that variable of the daemon's environment. */
function resolveStore(store: string, env: NodeJS.ProcessEnv): string {
  const named = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(store.trim());
  if (named === null) return store;
  const name = named[1] ?? '';
  const value = env[name];
  if (value === undefined || value.trim() === '')
    throw new TaskkitError(
      'CONFIG_INVALID',
      `settings.cluster.store is $${name}, but the daemon's environment has no ${name} (or it is empty): ` +
        `set it to the postgres:// URL of the cluster's database before taskkit start`,
    );
  return value.trim();
}

export interface ClusterModeOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly pid: number;
  readonly log: Logger;
}

/** Start cluster mode for `file`, or null when it has no `settings.cluster`. */
export async function openClusterMode(file: TasksFile, options: ClusterModeOptions): Promise<ClusterLink | null> {
  const settings = resolveClusterSettings(file, options.env);
  if (settings === null) return null;
  const { openClusterDb } = await import('./pg-db.js');
  return startCluster({
    settings,
    env: options.env,
    tasks: file.tasks,
    fileDigest: digestOf(file.path),
    pid: options.pid,
    log: options.log,
    openDb: openClusterDb,
  });
}

/** The tasks file's digest, for `status` to tell hosts' files apart. */
function digestOf(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
  } catch {
    return 'unreadable';
  }
}
