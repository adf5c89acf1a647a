/**
 * The runs table (DESIGN.md "Runs" and "State and history"): every field of an engine RunRecord,
 * output and truncation included; history queries; retention; crash recovery at start.
 */
import type { Database, Statement } from 'better-sqlite3';
import { FAILED_STATUSES, type RunRecord, type RunStatus, type SkipFacts, type SkipReason } from '../../engine/run.js';
import type { RunStop, Trigger } from '../../engine/ports.js';
import type { Instant } from '../../schedule/types.js';
import { DEFAULT_RUN_LIMIT, type RunFilter, type RunStats, type RunSummary } from '../store.js';

interface RunRow {
  id: number;
  task: string;
  trigger: string;
  status: string;
  scheduled_at: number | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  exit_code: number | null;
  signal: string | null;
  attempt: number;
  pid: number | null;
  /** A BLOB (migration 3), read as a Buffer. */
  output?: Buffer | string;
  output_truncated: number;
  output_bytes: number;
  stop_cause: string | null;
  stop: string | null;
  error: string | null;
  result: string | null;
  skip_reason: string | null;
  skip_count: number | null;
  skip_more: number;
  skip_last_at: number | null;
}

const SUMMARY_COLUMNS =
  'id, task, trigger, status, scheduled_at, created_at, started_at, ended_at, exit_code, signal, attempt, pid, ' +
  'output_truncated, output_bytes, stop_cause, stop, error, result, skip_reason, skip_count, skip_more, skip_last_at';
const FAILED_SQL = `status IN (${FAILED_STATUSES.map((status) => `'${status}'`).join(', ')})`;

/**
 * A run's columns as `save` binds them, by position (an object bound by name cost about a quarter
 * more per row: de384a1): every column but the key, then `id` and `task`, so that the update and
 * the upsert below take the same values (toValues).
 */
const SET_COLUMNS = (
  'trigger status scheduled_at created_at started_at ended_at exit_code signal attempt pid output output_truncated ' +
  'output_bytes stop_cause stop error result skip_reason skip_count skip_more skip_last_at'
).split(' ');

const UPSERT_SQL = `
  INSERT INTO runs (${SET_COLUMNS.join(', ')}, id, task) VALUES (${SET_COLUMNS.map(() => '?, ').join('')}?, ?)
  ON CONFLICT (id) DO UPDATE SET task = excluded.task, ${SET_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`;

/**
 * A run's row once written, updated in place: a run is saved as it starts and as it ends, after
 * its `running` row (journal.ts). Unlike the upsert this touches neither sqlite_sequence (an
 * INSERT on an AUTOINCREMENT table writes it even when it turns into an update) nor the
 * (task, id) index, whose columns it does not set: two fewer WAL pages per save.
 */
const UPDATE_SQL = `UPDATE runs SET ${SET_COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE id = ? AND task = ?`;

const UNFINISHED_SQL = "'running', 'queued'";

type PruneParams = [{ task: string; offset: number }];

/**
 * Retention (issue 15.6). Each kind of row has its own bound: the id of the task's keep-th newest
 * ended run for ended runs, of its keep-th newest skip for skips (NULL, fewer than keep: nothing
 * goes). Skips count apart so that a burst of them (every trigger while a long run holds the only
 * slot) cannot push real runs out; running and queued rows are never candidates, so a run longer
 * than keep x period still gets its outcome written. Each bound is a walk down the (task, id) index.
 */
const PRUNE_SQL = `
  DELETE FROM runs WHERE task = @task AND status NOT IN (${UNFINISHED_SQL}) AND id < CASE status
    WHEN 'skipped' THEN
      (SELECT id FROM runs WHERE task = @task AND status = 'skipped' ORDER BY id DESC LIMIT 1 OFFSET @offset)
    ELSE
      (SELECT id FROM runs WHERE task = @task AND status NOT IN ('skipped', ${UNFINISHED_SQL})
        ORDER BY id DESC LIMIT 1 OFFSET @offset)
    END`;

/**
 * Why a run left unfinished by the previous daemon was marked `interrupted` (read after the word
 * "interrupted" in `list` and `history`, so short; the daemon log tells the rest).
 */
export const INTERRUPTED_REASON = {
  running: 'daemon stopped during the run',
  queued: 'daemon stopped before it started',
} as const;

export class RunsTable {
  readonly #db: Database;
  #upsert: Statement<unknown[]> | null = null;
  #update: Statement<unknown[]> | null = null;
  #delete: Statement<[number]> | null = null;
  readonly #get: Statement<[number], RunRow>;
  readonly #latest: Statement<[string], RunRow>;
  readonly #prune: Statement<PruneParams>;

  constructor(db: Database) {
    this.#db = db;
    this.#get = db.prepare<[number], RunRow>('SELECT * FROM runs WHERE id = ?');
    this.#latest = db.prepare<[string], RunRow>('SELECT * FROM runs WHERE task = ? ORDER BY id DESC LIMIT 1');
    this.#prune = db.prepare<PruneParams>(PRUNE_SQL);
  }

  /** Delete a run's row (a skip folded into the row of the skips before it). */
  delete(id: number): void {
    // Prepared once, as the upsert: a write of every batch that folds skips, not a one-off query.
    this.#delete ??= this.#db.prepare<[number]>('DELETE FROM runs WHERE id = ?');
    this.#delete.run(id);
  }

  /** Insert a run, or replace every field of the one with its id. */
  save(run: RunRecord): void {
    const values = toValues(run);
    // Most saves are of a row already written: update it in place; else the upsert (a new run,
    // or the id's row of another task, which the upsert replaces whole as it always did).
    this.#update ??= this.#db.prepare<unknown[]>(UPDATE_SQL);
    if (this.#update.run(...values).changes > 0) return;
    this.#upsert ??= this.#db.prepare<unknown[]>(UPSERT_SQL);
    this.#upsert.run(...values);
  }

  get(id: number): RunRecord | null {
    const row = this.#get.get(id);
    return row === undefined ? null : toRecord(row);
  }

  latest(task: string): RunRecord | null {
    const row = this.#latest.get(task);
    return row === undefined ? null : toRecord(row);
  }

  /** Newest first, without output. */
  list(filter: RunFilter = {}): RunSummary[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.task !== undefined) {
      where.push('task = ?');
      params.push(filter.task);
    }
    if (filter.failed === true) where.push(FAILED_SQL);
    if (filter.skipped === true) where.push("status = 'skipped'");
    if (filter.stopCause !== undefined) {
      where.push('stop_cause = ?');
      params.push(filter.stopCause);
    }
    if (filter.since !== undefined) {
      where.push('created_at >= ?');
      params.push(filter.since);
    }
    const limit = Math.max(0, Math.floor(filter.limit ?? DEFAULT_RUN_LIMIT));
    const sql =
      `SELECT ${SUMMARY_COLUMNS} FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ` +
      `ORDER BY id DESC LIMIT ?`;
    return this.#db
      .prepare<unknown[], RunRow>(sql)
      .all(...params, limit)
      .map(toSummary);
  }

  /**
   * The newest run of each task that ran (started, then ended: not skipped nor dropped while waiting), by task name.
   */
  lastEnded(): RunSummary[] {
    return this.#db
      .prepare<[], RunRow>(
        `SELECT ${SUMMARY_COLUMNS} FROM runs WHERE id IN
           (SELECT max(id) FROM runs WHERE status NOT IN ('running', 'queued') AND started_at IS NOT NULL
            GROUP BY task) ORDER BY task`,
      )
      .all()
      .map(toSummary);
  }

  stats(task: string): RunStats {
    const row = this.#db
      .prepare<[string], { succeeded: number | null; failed: number | null }>(
        `SELECT sum(status = 'succeeded') AS succeeded, sum(${FAILED_SQL}) AS failed FROM runs WHERE task = ?`,
      )
      .get(task);
    const succeeded = row?.succeeded ?? 0;
    const failed = row?.failed ?? 0;
    return { task, succeeded, failed, successRate: succeeded + failed === 0 ? null : succeeded / (succeeded + failed) };
  }

  /**
   * Keep the task's newest `keep` ended runs and, apart from them, its newest `keep` skipped
   * triggers; returns how many were deleted. Running and queued rows are never deleted (their
   * outcome is still to be written). `keep` 0 deletes every ended row of the task.
   */
  prune(task: string, keep: number): number {
    const kept = Math.max(0, Math.floor(keep));
    if (kept === 0)
      return this.#db
        .prepare<[string]>(`DELETE FROM runs WHERE task = ? AND status NOT IN (${UNFINISHED_SQL})`)
        .run(task).changes;
    return this.#prune.run({ task, offset: kept - 1 }).changes;
  }

  /** Every `running` and `queued` row becomes `interrupted`, ended `at`; returns them as they now are. */
  markInterrupted(at: Instant): RunSummary[] {
    const update = this.#db.prepare<[Instant, string, string]>(
      `UPDATE runs SET status = 'interrupted', ended_at = ?, error = ? WHERE status = ? RETURNING ${SUMMARY_COLUMNS}`,
    );
    const rows = [
      ...(update.all(at, INTERRUPTED_REASON.running, 'running') as RunRow[]),
      ...(update.all(at, INTERRUPTED_REASON.queued, 'queued') as RunRow[]),
    ];
    return rows.map(toSummary).sort((a, b) => a.id - b.id);
  }

  /**
   * The latest instant any kept run of `task` was due at (schedule, catch-up, retry, skipped alike,
   * the last instant a skipped row stands for included), or null.
   */
  latestScheduledAt(task: string): Instant | null {
    const row = this.#db
      .prepare<[string], { at: number | null; skipped: number | null }>(
        'SELECT max(scheduled_at) AS at, max(skip_last_at) AS skipped FROM runs WHERE task = ?',
      )
      .get(task);
    const at = row?.at ?? null;
    const skipped = row?.skipped ?? null;
    return skipped !== null && (at === null || skipped > at) ? skipped : at;
  }

  /** latestScheduledAt of every task with a kept run, in one query (a start restores all its tasks at once). */
  latestScheduledAtByTask(): Map<string, Instant> {
    const rows = this.#db
      .prepare<[], { task: string; at: number | null; skipped: number | null }>(
        'SELECT task, max(scheduled_at) AS at, max(skip_last_at) AS skipped FROM runs GROUP BY task',
      )
      .all();
    const latest = new Map<string, Instant>();
    for (const { task, at, skipped } of rows) {
      const instant = skipped !== null && (at === null || skipped > at) ? skipped : at;
      if (instant !== null) latest.set(task, instant);
    }
    return latest;
  }

  /** When the newest kept succeeded run of `task` ended, or null. */
  lastSuccessAt(task: string): Instant | null {
    const row = this.#db
      .prepare<[string], { at: number | null }>(
        "SELECT max(ended_at) AS at FROM runs WHERE task = ? AND status = 'succeeded'",
      )
      .get(task);
    return row?.at ?? null;
  }

  /** Ids up to `id` count as handed out (a recreated database continues after the lost ones). */
  reserveIds(id: number): void {
    if (id < 1) return;
    const raised = this.#db
      .prepare<[number]>("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'runs'")
      .run(id).changes;
    if (raised === 0) this.#db.prepare<[number]>("INSERT INTO sqlite_sequence (name, seq) VALUES ('runs', ?)").run(id);
  }

  /** The highest id ever stored (deleted rows included) + 1. */
  nextId(): number {
    const row = this.#db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'runs'").get();
    return (row?.seq ?? 0) + 1;
  }
}

/** The values of SET_COLUMNS, then id and task. */
function toValues(run: RunRecord): unknown[] {
  return [
    run.trigger,
    run.status,
    run.scheduledAt,
    run.createdAt,
    run.startedAt,
    run.endedAt,
    run.exitCode,
    run.signal,
    run.attempt,
    run.pid,
    run.output,
    run.outputTruncated ? 1 : 0,
    run.outputBytes,
    run.stop?.cause ?? null,
    run.stop === null ? null : JSON.stringify(run.stop),
    run.error,
    encodeResult(run.result),
    run.skip?.reason ?? null,
    run.skip?.count ?? null,
    run.skip?.more === true ? 1 : 0,
    run.skip?.lastAt ?? null,
    run.id,
    run.task,
  ];
}

function toSummary(row: RunRow): RunSummary {
  const run: RunSummary = {
    id: row.id,
    task: row.task,
    trigger: row.trigger as Trigger,
    scheduledAt: row.scheduled_at,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    status: row.status as RunStatus,
    exitCode: row.exit_code,
    signal: row.signal,
    attempt: row.attempt,
    pid: row.pid,
    outputTruncated: row.output_truncated === 1,
    outputBytes: row.output_bytes,
    stop: readStop(row),
    error: row.error,
  };
  // An old skipped row whose words did not say its kind has no facts: one trigger, kind unknown.
  const withSkip =
    row.skip_count === null || row.skip_reason === null ? run : { ...run, skip: readSkip(row, row.skip_count) };
  return row.result === null ? withSkip : { ...withSkip, result: JSON.parse(row.result) as unknown };
}

/** A skipped row's facts (migration 8). */
function readSkip(row: RunRow, count: number): SkipFacts {
  return {
    reason: row.skip_reason as SkipReason,
    count,
    more: row.skip_more === 1,
    lastAt: row.skip_last_at,
  };
}

function toRecord(row: RunRow): RunRecord {
  return { ...toSummary(row), output: readOutput(row.output) };
}

/** The stored bytes; a TEXT value (a row some other writer stored as text) as its UTF-8 bytes. */
function readOutput(output: Buffer | string | undefined): Buffer {
  if (output === undefined) return Buffer.alloc(0);
  return typeof output === 'string' ? Buffer.from(output, 'utf8') : output;
}

/** The stop as stored; null for a legacy row whose words did not parse (its `error` keeps them). */
function readStop(row: RunRow): RunStop | null {
  return row.stop === null ? null : (JSON.parse(row.stop) as RunStop);
}

/**
 * `result` as JSON, NULL when absent. A value JSON cannot hold (a BigInt, a cycle) must not make
 * the whole batch fail and retry forever: it is stored as its description instead.
 */
function encodeResult(result: unknown): string | null {
  if (result === undefined) return null;
  try {
    return JSON.stringify(result) ?? null;
  } catch (error) {
    return JSON.stringify(
      `[taskkit: result not storable as JSON: ${error instanceof Error ? error.message : String(error)}]`,
    );
  }
}
