/**
 * The watchdog's one question (CLUSTER.md section 8): which of a task's instants have a row in
 * `run` (any attempt, any status: a claim, a skip, an interrupted run all count). One indexed
 * lookup (run_claim) per task and check.
 */
import { quoteIdent } from './cluster-name.js';
import { type Queryable, msOf } from './queryable.js';

/** The instants of `instants` (epoch ms) that `task` has a cluster row for. */
export async function instantsWithRows(
  db: Queryable,
  schema: string,
  task: string,
  instants: readonly number[],
): Promise<Set<number>> {
  if (instants.length === 0) return new Set();
  const { rows } = await db.query<{ at: string }>(
    `SELECT DISTINCT ${msOf('scheduled_at')} AS at FROM ${quoteIdent(schema)}.run
      WHERE task = $1 AND scope_host IS NULL
        AND scheduled_at = ANY (SELECT to_timestamp(ms / 1000.0) FROM unnest($2::float8[]) AS ms)`,
    [task, instants],
  );
  return new Set(rows.map((row) => Number(row.at)));
}
