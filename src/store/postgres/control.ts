/**
 * Control across hosts (CLUSTER.md section 5): hold, resume, reschedule change the task row with a
 * new revision and notify the cluster's channel in the same transaction (delivered at COMMIT;
 * payloads carry names, never rows); cancel of a run on another host is a notification.
 */
import type { Instant, ScheduleSpec } from '../../schedule/types.js';
import { type Pool, inTransaction } from './connect.js';
import { type Queryable, tsParam } from './queryable.js';
import { quoteIdent } from './cluster-name.js';
import { type ClusterTask, readTask } from './task-rows.js';

/** What a notification on the cluster's channel says. */
export type ClusterNotice =
  | { readonly k: 'task'; readonly name: string }
  | { readonly k: 'cancel'; readonly run: number }
  | { readonly k: 'host-dead'; readonly host: string };

/** A notification's payload read back; null for one this version does not know (ignore it). */
export function parseNotice(payload: string | undefined): ClusterNotice | null {
  if (payload === undefined) return null;
  try {
    const value = JSON.parse(payload) as Record<string, unknown>;
    if (value.k === 'task' && typeof value.name === 'string') return { k: 'task', name: value.name };
    if (value.k === 'cancel' && (typeof value.run === 'number' || typeof value.run === 'string'))
      return { k: 'cancel', run: Number(value.run) };
    if (value.k === 'host-dead' && typeof value.host === 'string') return { k: 'host-dead', host: value.host };
    return null;
  } catch {
    return null;
  }
}

export interface HoldParams {
  readonly note: string | null;
  /** When the hold ends by itself, or null: until resume. */
  readonly until: Instant | null;
  /** user@host, for status. */
  readonly by: string | null;
}

/**
 * Update `name`'s row with `set` (a new revision is added) and notify, in one transaction; the row
 * as it now is, or null when the cluster has no such task (nothing written, nobody notified).
 */
async function changeTask(
  pool: Pool,
  schema: string,
  name: string,
  set: string,
  values: readonly unknown[],
): Promise<ClusterTask | null> {
  const s = quoteIdent(schema);
  return inTransaction(pool, async (client) => {
    const { rowCount } = await client.query(
      `UPDATE ${s}.task SET ${set}, revision = nextval('${s}.control_seq'), updated_at = now() WHERE name = $1`,
      [name, ...values],
    );
    if ((rowCount ?? 0) === 0) return null;
    await notifyTask(client, schema, name);
    return readTask(client, schema, name);
  });
}

/** `hold NAME [--for D | --until T]` for the whole cluster. */
export function holdTask(pool: Pool, schema: string, name: string, hold: HoldParams): Promise<ClusterTask | null> {
  return changeTask(
    pool,
    schema,
    name,
    `held = true, held_until = ${tsParam(2)}, hold_note = $3, held_at = now(), held_by = $4`,
    [hold.until, hold.note, hold.by],
  );
}

/** `resume NAME`: held time is not caught up (last_scheduled_at rises to now). */
export function resumeTask(pool: Pool, schema: string, name: string): Promise<ClusterTask | null> {
  return changeTask(
    pool,
    schema,
    name,
    `held = false, held_until = NULL, hold_note = NULL, held_at = NULL, held_by = NULL, ` +
      `last_scheduled_at = greatest(last_scheduled_at, now())`,
    [],
  );
}

/** `reschedule NAME SPEC` (null: back to the file's schedule); bumps schedule_rev, so older claims are stale. */
export function rescheduleTask(
  pool: Pool,
  schema: string,
  name: string,
  spec: ScheduleSpec | null,
): Promise<ClusterTask | null> {
  return changeTask(pool, schema, name, `reschedule = $2::jsonb, schedule_rev = schedule_rev + 1`, [
    spec === null ? null : JSON.stringify(spec),
  ]);
}

/** Tell the cluster a task row changed (listeners re-read it). */
export async function notifyTask(db: Queryable, schema: string, name: string): Promise<void> {
  await db.query(`SELECT pg_notify($1, json_build_object('k', 'task', 'name', $2::text)::text)`, [schema, name]);
}

/** `cancel RUN` of a run on another host: its owner cancels it; its row ends as cancelled. */
export async function notifyCancel(db: Queryable, schema: string, runId: number): Promise<void> {
  await db.query(`SELECT pg_notify($1, json_build_object('k', 'cancel', 'run', $2::bigint)::text)`, [schema, runId]);
}
