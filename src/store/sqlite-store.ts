/**
 * The Store on one SQLite file (DESIGN.md "State and history"): open.ts + migrations, the two
 * tables, and the write batcher in front of them. The daemon opens it writable; the offline CLI
 * (`history`, `logs` with no daemon) opens it read-only next to a running writer (WAL).
 */
import type { Database, Transaction } from 'better-sqlite3';
import type { TaskSpec } from '../config/types.js';
import type { LogFunction } from '../engine/ports.js';
import type { RunRecord } from '../engine/run.js';
import { TaskkitError } from '../errors.js';
import type { Instant } from '../schedule/types.js';
import { DeliveriesTable } from './sqlite/deliveries.js';
import { DaemonStateTable } from './sqlite/daemon-state.js';
import { detectFileChange, readFileIdentity, type FileIdentity } from './sqlite/file-identity.js';
import { openDatabase } from './sqlite/open.js';
import { describeLostDatabase, describeReopened, reopenDatabase } from './sqlite/reopen.js';
import { RestoreSnapshot } from './sqlite/restore-snapshot.js';
import { RetentionPlan } from './sqlite/retention-plan.js';
import { RunsTable } from './sqlite/runs.js';
import { TaskStateTable } from './sqlite/task-state.js';
import { WriteBatcher, type BatchStats } from './sqlite/write-batcher.js';
import type {
  DeliveryRecord,
  RunFilter,
  RunStats,
  RunSummary,
  SavedTaskState,
  Store,
  TaskRestore,
  TaskStateRecord,
} from './store.js';
import { restoreTaskState } from './task-restore.js';
import type { RecoveryState, StoreWrite } from './sqlite/store-write.js';
import type { SqliteStoreOptions } from './sqlite/store-options.js';

export type { RecoveryState, StoreWrite } from './sqlite/store-write.js';
export type { SqliteStoreOptions } from './sqlite/store-options.js';

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
  /** null after a reopen failed (a file at the path that is no database): writes wait and retry. */
  #db: Database | null;
  #runs: RunsTable;
  #tasks: TaskStateTable;
  #deliveries: DeliveriesTable;
  #daemonState: DaemonStateTable;
  #write: Transaction<(items: readonly StoreWrite[]) => void>;
  readonly #batcher: WriteBatcher<StoreWrite>;
  readonly #now: () => Instant;
  readonly #log: LogFunction;
  /** The file the daemon has open, as a stat of the path saw it (its size: the largest seen). */
  #identity: FileIdentity | null = null;
  #recoverySource: (() => RecoveryState) | null = null;
  /** The highest run id written: a recreated database must not hand out lower ones again. */
  #maxRunId = 0;
  /** When checkFile() last ran (performance.now()): checkFileUnlessRecent() skips a check this close. */
  #checkedAt = -Infinity;
  /** Why the last attempt to put a database back failed: the same reason again is not logged again. */
  #reopenFailure: string | null = null;
  #closed = false;
  #snapshot: RestoreSnapshot | null = null; // what this turn's restores read (restore-snapshot.ts)
  #retention = new RetentionPlan(); // which tasks a batch prunes

  constructor(db: Database, options: SqliteStoreOptions) {
    this.location = options.path;
    this.readOnly = db.readonly;
    this.#db = db;
    this.#runs = new RunsTable(db);
    this.#tasks = new TaskStateTable(db);
    this.#deliveries = new DeliveriesTable(db);
    this.#daemonState = new DaemonStateTable(db);
    this.#write = this.#transaction(db);
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? (() => {});
    this.#batcher = new WriteBatcher<StoreWrite>({
      ...options.batch,
      write: (items) => {
        this.checkFile();
        this.#requireDb();
        this.#write(items);
        this.#retention.committed();
      },
      log: this.#log,
      label: `history database ${options.path}`,
    });
    if (!this.readOnly) {
      this.#identity = readFileIdentity(options.path);
    }
  }

  /** Where a recreated database gets the daemon's runs in flight and task state from (the daemon sets it). */
  setRecoverySource(source: () => RecoveryState): void {
    this.#recoverySource = source;
  }

  /**
   * Whether the database file is still the one open at its path (one stat); if it was deleted,
   * truncated or replaced, say so loudly and put a database back there (reopen.ts), with the
   * daemon's runs in flight and task state written into it. Called before each write batch, at
   * close, and at the daemon's engine wakes (checkFileUnlessRecent). Returns what it found (null: all well).
   */
  checkFile(): 'deleted' | 'truncated' | 'replaced' | 'unopened' | null {
    if (this.readOnly || this.#closed) return null;
    this.#checkedAt = performance.now();
    const known = this.#identity;
    const now = readFileIdentity(this.location);
    const change = known === null || this.#db === null ? 'unopened' : detectFileChange(known, now);
    if (change === null) {
      if (known !== null && now !== null && now.size > known.size) this.#identity = now;
      return null;
    }
    this.#reopen(change);
    return change;
  }

  /**
   * checkFile() unless one ran in the last `withinMs` of monotonic time. An idle daemon calls it on its
   * engine's wakes (daemon/history.ts checkDatabaseOnWakes), so the check wakes it no extra time.
   */
  checkFileUnlessRecent(withinMs: number): void {
    if (performance.now() - this.#checkedAt >= withinMs) this.checkFile();
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
    return this.#requireDb().transaction(() => this.#runs.markInterrupted(at))();
  }

  saveRun(run: RunRecord, keep?: number): void {
    this.#requireWritable();
    if (run.id > this.#maxRunId) this.#maxRunId = run.id;
    this.#batcher.enqueue(`run:${run.id}`, { kind: 'run', run, keep });
  }

  forgetRun(id: number): void {
    this.#requireWritable();
    this.#batcher.enqueue(`run:${id}`, { kind: 'forget-run', id });
  }

  pruneRuns(task: string, keep: number): number {
    this.#requireWritable();
    this.#batcher.flush();
    this.#requireDb();
    this.#snapshot?.written(task);
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
    // Only this task's own waiting state could make the row stale (flushing everything committed a
    // transaction per task at a start: 100,000 tasks, ~5 s). Its runs need no flush: each run's row is
    // committed before it starts (journal.ts); later writes do not change the instants latestScheduledAt reads.
    if (this.#batcher.has(`task:${spec.name}`)) this.#batcher.flush();
    if (this.#db === null) return { state: {}, notice: `${spec.name}: no usable database to restore its state from` };
    const snapshot = this.#restoreSnapshot();
    const saved = snapshot.saved(spec.name);
    const restore = restoreTaskState(spec, saved, saved === null ? null : snapshot.latestScheduledAt(spec.name));
    // The dead-man counts from the last success across a restart; only tasks with one ask.
    if (spec.expectSuccessWithinMs === undefined) return restore;
    const lastSuccessAt = this.#runs.lastSuccessAt(spec.name);
    return lastSuccessAt === null ? restore : { ...restore, state: { ...restore.state, lastSuccessAt } };
  }

  nextDeliveryId(): number {
    this.#flushForRead();
    return this.#deliveries.nextId();
  }

  saveDelivery(record: DeliveryRecord): void {
    this.#requireWritable();
    this.#batcher.enqueue(`delivery:${record.id}`, { kind: 'delivery', record });
  }

  listDeliveries(filter: { readonly task?: string; readonly limit?: number } = {}): DeliveryRecord[] {
    this.#flushForRead();
    return this.#deliveries.list(filter);
  }

  pendingDeliveries(): DeliveryRecord[] {
    this.#flushForRead();
    return this.#deliveries.pending();
  }

  lastBootId(): string | null {
    this.#flushForRead();
    return this.#daemonState.get('boot-id');
  }

  saveBootId(id: string): void {
    this.#requireWritable();
    // At once, after what is queued (the @reboot runs' rows): the fact is on disk when this returns.
    this.#batcher.flush();
    this.#daemonState.set('boot-id', id, this.#now());
  }

  flush(): void {
    if (!this.readOnly) this.#batcher.flush();
  }

  close(): void {
    if (this.#closed) return;
    // A database deleted since the last write is put back before the daemon lets go of its copy.
    if (!this.readOnly) this.checkFile();
    this.#closed = true;
    if (!this.readOnly) this.#batcher.close();
    this.#db?.close();
  }

  #restoreSnapshot(): RestoreSnapshot {
    if (this.#snapshot === null) queueMicrotask(() => (this.#snapshot = null));
    return (this.#snapshot ??= new RestoreSnapshot(this.#tasks, this.#runs));
  }

  #transaction(db: Database): Transaction<(items: readonly StoreWrite[]) => void> {
    return db.transaction((items: readonly StoreWrite[]) => this.#apply(items));
  }

  /** Put a database back at the path after `change`; on failure, writes wait (kept and retried by the batcher). */
  #reopen(change: 'deleted' | 'truncated' | 'replaced' | 'unopened'): void {
    const path = this.location;
    if (change !== 'unopened') this.#log('error', describeLostDatabase(change, path));
    const old = this.#db;
    this.#db = null;
    try {
      const reopened = reopenDatabase(old, path, change, { warn: (message) => this.#log('warn', message) });
      this.#use(reopened.db);
      const written = this.#writeBack();
      this.#log('warn', `history database ${path}: ${describeReopened(reopened, change)}; wrote back ${written}`);
      this.#reopenFailure = null;
    } catch (error) {
      this.#identity = null;
      const reason = error instanceof Error ? error.message : String(error);
      // Tried again at each write and each engine wake's check: one line per new reason, not one per try.
      if (reason === this.#reopenFailure) return;
      this.#reopenFailure = reason;
      this.#log(
        'error',
        `history database ${path}: cannot put a database back (${reason}); ` +
          'runs are kept in memory and the next write tries again',
      );
    }
  }

  #use(db: Database): void {
    this.#db = db;
    this.#snapshot = null;
    this.#runs = new RunsTable(db);
    this.#tasks = new TaskStateTable(db);
    this.#deliveries = new DeliveriesTable(db);
    this.#daemonState = new DaemonStateTable(db);
    this.#write = this.#transaction(db);
    this.#identity = readFileIdentity(this.location);
    this.#retention = new RetentionPlan();
  }

  /** The daemon's runs in flight and task state, into the database just put back; what was written, in words. */
  #writeBack(): string {
    const state = this.#recoverySource?.() ?? { runs: [], tasks: [] };
    const db = this.#requireDb();
    const now = this.#now();
    db.transaction(() => {
      for (const run of state.runs) this.#runs.save(run);
      for (const task of state.tasks) this.#tasks.save(task, now);
      this.#runs.reserveIds(this.#maxRunId);
    })();
    return `${state.runs.length} run(s) in flight and the state of ${state.tasks.length} task(s)`;
  }

  #requireDb(): Database {
    if (this.#db !== null) return this.#db;
    // A storage fault (write-batcher.ts isStorageFault): the batcher keeps the writes and retries.
    throw Object.assign(new Error(`no usable database at ${this.location}`), { code: 'SQLITE_CANTOPEN' });
  }

  /** One transaction's worth of queued writes; retention once per task touched that needs it. */
  #apply(items: readonly StoreWrite[]): void {
    const now = this.#now();
    let deliveries = false;
    for (const item of items) {
      if (item.kind === 'task') {
        this.#tasks.save(item.record, now);
        this.#snapshot?.written(item.record.name);
      } else if (item.kind === 'delivery') {
        this.#deliveries.save(item.record);
        deliveries = true;
      } else if (item.kind === 'forget-run') {
        this.#snapshot = null; // which task's runs: not said; rare (a skip folded into the row before it)
        this.#runs.delete(item.id);
      } else {
        this.#runs.save(item.run);
        this.#snapshot?.written(item.run.task);
        this.#retention.wrote(item.run, item.keep);
      }
    }
    this.#retention.prune(this.#runs);
    if (deliveries) this.#deliveries.prune();
  }

  /** Reads see every write made before them (a `history` right after a run lists it). */
  #flushForRead(): void {
    if (!this.readOnly && !this.#closed) this.#batcher.flush();
    if (this.#db === null)
      throw new TaskkitError(
        'STORE_UNAVAILABLE',
        `no usable database at ${this.location} (see the daemon log); runs are kept in memory until there is one`,
      );
  }

  #requireWritable(): void {
    if (this.readOnly)
      throw new TaskkitError('STORE_UNAVAILABLE', `${this.location} is open read-only; only the daemon writes to it`);
  }
}
