/**
 * Queued runs (CLUSTER.md section 4): retries of dead hosts' runs wait in `run` with status
 * `queued` and no host; a free live host takes one with take_queued_v1 (SKIP LOCKED: concurrent
 * pickers never take the same row).
 */
import type { Instant } from '../../schedule/types.js';
import { quoteIdent } from './cluster-name.js';
import { type Queryable, msOf, toNumber, toNumberOrNull } from './queryable.js';

/** A queued run this host now owns (its row is `running` with this host's id). */
export interface TakenRun {
  readonly runId: number;
  readonly task: string;
  readonly scheduledAt: Instant | null;
  readonly attempt: number;
}

interface TakenRow {
  run_id: string;
  task: string;
  scheduled_at: string | null;
  attempt: number;
}

/**
 * Take one due queued run of one of `tasks` (the tasks this host runs with the cluster's
 * definition; held tasks wait), or null when none is due.
 */
export async function takeQueued(
  db: Queryable,
  schema: string,
  hostId: string,
  hostname: string,
  tasks: readonly string[],
): Promise<TakenRun | null> {
  const { rows } = await db.query<TakenRow>(
    `SELECT run_id, task, ${msOf('scheduled_at')} AS scheduled_at, attempt
       FROM ${quoteIdent(schema)}.take_queued_v1($1::uuid, $2, $3::text[])`,
    [hostId, hostname, tasks],
  );
  const row = rows[0];
  return row === undefined
    ? null
    : {
        runId: toNumber(row.run_id),
        task: row.task,
        scheduledAt: toNumberOrNull(row.scheduled_at),
        attempt: row.attempt,
      };
}

/** When the next queued run of `tasks` is due (epoch ms), or null: lets the pickup loop sleep until then. */
export async function nextQueuedDue(db: Queryable, schema: string, tasks: readonly string[]): Promise<number | null> {
  const { rows } = await db.query<{ due: string | null }>(
    `SELECT ${msOf('min(due_at)')} AS due FROM ${quoteIdent(schema)}.run
      WHERE status = 'queued' AND host_id IS NULL AND task = ANY ($1::text[])`,
    [tasks],
  );
  return toNumberOrNull(rows[0]?.due ?? null);
}
