/**
 * The task_state table: per task, what `hold`, `reschedule` and the schedule itself leave behind
 * (hold + note + time + end, run-time reschedule as ScheduleSpec JSON, last scheduled instant, max-runs
 * counter, consecutive failed slots, alerts sent), with the fingerprint of the definition it was saved
 * under (task-restore.ts).
 */
import type { Database, Statement } from 'better-sqlite3';
import { showValue } from '../../schedule/show-value.js';
import { checkScheduleSpec } from '../../schedule/spec-check.js';
import type { Instant, ParseResult, ScheduleSpec } from '../../schedule/types.js';
import type { JoinParent, JoinState } from '../../engine/ports.js';
import type { SavedTaskState, TaskStateRecord } from '../store.js';

interface TaskStateRow {
  name: string;
  fingerprint: string;
  file_hold: number;
  held: number;
  hold_note: string | null;
  held_at: number | null;
  held_until: number | null;
  reschedule: string | null;
  last_scheduled_at: number | null;
  scheduled_runs: number;
  failed_slots: number;
  failure_alerted_at: number | null;
  overdue_alerted_at: number | null;
  join_state: string | null;
  updated_at: number;
}

const UPSERT_SQL = `
  INSERT INTO task_state (name, fingerprint, file_hold, held, hold_note, held_at, held_until, reschedule,
    last_scheduled_at, scheduled_runs, failed_slots, failure_alerted_at, overdue_alerted_at, join_state, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint, file_hold = excluded.file_hold,
    held = excluded.held, hold_note = excluded.hold_note, held_at = excluded.held_at,
    held_until = excluded.held_until, reschedule = excluded.reschedule,
    last_scheduled_at = excluded.last_scheduled_at, scheduled_runs = excluded.scheduled_runs,
    failed_slots = excluded.failed_slots, failure_alerted_at = excluded.failure_alerted_at,
    overdue_alerted_at = excluded.overdue_alerted_at, join_state = excluded.join_state,
    updated_at = excluded.updated_at`;

export class TaskStateTable {
  readonly #db: Database;
  #upsert: Statement<unknown[]> | null = null;
  readonly #get: Statement<[string], TaskStateRow>;

  constructor(db: Database) {
    this.#db = db;
    this.#get = db.prepare<[string], TaskStateRow>('SELECT * FROM task_state WHERE name = ?');
  }

  /**
   * Insert or replace the task's state; `now` is kept as updated_at: the daemon knew the task then.
   * Parameters by position, in the columns' order above: binding an object by name cost a quarter
   * more per row (a start writes every task's state: 100,000 rows).
   */
  save(record: TaskStateRecord, now: Instant): void {
    this.#upsert ??= this.#db.prepare<unknown[]>(UPSERT_SQL);
    this.#upsert.run(
      record.name,
      record.fingerprint,
      record.fileHold ? 1 : 0,
      record.hold === null ? 0 : 1,
      record.hold?.note ?? null,
      record.hold?.at ?? null,
      record.hold?.until ?? null,
      record.reschedule === null ? null : JSON.stringify(record.reschedule),
      record.lastScheduledAt,
      record.scheduledRuns,
      record.failedSlots,
      record.alerts.failureAlertedAt,
      record.alerts.overdueAlertedAt,
      record.join === undefined ? null : JSON.stringify(record.join),
      now,
    );
  }

  get(name: string): SavedTaskState | null {
    const row = this.#get.get(name);
    return row === undefined ? null : toRecord(row);
  }

  /** Every task's saved state by name, in one query (a start restores all its tasks at once). */
  all(): Map<string, SavedTaskState> {
    const rows = this.#db.prepare<[], TaskStateRow>('SELECT * FROM task_state').all();
    return new Map(rows.map((row) => [row.name, toRecord(row)]));
  }
}

function toRecord(row: TaskStateRow): SavedTaskState {
  const reschedule = readReschedule(row.reschedule);
  const dropped = [reschedule.ok ? '' : reschedule.message];
  const lastScheduledAt = readInstant(row.last_scheduled_at);
  if (row.last_scheduled_at !== null && lastScheduledAt === null)
    dropped.push(`last scheduled instant ${showValue(row.last_scheduled_at)} is not an instant`);
  const scheduledRuns = Number.isSafeInteger(row.scheduled_runs) && row.scheduled_runs >= 0 ? row.scheduled_runs : 0;
  if (scheduledRuns !== row.scheduled_runs) dropped.push(`run count ${showValue(row.scheduled_runs)} is not a count`);
  const failedSlots = Number.isSafeInteger(row.failed_slots) && row.failed_slots >= 0 ? row.failed_slots : 0;
  if (failedSlots !== row.failed_slots) dropped.push(`failed slot count ${showValue(row.failed_slots)} is not a count`);
  const alerts = {
    failureAlertedAt: readInstant(row.failure_alerted_at),
    overdueAlertedAt: readInstant(row.overdue_alerted_at),
  };
  // Read as "not sent": at worst the alert goes out once more, never is it lost.
  if (row.failure_alerted_at !== null && alerts.failureAlertedAt === null)
    dropped.push(`failure alert time ${showValue(row.failure_alerted_at)} is not an instant`);
  if (row.overdue_alerted_at !== null && alerts.overdueAlertedAt === null)
    dropped.push(`overdue alert time ${showValue(row.overdue_alerted_at)} is not an instant`);
  const holdEnd = readInstant(row.held_until);
  if (row.held_until !== null && holdEnd === null)
    dropped.push(`hold end ${showValue(row.held_until)} is not an instant, so the hold lasts until resume`);
  const join = readJoin(row.join_state);
  if (!join.ok) dropped.push(join.message);
  const unusable = dropped.filter((text) => text !== '').join('; ');
  return {
    name: row.name,
    fingerprint: row.fingerprint,
    fileHold: row.file_hold === 1,
    hold: row.held === 1 ? { note: row.hold_note, at: readInstant(row.held_at) ?? 0, until: holdEnd } : null,
    reschedule: reschedule.ok ? reschedule.value : null,
    lastScheduledAt,
    scheduledRuns,
    failedSlots,
    alerts,
    ...(join.ok && join.value !== null ? { join: join.value } : {}),
    savedAt: readInstant(row.updated_at) ?? 0,
    ...(unusable === '' ? {} : { unusable }),
  };
}

/**
 * The reschedule column: null, or a ScheduleSpec the engine can use (schedule/spec-check.ts).
 * Anything else (not JSON, an unknown kind, `periodMs: 0`) failed the start or spun the
 * daemon (issue 15 point 2); it is dropped here and the file's schedule applies.
 */
function readReschedule(text: string | null): ParseResult<ScheduleSpec | null> {
  if (text === null) return { ok: true, value: null };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {
      ok: false,
      message: `run-time reschedule ${showValue(text)} is not JSON, so the tasks file's schedule applies`,
    };
  }
  const checked = checkScheduleSpec(value);
  return checked.ok
    ? checked
    : { ok: false, message: `run-time reschedule (${checked.message}), so the tasks file's schedule applies` };
}

/**
 * The join_state column: null, or {since, succeeded: [{task, at}]}. Anything else is dropped: the
 * join then waits for all its parents again (it runs late, never twice).
 */
function readJoin(text: string | null): ParseResult<JoinState | null> {
  if (text === null) return { ok: true, value: null };
  const problem = { ok: false, message: `join state ${showValue(text)} is not one, so the join waits afresh` } as const;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return problem;
  }
  if (typeof value !== 'object' || value === null) return problem;
  const { since, succeeded } = value as Record<string, unknown>;
  if ((since !== null && readInstant(since) === null) || !Array.isArray(succeeded)) return problem;
  const parents: JoinParent[] = [];
  for (const item of succeeded as unknown[]) {
    const { task, at } = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const instant = readInstant(at);
    if (typeof task !== 'string' || instant === null) return problem;
    parents.push({ task, at: instant });
  }
  return { ok: true, value: { since: since === null ? null : (since as Instant), succeeded: parents } };
}

function readInstant(value: unknown): Instant | null {
  return Number.isSafeInteger(value) ? (value as number) : null;
}
