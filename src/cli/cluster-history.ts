/**
 * `history` and `logs` in cluster mode with no daemon answering (CLUSTER.md section 9): the
 * cluster's runs read from PostgreSQL directly, through pg-store's reads. Imported only then
 * (history-db.ts, by a dynamic import), so no other verb loads node-postgres.
 */
import { resolveClusterStore, type StoreLookup } from '../config/cluster-settings.js';
import { TaskkitError } from '../errors.js';
import { checkClusterName } from '../store/postgres/cluster-name.js';
import { checkReachable, connectionError, createPool } from '../store/postgres/connect.js';
import { getRun, lastRuns, latestRun, listRuns } from '../store/postgres/history.js';
import { checkCompatible, readSchemaVersions } from '../store/postgres/migrations.js';
import { describeTarget } from '../store/postgres/store-url.js';
import type { HistoryReader } from './history-reader.js';

type Env = Readonly<Record<string, string | undefined>>;

/** `settings.cluster` as far as a reader needs it: where the store is, and the cluster's name. */
export interface ClusterStoreSettings {
  /** A postgres:// URL without a password, or `$NAME`: the URL is that variable's (env-file, else environment). */
  readonly store: string;
  /** settings.cluster.env-file as read; absent when not given. */
  readonly envFile?: StoreLookup['envFile'];
  /** The cluster's schema (default `taskkit`). */
  readonly name: string;
}

/** A reader over the cluster's PostgreSQL, and how to name it (no password). */
export interface ClusterHistory {
  readonly reader: HistoryReader;
  /** "postgresql://db.internal/jobs": the target, without password. */
  readonly target: string;
}

/**
 * Connect (one connection: the CLI reads, then ends) and check that the cluster's schema is there
 * and one this build reads; STORE_UNAVAILABLE says which target and why.
 */
export async function openClusterHistory(cluster: ClusterStoreSettings, env: Env): Promise<ClusterHistory> {
  const url = resolveStoreUrl(cluster, env);
  const schema = checkClusterName(cluster.name);
  const target = describeTarget(url);
  const pool = await createPool({ url, poolSize: 1, onError: () => undefined });
  try {
    await checkReachable(pool, url);
    const versions = await readSchemaVersions(pool, schema).catch((error: unknown) => {
      throw connectionError(url, error);
    });
    if (versions === null)
      throw new TaskkitError('STORE_UNAVAILABLE', `PostgreSQL at ${target} has no cluster "${schema}" (no runs yet)`);
    checkCompatible(schema, versions);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  // Connected and checked: a failure now is a read's (a dropped connection, a schema this build
  // does not know), not "cannot connect".
  const unreadable = (error: unknown): never => {
    if (error instanceof TaskkitError) throw error;
    const why = error instanceof Error ? error.message : String(error);
    throw new TaskkitError('STORE_UNAVAILABLE', `cannot read the runs from PostgreSQL at ${target}: ${why}`, {
      cause: error,
    });
  };
  const reader: HistoryReader = {
    listRuns: (filter) => listRuns(pool, schema, filter).catch(unreadable),
    getRun: (id) => getRun(pool, schema, id).catch(unreadable),
    latestRun: (task) => latestRun(pool, schema, task).catch(unreadable),
    taskNamesWithRuns: () => lastRuns(pool, schema).then((runs) => runs.map((run) => run.task), unreadable),
    close: () => pool.end(),
  };
  return { reader, target };
}

/**
 * The store's URL: as written, or `$NAME` read from the cluster's env-file, else this shell's
 * environment (config/cluster-settings.ts resolveClusterStore, the daemon's rule too).
 */
export function resolveStoreUrl(cluster: Pick<ClusterStoreSettings, 'store' | 'envFile'>, env: Env): string {
  const { envFile } = cluster;
  const lookup: StoreLookup = { environment: 'this shell', ...(envFile === undefined ? {} : { envFile }) };
  const resolved = resolveClusterStore(cluster.store, env, lookup);
  if (resolved.ok) return resolved.url;
  const unset = cluster.store.startsWith('$') && !resolved.message.startsWith('settings.cluster.store:');
  // With no daemon answering, say how else to get the history.
  const hint = unset
    ? ': with no daemon answering, history and logs read PostgreSQL themselves (or ask a running daemon)'
    : '';
  throw new TaskkitError('USAGE', `${resolved.message}${hint}`);
}
