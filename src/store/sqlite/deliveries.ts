/**
 * The deliveries table (issue 16.1, `taskkit alerts`): one row per alert sent to a notifier, written
 * `pending` when the engine decides the alert and updated once delivered or failed. Retention keeps
 * the newest DELIVERIES_KEPT rows, never a pending one.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { AlertEvent, NotifyTarget } from '../../config/types.js';
import { DELIVERIES_KEPT, type DeliveryRecord, type DeliveryStatus } from '../store.js';

interface DeliveryRow {
  id: number;
  task: string;
  event: string;
  run_id: number | null;
  failures: number;
  overdue_since: number | null;
  notifier: string;
  target: string;
  decided_at: number;
  status: string;
  attempts: number;
  finished_at: number | null;
  error: string | null;
}

const UPSERT_SQL = `
  INSERT INTO deliveries (id, task, event, run_id, failures, overdue_since, notifier, target, decided_at, status,
    attempts, finished_at, error)
  VALUES (@id, @task, @event, @run_id, @failures, @overdue_since, @notifier, @target, @decided_at, @status,
    @attempts, @finished_at, @error)
  ON CONFLICT (id) DO UPDATE SET notifier = excluded.notifier, target = excluded.target, status = excluded.status,
    attempts = excluded.attempts,
    finished_at = excluded.finished_at, error = excluded.error`;

const PRUNE_SQL = `
  DELETE FROM deliveries WHERE status <> 'pending'
    AND id < (SELECT id FROM deliveries ORDER BY id DESC LIMIT 1 OFFSET @offset)`;

export class DeliveriesTable {
  readonly #db: Database;
  #upsert: Statement<[Record<string, unknown>]> | null = null;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Insert a delivery, or update the outcome of the one with its id. */
  save(record: DeliveryRecord): void {
    this.#upsert ??= this.#db.prepare<[Record<string, unknown>]>(UPSERT_SQL);
    this.#upsert.run({
      id: record.id,
      task: record.task,
      event: record.event,
      run_id: record.runId,
      failures: record.failures,
      overdue_since: record.overdueSince,
      notifier: record.notifier,
      target: record.target,
      decided_at: record.decidedAt,
      status: record.status,
      attempts: record.attempts,
      finished_at: record.finishedAt,
      error: record.error,
    });
  }

  /** Keep the newest `keep` rows (pending ones always); returns how many went. */
  prune(keep: number = DELIVERIES_KEPT): number {
    return this.#db.prepare<[{ offset: number }]>(PRUNE_SQL).run({ offset: Math.max(0, keep - 1) }).changes;
  }

  list(filter: { readonly task?: string; readonly limit?: number } = {}): DeliveryRecord[] {
    const limit = filter.limit ?? DELIVERIES_KEPT;
    const rows =
      filter.task === undefined
        ? this.#db.prepare<[number], DeliveryRow>('SELECT * FROM deliveries ORDER BY id DESC LIMIT ?').all(limit)
        : this.#db
            .prepare<[string, number], DeliveryRow>('SELECT * FROM deliveries WHERE task = ? ORDER BY id DESC LIMIT ?')
            .all(filter.task, limit);
    return rows.map(toRecord);
  }

  pending(): DeliveryRecord[] {
    return this.#db
      .prepare<[], DeliveryRow>("SELECT * FROM deliveries WHERE status = 'pending' ORDER BY id")
      .all()
      .map(toRecord);
  }

  /** The highest id ever stored (deleted rows included) + 1. */
  nextId(): number {
    const row = this.#db
      .prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'deliveries'")
      .get();
    return (row?.seq ?? 0) + 1;
  }
}

function toRecord(row: DeliveryRow): DeliveryRecord {
  return {
    id: row.id,
    task: row.task,
    event: row.event as AlertEvent,
    runId: row.run_id,
    failures: row.failures,
    overdueSince: row.overdue_since,
    notifier: row.notifier as NotifyTarget['kind'],
    target: row.target,
    decidedAt: row.decided_at,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    finishedAt: row.finished_at,
    error: row.error,
  };
}
