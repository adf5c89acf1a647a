/**
 * The Store on one SQLite file (DESIGN.md "State and history"): open.ts + migrations, the two
 * tables, and the write batcher in front of them. The daemon opens it writable; the offline CLI
 * (`history`, `logs` with no daemon) opens it read-only next to a running writer (WAL).
 */
import type { Database } from 'better-sqlite3';
import type { TaskSpec } from '../config/types.js';
import type { LogFunction } from '../engine/ports.js';
import type { RunRecord } from '../engine/run.js';
import { TaskkitError } from '../errors.js';
import type { Instant } from '../schedule/types.js';
import type { Migration } from './sqlite/migrations.js';
import { openDatabase } from './sqlite/open.js';
import { RunsTable } from './sqlite/runs.js';
import { TaskStateTable } from './sqlite/task-state.js';
import { WriteBatcher, type BatchStats, type WriteBatcherOptions } from './sqlite/write-batcher.js';
import type { RunFilter, RunStats, RunSummary, SavedTaskState, Store, TaskRestore, TaskStateRecord } from './store.js';
import { restoreTaskState } from './task-restore.js';

export interface SqliteStoreOptions {
  /** The database file, normally `<state-dir>/taskkit.db` (DATABASE_FILE_NAME). */
  readonly path: string;
  readonly readOnly?: boolean;
  /** Failed writes and dropped changes are reported here; default: nowhere. */
  readonly log?: LogFunction;
  /** The daemon's clock, for task_state.updated_at (SavedTaskState.savedAt); default Date.now. */
  readonly now?: () => Instant;
  /** Tuning of the write batcher (delay, max items, retry, timers for tests). */
  readonly batch?: Omit<WriteBatcherOptions<StoreWrite>, 'write' | 'log' | 'label'>;
  /** Tests only: another schema. */
  readonly migrations?: readonly Migration[];
}

/** One queued write. */
export type StoreWrite =
  | { readonly kind: 'run'; readonly run: RunRecord; readonly keep: number | undefined }
  | { readonly kind: 'task'; readonly record: TaskStateRecord };

/** Open the store at `options.path`; throws STORE_CORRUPT or STORE_UNAVAILABLE with a message naming the file. */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const db = openDatabase(options.path, {
    readOnly: options.readOnly ?? false,
    ...(options.migrations ? { migrations: options.migrations } : {}),
    warn: (message) => options.log?.('warn', message),
  });
  return new SqliteStore(db, options);
}

export class SqliteStore implements Store {
  readonly location: string;
  readonly readOnly: boolean;
  readonly #db: Database;
  readonly #runs: RunsTable;
  readonly #tasks: TaskStateTable;
  readonly #batcher: WriteBatcher<StoreWrite>;
  readonly #now: () => Instant;
  #closed = false;

  constructor(db: Database, options: SqliteStoreOptions) {
    this.location = options.path;
    this.readOnly = db.readonly;
    this.#db = db;
    this.#runs = new RunsTable(db);
    this.#tasks = new TaskStateTable(db);
    this.#now = options.now ?? Date.now;
    const write = db.transaction((items: readonly StoreWrite[]) => this.#apply(items));
    this.#batcher = new WriteBatcher<StoreWrite>({
      ...options.batch,
      write: (items) => write(items),
      log: options.log ?? (() => {}),
      label: `history database ${options.path}`,
    });
  }

  /** The batcher's counters (flushes, items, failures, time spent), for the benchmark and tests. */
  get batchStats(): Readonly<BatchStats> {
    return this.#batcher.stats;
  }

  /** Writes queued and not yet in the database. */
  get pendingWrites(): number {
    return this.#batcher.pending;
  }

  nextRunId(): number {
    this.#flushForRead();
    return this.#runs.nextId();
  }

  markInterrupted(at: Instant): RunSummary[] {
    this.#requireWritable();
    this.#batcher.flush();
    return this.#db.transaction(() => this.#runs.markInterrupted(at))();
  }

  saveRun(run: RunRecord, keep?: number): void {
    this.#requireWritable();
    this.#batcher.enqueue(`run:${run.id}`, { kind: 'run', run, keep });
  }

  pruneRuns(task: string, keep: number): number {
    this.#requireWritable();
    this.#batcher.flush();
    return this.#runs.prune(task, keep);
  }

  getRun(id: number): RunRecord | null {
    this.#flushForRead();
    return this.#runs.get(id);
  }

  latestRun(task: string): RunRecord | null {
    this.#flushForRead();
    return this.#runs.latest(task);
  }

  listRuns(filter: RunFilter = {}): RunSummary[] {
    this.#flushForRead();
    return this.#runs.list(filter);
  }

  lastRuns(): RunSummary[] {
    this.#flushForRead();
    return this.#runs.lastEnded();
  }

  runStats(task: string): RunStats {
    this.#flushForRead();
    return this.#runs.stats(task);
  }

  saveTaskState(record: TaskStateRecord): void {
    this.#requireWritable();
    this.#batcher.enqueue(`task:${record.name}`, { kind: 'task', record });
  }

  loadTaskState(name: string): SavedTaskState | null {
    this.#flushForRead();
    return this.#tasks.get(name);
  }

  restoreTask(spec: TaskSpec): TaskRestore {
    // Only this task's own waiting state could make the row stale. Flushing everything instead
    // committed one transaction per task while a daemon added its tasks (100,000 tasks: ~5 s).
    // Its runs need no flush: each run's row is committed before it starts (journal.ts), and
    // later writes do not change the instants latestScheduledAt reads.
    if (this.#batcher.has(`task:${spec.name}`)) this.#batcher.flush();
    const saved = this.#tasks.get(spec.name);
    return restoreTaskState(spec, saved, saved === null ? null : this.#runs.latestScheduledAt(spec.name));
  }

  flush(): void {
    if (!this.readOnly) this.#batcher.flush();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.readOnly) this.#batcher.close();
    this.#db.close();
  }

  /** One transaction's worth of queued writes; retention once per task touched. */
  #apply(items: readonly StoreWrite[]): void {
    const keepByTask = new Map<string, number>();
    const now = this.#now();
    for (const item of items) {
      if (item.kind === 'task') {
        this.#tasks.save(item.record, now);
      } else {
        this.#runs.save(item.run);
        if (item.keep !== undefined) keepByTask.set(item.run.task, item.keep);
      }
    }
    for (const [task, keep] of keepByTask) this.#runs.prune(task, keep);
  }

  /** Reads see every write made before them (a `history` right after a run lists it). */
  #flushForRead(): void {
    if (!this.readOnly && !this.#closed) this.#batcher.flush();
  }

  #requireWritable(): void {
    if (this.readOnly)
      throw new TaskkitError('STORE_UNAVAILABLE', `${this.location} is open read-only; only the daemon writes to it`);
  }
}
