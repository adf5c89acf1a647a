/**
 * Retention of the cluster history (as SQLite's history.keep): a task keeps its newest `keep`
 * ended runs and, apart from them, its newest `keep` skipped rows. Deleting a claimed instant's
 * row raises the task's `pruned_through`, so a late claim of that instant is `too-old` and can
 * never run it a second time.
 */
import { quoteIdent } from './cluster-name.js';
import type { Queryable } from './queryable.js';

/** Delete all but the newest `keep` ended and `keep` skipped rows of `task`; returns how many went. */
export async function pruneRuns(db: Queryable, schema: string, task: string, keep: number): Promise<number> {
  const s = quoteIdent(schema);
  const { rows } = await db.query<{ deleted: number }>(
    `WITH ranked AS (
       SELECT id, row_number() OVER (PARTITION BY status = 'skipped' ORDER BY created_at DESC, id DESC) AS n
         FROM ${s}.run WHERE task = $1 AND status NOT IN ('running', 'queued')),
     gone AS (
       DELETE FROM ${s}.run r USING ranked k WHERE r.id = k.id AND k.n > $2::int
       RETURNING r.scheduled_at, r.scope_host),
     raised AS (
       UPDATE ${s}.task t SET pruned_through = greatest(t.pruned_through, m.at)
         FROM (SELECT max(scheduled_at) AS at FROM gone WHERE scope_host IS NULL) m
        WHERE t.name = $1 AND m.at IS NOT NULL
       RETURNING 1)
     SELECT (SELECT count(*) FROM gone)::int AS deleted, (SELECT count(*) FROM raised)::int AS raised`,
    [task, Math.max(0, Math.floor(keep))],
  );
  return rows[0]?.deleted ?? 0;
}
