/**
 * The cluster history's writer: run rows upserted by id as runs start and end. Writes are queued
 * and batched (one statement per batch), kept in order, retried with backoff through an outage,
 * and never throw (CLUSTER-PLAN: the local SQLite journal is the host's own record meanwhile).
 */
import type { LogFunction } from '../../engine/ports.js';
import type { RunRecord } from '../../engine/run.js';
import { describeDbError, retriableAfterSend } from './db-errors.js';
import type { Queryable } from './queryable.js';
import { pruneRuns } from './retention.js';
import { quoteIdent } from './cluster-name.js';
import { RUN_JSON_COLUMNS, type RunJson, type RunPlace, toRunJson } from './run-row.js';

export interface RunWriterOptions {
  readonly db: Queryable;
  readonly schema: string;
  readonly log?: LogFunction;
  /** Rows per statement; default 100. */
  readonly maxBatch?: number;
  /** Pause after a failed batch, doubling to maxPauseMs; defaults 100 ms and 30 s. */
  readonly firstPauseMs?: number;
  readonly maxPauseMs?: number;
}

interface Pending {
  readonly row: RunJson;
  /** Keep this many runs of the task after the write, when given (history.keep). */
  readonly keep: number | undefined;
}

interface WriteFailure {
  readonly why: string;
  readonly left: readonly Pending[];
}

function upsertSql(schema: string): string {
  const ts = (column: string) => `to_timestamp(x.${column} / 1000.0)`;
  return `
    INSERT INTO ${quoteIdent(schema)}.run AS r (id, task, trigger, scheduled_at, attempt, scope_host, cause_run_id,
      status, host_id, hostname, created_at, started_at, ended_at, exit_code, signal, pid, output,
      output_truncated, output_bytes, error, result, stop, skip)
    SELECT x.id, x.task, x.trigger, ${ts('scheduled_at')}, x.attempt, x.scope_host, x.cause_run_id, x.status,
      x.host_id, x.hostname, ${ts('created_at')}, ${ts('started_at')}, ${ts('ended_at')}, x.exit_code, x.signal,
      x.pid, decode(x.output, 'base64'), x.output_truncated, x.output_bytes, x.error, x.result::jsonb,
      x.stop::jsonb, x.skip::jsonb
      FROM json_to_recordset($1::json) AS x(${RUN_JSON_COLUMNS})
     -- only claims write the row of a cluster instant or dependent run (see CLAIMED_ONLY)
     WHERE x.scope_host IS NOT NULL OR (x.scheduled_at IS NULL AND x.cause_run_id IS NULL)
        OR EXISTS (SELECT 1 FROM ${quoteIdent(schema)}.run e WHERE e.id = x.id)
    ON CONFLICT (id) DO UPDATE SET status = excluded.status, host_id = excluded.host_id,
      hostname = excluded.hostname, scope_host = coalesce(excluded.scope_host, r.scope_host),
      cause_run_id = coalesce(excluded.cause_run_id, r.cause_run_id),
      started_at = coalesce(excluded.started_at, r.started_at), ended_at = excluded.ended_at,
      exit_code = excluded.exit_code, signal = excluded.signal, pid = excluded.pid, output = excluded.output,
      output_truncated = excluded.output_truncated, output_bytes = excluded.output_bytes,
      error = CASE WHEN r.status = 'interrupted'
                   THEN concat_ws('; ', excluded.error, 'finished after this host lost contact (' || r.error || ')')
                   ELSE excluded.error END,
      result = excluded.result, stop = excluded.stop, skip = excluded.skip
    -- rows only move forward (queued, running, ended): a late running/queued write never reopens a
    -- row that ended (a reaper interrupted it), and a late queued one never takes a running row back
    -- to queued (the reaper would then free it for take_queued_v1: the run twice)
    WHERE (excluded.status NOT IN ('running', 'queued') OR r.status = 'queued'
           OR (r.status = 'running' AND excluded.status = 'running'))
      -- a host that lost contact records how its reaped run really ended only where no retry row
      -- stands for it (CLUSTER.md section 4): with one, the row stays interrupted, as the retry says
      AND NOT (r.status = 'interrupted' AND EXISTS (
        SELECT 1 FROM ${quoteIdent(schema)}.run n
         WHERE n.task = r.task AND n.scheduled_at = r.scheduled_at AND n.attempt = r.attempt + 1
           AND n.scope_host IS NOT DISTINCT FROM r.scope_host))`;
}

/**
 * Queued upserts of run rows. A later save of the same run replaces a pending one in place; rows
 * go out in the order they were first saved; a transient failure is retried (same order), a row
 * the database refuses for good (a constraint) is logged and dropped so it cannot block the rest.
 *
 * CLAIMED_ONLY (CLUSTER.md section 3, "only claims write rows of scheduled instants"): a run of a
 * cluster task with an instant or a parent run is written only over the row its claim made (same
 * id). The engine's own records of such runs before or without a claim (`queued` while waiting
 * for a slot, a local skip: held, missed, overlap) write nothing: as rows they would take the
 * instant's place in the `run_claim` index and make every host's claim of it `lost`.
 * scope: host runs, and cluster runs without instant or parent, are inserted as they come.
 */
export class RunWriter {
  readonly #db: Queryable;
  readonly #sql: string;
  readonly #schema: string;
  readonly #log: LogFunction;
  readonly #maxBatch: number;
  readonly #firstPause: number;
  readonly #maxPause: number;
  /** Ends the pause between failed writes early (retryNow). */
  #wake: (() => void) | null = null;
  #pending = new Map<number, Pending>();
  #draining = false;
  #idle: ((written: boolean) => void)[] = [];
  #closed = false;
  #failing = false;
  #inFlight = 0;

  constructor(options: RunWriterOptions) {
    this.#db = options.db;
    this.#schema = options.schema;
    this.#sql = upsertSql(options.schema);
    this.#log = options.log ?? (() => undefined);
    this.#maxBatch = options.maxBatch ?? 100;
    this.#firstPause = options.firstPauseMs ?? 100;
    this.#maxPause = options.maxPauseMs ?? 30_000;
  }

  /** Rows waiting to be written, the batch in flight included. */
  get pending(): number {
    return this.#pending.size + this.#inFlight;
  }

  /** Queue the run's row (insert or update every field by id); keep the task's last `keep` runs after. */
  save(run: RunRecord, place: RunPlace, keep?: number): void {
    if (this.#closed) {
      this.#log('warn', `cluster history: run #${run.id} of ${run.task} not written: the writer is closed`);
      return;
    }
    const prior = this.#pending.get(run.id);
    this.#pending.set(run.id, { row: toRunJson(run, place), keep: keep ?? prior?.keep });
    if (!this.#draining) {
      this.#draining = true;
      // Writes of the same turn go out as one batch.
      setImmediate(() => void this.#drain());
    }
  }

  /** Resolves when every row saved before the call is written (or dropped as refused for good). */
  async flush(): Promise<void> {
    await this.#whenWritten(undefined);
  }

  /**
   * flush, bounded: through an outage a flush never resolves, so a caller that must answer (a
   * `history` request, a daemon stopping) waits at most `timeoutMs`. true: all written; false:
   * the time passed first (the rows stay queued and are still retried).
   */
  flushWithin(timeoutMs: number): Promise<boolean> {
    return this.#whenWritten(timeoutMs);
  }

  /**
   * The database is back (the caller saw a connection succeed): write the queued rows now rather
   * than after the current pause, which may be up to 30 s. A stale `running` row of a run that
   * ended meanwhile would make the cluster skip the task's next instant (overlap: skip).
   */
  retryNow(): void {
    this.#wake?.();
  }

  /** Take no more rows; resolves when the queued ones are written, or after `timeoutMs` when given. */
  async close(timeoutMs?: number): Promise<void> {
    this.#closed = true;
    await this.#whenWritten(timeoutMs);
  }

  #whenWritten(timeoutMs: number | undefined): Promise<boolean> {
    if (!this.#draining && this.#pending.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (written: boolean) => {
        clearTimeout(timer);
        this.#idle = this.#idle.filter((waiting) => waiting !== done);
        resolve(written);
      };
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => done(false), Math.max(0, timeoutMs));
      this.#idle.push(done);
    });
  }

  async #drain(): Promise<void> {
    let pause = this.#firstPause;
    while (this.#pending.size > 0) {
      const batch = [...this.#pending.values()].slice(0, this.#maxBatch);
      for (const entry of batch) this.#pending.delete(entry.row.id);
      this.#inFlight = batch.length;
      const failure = await this.#write(batch);
      this.#inFlight = 0;
      if (failure === null) {
        if (this.#failing) this.#log('info', 'cluster history: writing again');
        this.#failing = false;
        pause = this.#firstPause;
        continue;
      }
      // Put the unwritten rows back in front, unless a newer save of the same run came meanwhile.
      const newer = this.#pending;
      this.#pending = new Map(failure.left.filter((entry) => !newer.has(entry.row.id)).map((e) => [e.row.id, e]));
      for (const [id, entry] of newer) this.#pending.set(id, entry);
      if (!this.#failing)
        this.#log('warn', `cluster history: cannot write (${failure.why}); retrying, rows are kept meanwhile`);
      this.#failing = true;
      const woken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), pause).unref();
        this.#wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      this.#wake = null;
      pause = woken ? this.#firstPause : Math.min(pause * 2, this.#maxPause);
    }
    this.#draining = false;
    const waiting = this.#idle;
    this.#idle = [];
    for (const resolve of waiting) resolve(true);
  }

  /**
   * Write a batch: null when done (rows refused for good are logged and dropped), else why it
   * must be retried and which rows are still unwritten.
   */
  async #write(batch: readonly Pending[]): Promise<WriteFailure | null> {
    try {
      await this.#db.query(this.#sql, [JSON.stringify(batch.map((entry) => entry.row))]);
    } catch (error) {
      if (retriableAfterSend(error)) return { why: describeDbError(error), left: batch };
      if (batch.length > 1) return this.#writeOneByOne(batch);
      const row = batch[0]?.row;
      this.#log('error', `cluster history: run #${row?.id} of ${row?.task} refused: ${describeDbError(error)}`);
      return null;
    }
    await this.#prune(batch);
    return null;
  }

  /** A batch the database refused: each row alone, so that only the refused ones are dropped. */
  async #writeOneByOne(batch: readonly Pending[]): Promise<WriteFailure | null> {
    for (const [index, entry] of batch.entries()) {
      const failure = await this.#write([entry]);
      if (failure !== null) return { why: failure.why, left: batch.slice(index) };
    }
    return null;
  }

  async #prune(batch: readonly Pending[]): Promise<void> {
    const keeps = new Map<string, number>();
    for (const { row, keep } of batch)
      if (keep !== undefined && row.status !== 'running' && row.status !== 'queued') keeps.set(row.task, keep);
    for (const [task, keep] of keeps) {
      try {
        await pruneRuns(this.#db, this.#schema, task, keep);
      } catch (error) {
        // Retention is best effort: the next ended run of the task tries again.
        this.#log('warn', `cluster history: pruning ${task} failed: ${describeDbError(error)}`);
      }
    }
  }
}
