/**
 * The same host incarnation on a new liveness connection (CLUSTER.md section 10: reconnect, then
 * lock, LISTEN, beat, resync): the session advisory lock it registered with, taken again (the
 * old session's died with its connection), then LISTEN. The beat that follows says whether the
 * row is still live (0 rows: it was reaped meanwhile, and the daemon registers anew).
 */
import { listenSql } from './cluster-name.js';
import type { Queryable } from './queryable.js';

export async function reattachHost(client: Queryable, schema: string, lockKey: string): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1::bigint)', [lockKey]);
  await client.query(listenSql(schema));
}
