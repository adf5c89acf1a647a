/**
 * Dead hosts (CLUSTER.md section 4): reap_v1 marks them dead, interrupts their running runs,
 * queues opted-in retries and frees their queued rows, in one transaction per host.
 */
import { quoteIdent } from './cluster-name.js';
import { type Queryable, toNumber } from './queryable.js';

/** One host a reap declared dead. */
export interface ReapedHost {
  readonly hostId: string;
  readonly hostname: string;
  readonly runsInterrupted: number;
  readonly retriesQueued: number;
  /** 'lease expired' or 'connection lost'. */
  readonly how: string;
}

interface ReapRow {
  host_id: string;
  hostname: string;
  runs_interrupted: number | string;
  retries_queued: number | string;
  how: string;
}

/**
 * Reap dead hosts. `trusted` is false until this host's own liveness connection has been up for
 * one full lease (after a PostgreSQL restart every lock is free and leases look expired): an
 * untrusted reap declares nobody dead. Concurrent reapers skip each other's rows.
 */
export async function reap(
  db: Queryable,
  schema: string,
  goneAfterMs: number,
  trusted: boolean,
): Promise<ReapedHost[]> {
  const { rows } = await db.query<ReapRow>(
    `SELECT host_id::text AS host_id, hostname, runs_interrupted, retries_queued, how
       FROM ${quoteIdent(schema)}.reap_v1($1::float8 * interval '1 millisecond', $2::boolean)`,
    [goneAfterMs, trusted],
  );
  return rows.map((row) => ({
    hostId: row.host_id,
    hostname: row.hostname,
    runsInterrupted: toNumber(row.runs_interrupted),
    retriesQueued: toNumber(row.retries_queued),
    how: row.how,
  }));
}
