/**
 * The resource suites' view of the history database, read-only with better-sqlite3 beside the
 * running daemon (WAL), by the schema of src/store/sqlite/migrations.ts.
 */
import { existsSync } from 'node:fs';
import Sqlite from 'better-sqlite3';
import { waitUntil } from '../../support/process-state.js';

/** A runs row, output excluded. */
export interface RunRow {
  readonly id: number;
  readonly task: string;
  readonly trigger: string;
  readonly status: string;
  readonly scheduled_at: number | null;
  readonly started_at: number | null;
  readonly ended_at: number | null;
  readonly exit_code: number | null;
  readonly signal: string | null;
  readonly pid: number | null;
  readonly output_truncated: number;
  readonly output_bytes: number;
  readonly stop_cause: string | null;
  /** The RunStop as JSON (runner/types.ts); describeStop words it. */
  readonly stop: string | null;
  readonly error: string | null;
}

const COLUMNS =
  'id, task, trigger, status, scheduled_at, started_at, ended_at, exit_code, signal, pid, output_truncated, ' +
  'output_bytes, stop_cause, stop, error';

/** Run `read` on a fresh read-only connection (none is kept open: the daemon checkpoints freely). */
export function withDb<T>(path: string, read: (db: Sqlite.Database) => T): T {
  const db = new Sqlite(path, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Every stored run, oldest first; [] before the daemon created the database. */
export function readRuns(path: string, where = '1 = 1'): RunRow[] {
  if (!existsSync(path)) return [];
  return withDb(path, (db) => db.prepare<[], RunRow>(`SELECT ${COLUMNS} FROM runs WHERE ${where} ORDER BY id`).all());
}

/** One run with its stored output (the BLOB's bytes), or null. */
export function readRunOutput(path: string, id: number): { output: Buffer; row: RunRow } | null {
  return withDb(path, (db) => {
    const row = db
      .prepare<[number], RunRow & { output: Buffer }>(`SELECT ${COLUMNS}, output FROM runs WHERE id = ?`)
      .get(id);
    if (row === undefined) return null;
    const { output, ...rest } = row;
    return { output, row: rest };
  });
}

/** Poll until a run of `task` has ended (any final status); returns it. */
export async function waitForEnded(path: string, task: string, timeoutMs: number): Promise<RunRow> {
  let found: RunRow | undefined;
  await waitUntil(
    () => {
      found = readRuns(path, `task = '${task}' AND ended_at IS NOT NULL AND status NOT IN ('running', 'queued')`).at(
        -1,
      );
      return found !== undefined;
    },
    timeoutMs,
    `a run of ${task} to end`,
  );
  return found as RunRow;
}

/** Run ids missing from 1..max: ids are handed out in order, so a gap is a run never written. */
export function findIdGaps(rows: readonly RunRow[]): number[] {
  const ids = new Set(rows.map((row) => row.id));
  const max = Math.max(0, ...ids);
  const gaps: number[] = [];
  for (let id = 1; id <= max; id++) if (!ids.has(id)) gaps.push(id);
  return gaps;
}

/** The p-th percentile (0..100) of `values` by nearest rank; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}
