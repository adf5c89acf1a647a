/**
 * Engine events arrive on the timer's hot path (issue 4: "writes do not block the timer"). They are
 * queued in memory, coalesced by key (a run started and finished in one turn is written once), and
 * written in one transaction after the current turn of the event loop, after `delayMs`, or at once
 * when `maxItems` are waiting; synchronously on close. A failed write is logged and retried with
 * backoff, never thrown into the engine. Until that retry, `flush()` (reads, the run journal) does
 * not touch the database: each attempt on a locked or full one costs the engine's event loop the
 * busy timeout, and a run start or `history` per attempt would make the backoff meaningless.
 */
import type { LogFunction } from '../../engine/ports.js';

/** When the batcher's flushes run; injected so tests drive them without real time. */
export interface BatchTimers {
  /** Call `fn` after `delayMs` (0: once the current turn of the event loop is over); returns a cancel. */
  schedule(delayMs: number, fn: () => void): () => void;
}

export const SYSTEM_BATCH_TIMERS: BatchTimers = {
  schedule(delayMs, fn) {
    if (delayMs <= 0) {
      const immediate = setImmediate(fn);
      return () => clearImmediate(immediate);
    }
    const timeout = setTimeout(fn, delayMs);
    return () => clearTimeout(timeout);
  },
};

export interface WriteBatcherOptions<T> {
  /** Write every item, all or nothing (one transaction); throw on failure. */
  readonly write: (items: readonly T[]) => void;
  log: LogFunction;
  /** Names the target in log lines, e.g. the database path. */
  label: string;
  /** Wait before a flush; default 0 (setImmediate: every write of one engine wake in one transaction). */
  delayMs?: number;
  /** Flush at once when this many writes wait; default 1,000. */
  maxItems?: number;
  /** First wait after a failed flush, doubled each time up to maxRetryDelayMs; default 1 s and 60 s. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** While writes keep failing, at most this many wait in memory (the oldest go first); default 100,000. */
  maxPending?: number;
  timers?: BatchTimers;
}

export interface BatchStats {
  /** Transactions that succeeded. */
  flushes: number;
  /** Items written by them. */
  written: number;
  /** Flushes that failed. */
  failures: number;
  /** Items given up: not storable, over maxPending, or still waiting at close. */
  dropped: number;
  /** Time spent in successful flushes, total and longest (ms). */
  flushMs: number;
  maxFlushMs: number;
}

export class WriteBatcher<T> {
  readonly #options: Required<Omit<WriteBatcherOptions<T>, 'write' | 'log' | 'label'>>;
  readonly #write: (items: readonly T[]) => void;
  readonly #log: LogFunction;
  readonly #label: string;
  readonly #pending = new Map<string, T>();
  #cancelTimer: (() => void) | null = null;
  /** Consecutive failed flushes; > 0 means a retry is scheduled and new writes only queue. */
  #failing = 0;
  #closed = false;
  #droppedAtClose = 0;
  readonly stats: BatchStats = { flushes: 0, written: 0, failures: 0, dropped: 0, flushMs: 0, maxFlushMs: 0 };

  constructor(options: WriteBatcherOptions<T>) {
    this.#write = options.write;
    this.#log = options.log;
    this.#label = options.label;
    this.#options = {
      delayMs: options.delayMs ?? 0,
      maxItems: options.maxItems ?? 1_000,
      retryDelayMs: options.retryDelayMs ?? 1_000,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 60_000,
      maxPending: options.maxPending ?? 100_000,
      timers: options.timers ?? SYSTEM_BATCH_TIMERS,
    };
  }

  /** Writes waiting. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Whether a write for `key` is waiting. */
  has(key: string): boolean {
    return this.#pending.has(key);
  }

  /** Queue `item`; it replaces a waiting item with the same key (the newer state wins). */
  enqueue(key: string, item: T): void {
    if (this.#closed) {
      // Once: a daemon that closes before the engine's last events would otherwise log a line each.
      if (this.stats.dropped++ === this.#droppedAtClose)
        this.#log('warn', `${this.#label}: closed; dropping writes from now on (first: ${key})`);
      return;
    }
    this.#pending.set(key, item);
    if (this.#failing > 0) this.#bound();
    else if (this.#pending.size >= this.#options.maxItems) this.flush();
    else this.#cancelTimer ??= this.#options.timers.schedule(this.#options.delayMs, () => this.#flushFromTimer());
  }

  /**
   * Write everything waiting now, in one transaction; true when nothing is left waiting. While a
   * retry is scheduled after a failure, false at once: the retry's timer writes (issue 8).
   */
  flush(): boolean {
    if (this.#failing > 0) return this.#pending.size === 0;
    return this.#attempt();
  }

  #attempt(): boolean {
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    if (this.#pending.size === 0) return true;
    const items = [...this.#pending.values()];
    try {
      this.#timed(() => this.#write(items), items.length);
      this.#pending.clear();
      this.#recovered(items.length);
      return true;
    } catch (error) {
      this.stats.failures++;
      this.#failing++;
      // A lock, a full or read-only disk: no item is to blame, and one-by-one writes would each
      // wait out the busy timeout and fail alike, or let small rows through and drop big ones.
      if (this.#failing >= 2 && items.length > 1 && !isStorageFault(error)) this.#isolate();
      if (this.#pending.size === 0) {
        this.#failing = 0;
        return true;
      }
      const delay = Math.min(this.#options.maxRetryDelayMs, this.#options.retryDelayMs * 2 ** (this.#failing - 1));
      this.#log(
        'error',
        `${this.#label}: could not write ${this.#pending.size} change(s) (${describe(error)}); ` +
          `keeping them in memory, retrying in ${delay} ms`,
      );
      if (!this.#closed) this.#cancelTimer = this.#options.timers.schedule(delay, () => this.#flushFromTimer());
      return false;
    }
  }

  /** Flush synchronously; what still cannot be written is reported and dropped. Later writes are dropped. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#attempt()) {
      this.#cancelTimer?.();
      this.#cancelTimer = null;
      this.stats.dropped += this.#pending.size;
      this.#log(
        'error',
        `${this.#label}: closing with ${this.#pending.size} change(s) that could not be written; they are lost: ` +
          `${describeKeys([...this.#pending.keys()])}`,
      );
      this.#pending.clear();
    }
    this.#droppedAtClose = this.stats.dropped;
  }

  #flushFromTimer(): void {
    this.#cancelTimer = null;
    this.#attempt();
  }

  /** After failed attempts, say that the changes kept in memory are stored now. */
  #recovered(count: number): void {
    if (this.#failing === 0) return;
    this.#log(
      'info',
      `${this.#label}: writing again; stored the ${count} change(s) kept in memory after ${this.#failing} ` +
        `failed attempt(s)`,
    );
    this.#failing = 0;
  }

  #timed(write: () => void, count: number): void {
    const started = performance.now();
    write();
    const elapsed = performance.now() - started;
    this.stats.flushes++;
    this.stats.written += count;
    this.stats.flushMs += elapsed;
    this.stats.maxFlushMs = Math.max(this.stats.maxFlushMs, elapsed);
  }

  /**
   * A batch failed twice: write its items one by one. If some go through, the others are poison
   * (a value the database refuses) and are dropped, so that one bad write cannot block every later
   * one. If none go through, the fault is the database's (disk full, locked): all are kept.
   */
  #isolate(): void {
    const refused: [string, unknown][] = [];
    let written = 0;
    for (const [key, item] of [...this.#pending]) {
      try {
        this.#timed(() => this.#write([item]), 1);
        this.#pending.delete(key);
        written++;
      } catch (error) {
        // The database itself failed meanwhile: keep everything for the next retry.
        if (isStorageFault(error)) return;
        refused.push([key, error]);
      }
    }
    if (written === 0) return;
    for (const [key, error] of refused) {
      this.#pending.delete(key);
      this.stats.dropped++;
      this.#log('error', `${this.#label}: dropped a change that cannot be written (${key}: ${describe(error)})`);
    }
  }

  /** While writes fail, memory stays bounded: the oldest waiting writes go, a tenth at a time. */
  #bound(): void {
    const { maxPending } = this.#options;
    if (this.#pending.size <= maxPending) return;
    const excess = this.#pending.size - maxPending + Math.ceil(maxPending / 10);
    const dropped: string[] = [];
    for (const key of this.#pending.keys()) {
      if (dropped.length >= excess) break;
      this.#pending.delete(key);
      dropped.push(key);
    }
    this.stats.dropped += dropped.length;
    this.#log(
      'error',
      `${this.#label}: writes keep failing; dropped the ${dropped.length} oldest waiting change(s) ` +
        `to bound memory: ${describeKeys(dropped)}`,
    );
  }
}

/**
 * The keys of changes given up, so that the log says exactly which (issue 8): "run:12-40, run:43,
 * task:backup". Keys are `prefix:suffix`; runs of consecutive numeric suffixes become ranges.
 */
export function describeKeys(keys: readonly string[]): string {
  const parts: string[] = [];
  let range: { prefix: string; first: number; last: number } | null = null;
  const close = (): void => {
    if (range !== null)
      parts.push(
        range.first === range.last ? `${range.prefix}${range.first}` : `${range.prefix}${range.first}-${range.last}`,
      );
    range = null;
  };
  for (const key of keys) {
    const match = /^(.*:)(\d+)$/.exec(key);
    const prefix = match?.[1];
    const number = Number(match?.[2]);
    if (prefix === undefined) {
      close();
      parts.push(key);
    } else if (range !== null && range.prefix === prefix && number === range.last + 1) {
      range.last = number;
    } else {
      close();
      range = { prefix, first: number, last: number };
    }
  }
  close();
  return parts.join(', ');
}

/**
 * SQLite result codes (better-sqlite3's `code`, extended codes included) that say the database as
 * a whole cannot take writes now: another process's lock, a full or read-only disk, an I/O error.
 */
const STORAGE_FAULT = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|READONLY|CANTOPEN|NOMEM|PROTOCOL)(_|$)/;

/** True when `error` is the database's fault, not the written item's. */
export function isStorageFault(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && STORAGE_FAULT.test(code);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
