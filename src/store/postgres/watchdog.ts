/**
 * The watchdog's one question (CLUSTER.md section 8): which of a task's instants have a row in
 * `run` (any attempt, any status: a claim, a skip, an interrupted run all count). One indexed
 * lookup (run_claim) per task and check. A restart asks the same of a range: its latest such instant.
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

/**
 * The latest instant in (after, upTo] (epoch ms) that `task` has a cluster row for, or null: a
 * daemon starting into a live cluster counts as missed only the instants after it (no host ran them).
 */
export async function latestInstantWithRow(
  db: Queryable,
  schema: string,
  task: string,
  after: number,
  upTo: number,
): Promise<number | null> {
  const { rows } = await db.query<{ at: string | null }>(
    `SELECT ${msOf('max(scheduled_at)')} AS at FROM ${quoteIdent(schema)}.run
      WHERE task = $1 AND scope_host IS NULL
        AND scheduled_at > to_timestamp($2::float8 / 1000.0) AND scheduled_at <= to_timestamp($3::float8 / 1000.0)`,
    [task, after, upTo],
  );
  const at = rows[0]?.at ?? null;
  return at === null ? null : Number(at);
}
