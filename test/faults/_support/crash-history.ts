/** The crash suite's view of the database: runs and task state, read with better-sqlite3, read-only. */
import Database from 'better-sqlite3';

export interface RunRow {
  readonly id: number;
  readonly task: string;
  readonly trigger: string;
  readonly status: string;
  readonly scheduled_at: number | null;
  readonly created_at: number;
  readonly started_at: number | null;
  readonly ended_at: number | null;
  readonly exit_code: number | null;
  readonly signal: string | null;
  readonly attempt: number;
  readonly pid: number | null;
  readonly stop_cause: string | null;
  /** The RunStop as JSON (runner/types.ts); describeStop words it. */
  readonly stop: string | null;
  readonly error: string | null;
  /** Why a skipped row did not run (migration 8, issue 16.7); null otherwise. */
  readonly skip_reason: string | null;
  /** The last instant a skipped row stands for (its first is scheduled_at); null otherwise. */
  readonly skip_last_at: number | null;
}

export interface TaskStateRow {
  readonly name: string;
  readonly held: number;
  readonly hold_note: string | null;
  readonly held_at: number | null;
  readonly reschedule: string | null;
  readonly last_scheduled_at: number | null;
}

export interface HistorySnapshot {
  readonly runs: RunRow[];
  readonly tasks: Map<string, TaskStateRow>;
  /** PRAGMA integrity_check: "ok" for a sound file. */
  readonly integrity: string;
}

/** Everything the checks need, in one read-only open (safe next to a running daemon: WAL). */
export function readHistory(path: string): HistorySnapshot {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const runs = db
      .prepare<[], RunRow>(
        'SELECT id, task, trigger, status, scheduled_at, created_at, started_at, ended_at, exit_code, signal, ' +
          'attempt, pid, stop_cause, stop, error, skip_reason, skip_last_at FROM runs ORDER BY id',
      )
      .all();
    const tasks = db
      .prepare<[], TaskStateRow>('SELECT name, held, hold_note, held_at, reschedule, last_scheduled_at FROM task_state')
      .all();
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    return { runs, tasks: new Map(tasks.map((row) => [row.name, row])), integrity };
  } finally {
    db.close();
  }
}

/** One run by id, or undefined (for polling while the daemon writes). */
export function readRun(path: string, id: number): RunRow | undefined {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[number], RunRow>('SELECT * FROM runs WHERE id = ?').get(id);
  } finally {
    db.close();
  }
}

/** One line for a problem report: the fields that tell runs apart. */
export function describeRow(run: RunRow): string {
  const at = run.scheduled_at === null ? '-' : iso(run.scheduled_at);
  const why = run.error === null ? '' : ` (${run.error})`;
  return (
    `#${run.id} ${run.task} ${run.trigger} ${at} attempt ${run.attempt} ${run.status} created ` +
    `${iso(run.created_at)}${why}`
  );
}

export function iso(at: number): string {
  return new Date(at).toISOString();
}
