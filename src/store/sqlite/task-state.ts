/**
 * The task_state table: per task, what `hold`, `reschedule` and the schedule itself leave behind
 * (hold + note + time, run-time reschedule as ScheduleSpec JSON, last scheduled instant, max-runs
 * counter), with the fingerprint of the definition it was saved under (task-restore.ts).
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Instant, ScheduleSpec } from '../../schedule/types.js';
import type { SavedTaskState, TaskStateRecord } from '../store.js';

interface TaskStateRow {
  name: string;
  fingerprint: string;
  file_hold: number;
  held: number;
  hold_note: string | null;
  held_at: number | null;
  reschedule: string | null;
  last_scheduled_at: number | null;
  scheduled_runs: number;
  updated_at: number;
}

const UPSERT_SQL = `
  INSERT INTO task_state (name, fingerprint, file_hold, held, hold_note, held_at, reschedule, last_scheduled_at,
    scheduled_runs, updated_at)
  VALUES (@name, @fingerprint, @file_hold, @held, @hold_note, @held_at, @reschedule, @last_scheduled_at,
    @scheduled_runs, @updated_at)
  ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint, file_hold = excluded.file_hold,
    held = excluded.held, hold_note = excluded.hold_note, held_at = excluded.held_at, reschedule = excluded.reschedule,
    last_scheduled_at = excluded.last_scheduled_at, scheduled_runs = excluded.scheduled_runs,
    updated_at = excluded.updated_at`;

export class TaskStateTable {
  readonly #db: Database;
  #upsert: Statement<[Record<string, unknown>]> | null = null;
  readonly #get: Statement<[string], TaskStateRow>;

  constructor(db: Database) {
    this.#db = db;
    this.#get = db.prepare<[string], TaskStateRow>('SELECT * FROM task_state WHERE name = ?');
  }

  /** Insert or replace the task's state; `now` is kept as updated_at: the daemon knew the task then. */
  save(record: TaskStateRecord, now: Instant): void {
    this.#upsert ??= this.#db.prepare<[Record<string, unknown>]>(UPSERT_SQL);
    this.#upsert.run({
      name: record.name,
      fingerprint: record.fingerprint,
      file_hold: record.fileHold ? 1 : 0,
      held: record.hold === null ? 0 : 1,
      hold_note: record.hold?.note ?? null,
      held_at: record.hold?.at ?? null,
      reschedule: record.reschedule === null ? null : JSON.stringify(record.reschedule),
      last_scheduled_at: record.lastScheduledAt,
      scheduled_runs: record.scheduledRuns,
      updated_at: now,
    });
  }

  get(name: string): SavedTaskState | null {
    const row = this.#get.get(name);
    return row === undefined ? null : toRecord(row);
  }
}

function toRecord(row: TaskStateRow): SavedTaskState {
  return {
    name: row.name,
    fingerprint: row.fingerprint,
    fileHold: row.file_hold === 1,
    hold: row.held === 1 ? { note: row.hold_note, at: row.held_at ?? 0 } : null,
    reschedule: row.reschedule === null ? null : (JSON.parse(row.reschedule) as ScheduleSpec),
    lastScheduledAt: row.last_scheduled_at,
    scheduledRuns: row.scheduled_runs,
    savedAt: row.updated_at,
  };
}
