/**
 * The cluster history, read (CLUSTER.md section 9: `history`, `logs`, `show`, `list` in a
 * cluster): the shapes of store.ts (RunSummary, RunRecord, RunStats) plus the host that ran each
 * run, newest first by created_at then id (ids are only roughly chronological across hosts).
 */
import { FAILED_STATUSES } from '../../engine/run.js';
import { DEFAULT_RUN_LIMIT, type RunFilter, type RunStats } from '../store.js';
import { type Queryable, toNumber, tsParam } from './queryable.js';
import { quoteIdent } from './cluster-name.js';
import {
  type ClusterRunRecord,
  type ClusterRunSummary,
  type RunReadRow,
  SUMMARY_SELECT,
  toRecord,
  toSummary,
} from './run-row.js';

const FAILED_SQL = `r.status IN (${FAILED_STATUSES.map((status) => `'${status}'`).join(', ')})`;
const NEWEST_FIRST = 'ORDER BY r.created_at DESC, r.id DESC';

/** `history [NAME] [--failed] [--skipped] [--stop-cause C] [--since D] [-n N]`: newest first, without output. */
export async function listRuns(db: Queryable, schema: string, filter: RunFilter = {}): Promise<ClusterRunSummary[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  if (filter.task !== undefined) {
    values.push(filter.task);
    where.push(`r.task = $${values.length}`);
  }
  if (filter.failed === true) where.push(FAILED_SQL);
  if (filter.skipped === true) where.push("r.status = 'skipped'");
  if (filter.stopCause !== undefined) {
    values.push(filter.stopCause);
    where.push(`r.stop ->> 'cause' = $${values.length}`);
  }
  if (filter.since !== undefined) {
    values.push(filter.since);
    where.push(`r.created_at >= ${tsParam(values.length)}`);
  }
  values.push(Math.max(0, Math.floor(filter.limit ?? DEFAULT_RUN_LIMIT)));
  const { rows } = await db.query<RunReadRow>(
    `SELECT ${SUMMARY_SELECT} FROM ${quoteIdent(schema)}.run r ` +
      `${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ${NEWEST_FIRST} LIMIT $${values.length}`,
    values,
  );
  return rows.map(toSummary);
}

/** One run with its output, or null. */
export async function getRun(db: Queryable, schema: string, id: number): Promise<ClusterRunRecord | null> {
  const { rows } = await db.query<RunReadRow>(
    `SELECT ${SUMMARY_SELECT}, r.output FROM ${quoteIdent(schema)}.run r WHERE r.id = $1::bigint`,
    [id],
  );
  const row = rows[0];
  return row === undefined ? null : toRecord(row);
}

/**
 * `cancel NAME` in a cluster: the task's runs running on live (or leaving) hosts other than
 * `hostId`, oldest first, each with its host: each is asked to stop by a notification to its owner.
 */
export async function runningElsewhere(
  db: Queryable,
  schema: string,
  task: string,
  hostId: string,
): Promise<ClusterRunRecord[]> {
  const { rows } = await db.query<RunReadRow>(
    `SELECT ${SUMMARY_SELECT}, r.output FROM ${quoteIdent(schema)}.run r
       JOIN ${quoteIdent(schema)}.host h ON h.host_id = r.host_id
      WHERE r.task = $1 AND r.status = 'running' AND r.host_id <> $2::uuid AND h.state IN ('live', 'leaving')
      ORDER BY r.id`,
    [task, hostId],
  );
  return rows.map(toRecord);
}

/** The task's newest run (any status; `logs NAME`), with its output, or null. */
export async function latestRun(db: Queryable, schema: string, task: string): Promise<ClusterRunRecord | null> {
  const { rows } = await db.query<RunReadRow>(
    `SELECT ${SUMMARY_SELECT}, r.output FROM ${quoteIdent(schema)}.run r WHERE r.task = $1 ${NEWEST_FIRST} LIMIT 1`,
    [task],
  );
  const row = rows[0];
  return row === undefined ? null : toRecord(row);
}

/**
 * The newest run of each task that ran (started, then ended: a skipped trigger never hides the
 * real last result), by task name.
 */
export async function lastRuns(db: Queryable, schema: string): Promise<ClusterRunSummary[]> {
  const { rows } = await db.query<RunReadRow>(
    `SELECT DISTINCT ON (r.task) ${SUMMARY_SELECT} FROM ${quoteIdent(schema)}.run r
      WHERE r.status NOT IN ('running', 'queued', 'skipped') AND r.started_at IS NOT NULL
      ORDER BY r.task, r.created_at DESC, r.id DESC`,
  );
  return rows.map(toSummary);
}

/** `show NAME`: how the task's kept runs ended, cluster-wide. */
export async function runStats(db: Queryable, schema: string, task: string): Promise<RunStats> {
  const { rows } = await db.query<{ succeeded: string; failed: string }>(
    `SELECT count(*) FILTER (WHERE r.status = 'succeeded') AS succeeded, count(*) FILTER (WHERE ${FAILED_SQL}) AS failed
       FROM ${quoteIdent(schema)}.run r WHERE r.task = $1`,
    [task],
  );
  const succeeded = toNumber(rows[0]?.succeeded ?? 0);
  const failed = toNumber(rows[0]?.failed ?? 0);
  return { task, succeeded, failed, successRate: succeeded + failed === 0 ? null : succeeded / (succeeded + failed) };
}
