/**
 * The cluster's `task` rows as data (CLUSTER.md sections 2, 5, 6): read one, all at start, or
 * those changed since a revision (resync after a reconnect, and every 30 s).
 */
import { checkScheduleSpec } from '../../schedule/spec-check.js';
import type { Instant, ScheduleSpec } from '../../schedule/types.js';
import { quoteIdent } from './cluster-name.js';
import { type Queryable, msOf, toNumber, toNumberOrNull } from './queryable.js';

/** A task's shared state; instants in epoch ms (database clock). */
export interface ClusterTask {
  readonly name: string;
  /** The definition the cluster runs. */
  readonly fingerprint: string;
  /** The incarnation that published it, its host name (null once its host row is pruned), and when. */
  readonly publishedBy: string | null;
  readonly publishedByHost: string | null;
  readonly publishedAt: Instant;
  /** In no live host's file since then, or null. */
  readonly retiredAt: Instant | null;
  readonly fileHold: boolean;
  /** null: not held (or a timed hold whose end passed). */
  readonly hold: { readonly note: string | null; readonly at: Instant; readonly until: Instant | null } | null;
  readonly heldBy: string | null;
  /** A run-time reschedule in force, or null (also when the stored one is not a usable schedule). */
  readonly reschedule: ScheduleSpec | null;
  readonly scheduleRev: number;
  readonly lastScheduledAt: Instant | null;
  readonly scheduledRuns: number;
  /** The newest instant whose row retention deleted: claims at or before it are `too-old`. */
  readonly prunedThrough: Instant | null;
  /** control_seq at its last change (resync asks for rows past the last one seen). */
  readonly revision: number;
}

interface TaskRow {
  name: string;
  fingerprint: string;
  published_by: string | null;
  published_by_host: string | null;
  published_at: string;
  retired_at: string | null;
  file_hold: boolean;
  held: boolean;
  held_until: string | null;
  hold_note: string | null;
  held_at: string | null;
  held_by: string | null;
  reschedule: unknown;
  schedule_rev: string;
  last_scheduled_at: string | null;
  scheduled_runs: number;
  pruned_through: string | null;
  revision: string;
  db_now: string;
}

function selectTasks(schema: string, where: string, order = 't.name'): string {
  const s = quoteIdent(schema);
  return (
    `SELECT t.name, t.fingerprint, t.published_by::text AS published_by, h.hostname AS published_by_host, ` +
    `${msOf('t.published_at')} AS published_at, ${msOf('t.retired_at')} AS retired_at, t.file_hold, t.held, ` +
    `${msOf('t.held_until')} AS held_until, t.hold_note, ${msOf('t.held_at')} AS held_at, t.held_by, ` +
    `t.reschedule, t.schedule_rev, ${msOf('t.last_scheduled_at')} AS last_scheduled_at, t.scheduled_runs, ` +
    `${msOf('t.pruned_through')} AS pruned_through, t.revision, ${msOf('now()')} AS db_now ` +
    `FROM ${s}.task t LEFT JOIN ${s}.host h ON h.host_id = t.published_by WHERE ${where} ORDER BY ${order}`
  );
}

/** One task's row, or null when the cluster does not know it. */
export async function readTask(db: Queryable, schema: string, name: string): Promise<ClusterTask | null> {
  const { rows } = await db.query<TaskRow>(selectTasks(schema, 't.name = $1'), [name]);
  const row = rows[0];
  return row === undefined ? null : toClusterTask(row);
}

/** Every task row, in one query (daemon start). */
export async function loadAllTasks(db: Queryable, schema: string): Promise<ClusterTask[]> {
  const { rows } = await db.query<TaskRow>(selectTasks(schema, 'true'));
  return rows.map(toClusterTask);
}

/** Rows changed after `sinceRevision` (0: all), oldest change first; the last one's revision is the next `since`. */
export async function resyncTasks(db: Queryable, schema: string, sinceRevision: number): Promise<ClusterTask[]> {
  const { rows } = await db.query<TaskRow>(selectTasks(schema, 't.revision > $1::bigint', 't.revision'), [
    sinceRevision,
  ]);
  return rows.map(toClusterTask);
}

function toClusterTask(row: TaskRow): ClusterTask {
  const heldUntil = toNumberOrNull(row.held_until);
  const holdInForce = row.held && (heldUntil === null || heldUntil > toNumber(row.db_now));
  const checked = row.reschedule === null ? null : checkScheduleSpec(row.reschedule);
  return {
    name: row.name,
    fingerprint: row.fingerprint,
    publishedBy: row.published_by,
    publishedByHost: row.published_by_host,
    publishedAt: toNumber(row.published_at),
    retiredAt: toNumberOrNull(row.retired_at),
    fileHold: row.file_hold,
    hold: holdInForce
      ? { note: row.hold_note, at: toNumberOrNull(row.held_at) ?? toNumber(row.db_now), until: heldUntil }
      : null,
    heldBy: row.held_by,
    reschedule: checked !== null && checked.ok ? checked.value : null,
    scheduleRev: toNumber(row.schedule_rev),
    lastScheduledAt: toNumberOrNull(row.last_scheduled_at),
    scheduledRuns: row.scheduled_runs,
    prunedThrough: toNumberOrNull(row.pruned_through),
    revision: toNumber(row.revision),
  };
}
