/**
 * A cluster's name (`settings.cluster.name`) is its PostgreSQL schema and its NOTIFY channel, so
 * several clusters share one database. It is spliced into SQL text (DDL, LISTEN, pg_notify), so
 * it is checked here, once, against a pattern that needs no escaping.
 */
import { TaskkitError } from '../../errors.js';

export const DEFAULT_CLUSTER_NAME = 'taskkit';

/** Lower-case letters, digits and `_`, not starting with a digit; at most 41 characters. */
export const CLUSTER_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,40}$/;

/** Why `name` cannot name a cluster, or null when it can. */
export function clusterNameProblem(name: string): string | null {
  if (CLUSTER_NAME_PATTERN.test(name)) {
    // pg_* schemas are reserved by PostgreSQL (CREATE SCHEMA refuses them).
    return name.startsWith('pg_') ? `"${name}" starts with pg_, which PostgreSQL reserves` : null;
  }
  return `"${name}" is not a cluster name: use lower-case letters, digits and _ (not first a digit), at most 41`;
}

/** The name, checked; throws a coded error otherwise (callers that validate config see it first). */
export function checkClusterName(name: string): string {
  const problem = clusterNameProblem(name);
  if (problem !== null) throw new TaskkitError('USAGE', problem);
  return name;
}

/**
 * The name as an SQL identifier. Always quoted: a valid name may still be a keyword (`user`,
 * `select`), and quoting a lower-case name keeps it the same name.
 */
export function quoteIdent(name: string): string {
  return `"${checkClusterName(name)}"`;
}

/** `LISTEN <channel>` for the cluster's NOTIFY channel (pg_notify(name, ...) sends to it). */
export function listenSql(name: string): string {
  return `LISTEN ${quoteIdent(name)}`;
}
