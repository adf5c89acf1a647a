/**
 * The one `skipped` row of an instant a host skipped by itself for `overlap: skip` (its own run of
 * the task is still going). Without it, an instant that every live host skipped locally (each had
 * a run going: its own, or a retry it took) had no row at all: a gap in the cluster's history,
 * though skipping it was right. Claims write instants' rows (CLUSTER.md section 3); this one is
 * the claim's verdict reached without it: a run of the task is `running` on a live host (this
 * one), which is exactly when claim_v1 writes the skipped row. `ON CONFLICT DO NOTHING`: a peer's
 * claim or skip of the instant came first, and that row stands.
 */
import type { RunRecord } from '../../engine/run.js';
import { quoteIdent } from './cluster-name.js';
import type { Queryable } from './queryable.js';
import { RUN_JSON_COLUMNS, toRunJson, type RunPlace } from './run-row.js';

/** Insert `run`'s skipped row unless its instant (or its id) has one; true when it was inserted. */
export async function recordInstantSkip(
  db: Queryable,
  schema: string,
  run: RunRecord,
  place: RunPlace,
): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO ${quoteIdent(schema)}.run (id, task, trigger, scheduled_at, attempt, status, host_id, hostname,
       created_at, ended_at, error, skip)
     SELECT x.id, x.task, x.trigger, to_timestamp(x.scheduled_at / 1000.0), x.attempt, 'skipped', x.host_id,
       x.hostname, now(), now(), x.error, x.skip::jsonb
       FROM json_to_recordset($1::json) AS x(${RUN_JSON_COLUMNS})
    ON CONFLICT DO NOTHING
    RETURNING id`,
    [JSON.stringify([toRunJson(run, { ...place, scopeHost: null })])],
  );
  return result.rows.length === 1;
}
