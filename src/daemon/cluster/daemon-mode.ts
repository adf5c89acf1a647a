/**
 * Whether this daemon runs in cluster mode, and its settings resolved for the process: the store
 * URL read from cluster.env-file, else the daemon's environment, when the file names a variable
 * (`store: $TASKKIT_PG`, so no URL sits in the tasks file; config/cluster-settings.ts).
 * node-postgres is loaded only here.
 */
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { readFileSync } from 'node:fs';
import { resolveClusterStore } from '../../config/cluster-settings.js';
import type { TasksFile } from '../../config/types.js';
import { TaskkitError } from '../../errors.js';
import type { Logger } from '../log.js';
import { startCluster, type ClusterLink, type ClusterSettings } from './cluster.js';

/** The cluster settings of `file`, resolved against `env`; null when the file has none. */
export function resolveClusterSettings(file: TasksFile, env: NodeJS.ProcessEnv): ClusterSettings | null {
  const cluster = file.settings.cluster;
  if (cluster === undefined) return null;
  const { envFile, ...settings } = cluster;
  const store = resolveClusterStore(cluster.store, env, envFile === undefined ? {} : { envFile });
  if (!store.ok) throw new TaskkitError('USAGE', store.message);
  return { ...settings, store: store.url };
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
  const { openClusterDb, isPgOutage, storeTarget } = await import('./pg-db.js');
  return startCluster({
    settings,
    env: options.env,
    tasks: file.tasks,
    fileDigest: digestOf(file.path),
    baseDir: dirname(file.path),
    pid: options.pid,
    maxConcurrent: file.settings.maxConcurrent,
    log: options.log,
    openDb: openClusterDb,
    isOutage: isPgOutage,
    target: storeTarget(settings.store),
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
