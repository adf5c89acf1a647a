/**
 * Consecutive skips of one task for one reason are one history row (issue 16.7): an every-second
 * task whose run takes an hour under `overlap: skip` adds one row "skipped x3599", not 3,599. The
 * engine reports each skipped trigger (`run-skipped`, one record each: `run-now` and the log see
 * them); this is where the history folds them, as attach.ts saves them.
 *
 * Rules. A skip of an instant (a `schedule` or `catch-up` trigger) for `overlap`, `deadline` or
 * `claimed` joins the task's open row when that row is of the same kind; the row keeps its id
 * (the first skip's) and first instant, and takes the count, the last instant and the newest
 * words. A run of the task that starts in between, or a skip of another kind, closes the row: the
 * next skip opens a new one. Rows the engine already counts (`held`, `missed`) are saved as they
 * come (a held row is re-sent with its count as it grows) and close the open row. The open row is
 * this daemon's: a restart starts a new row. A skip that had a row of its own while it waited
 * (queued, then skipped past its deadline) loses that row when it joins.
 */
import type { RunRecord, SkipReason } from '../engine/run.js';

/** Kinds whose consecutive skips share a row; held and missed rows come counted from the engine. */
const JOINING: ReadonlySet<SkipReason> = new Set<SkipReason>(['overlap', 'deadline', 'claimed']);

export interface SkipRowWriter {
  save(run: RunRecord): void;
  forget(id: number): void;
}

export class SkipRows {
  readonly #writer: SkipRowWriter;
  /** Per task: its open row as last saved, while skips may still join it. */
  readonly #open = new Map<string, RunRecord>();
  /** Runs with a row of their own that have not ended (queued or running). */
  readonly #waiting = new Set<number>();

  constructor(writer: SkipRowWriter) {
    this.#writer = writer;
  }

  /** A run waits with a row of its own (`run-queued`). */
  queued(run: RunRecord): void {
    this.#waiting.add(run.id);
  }

  /** A run of the task started: the skips before it and those after are two rows. */
  started(run: RunRecord): void {
    this.#open.delete(run.task);
    this.#waiting.add(run.id);
  }

  /** A run ended (run-finished). */
  finished(run: RunRecord): void {
    this.#waiting.delete(run.id);
  }

  /**
   * The claim yielded a run (run-yielded: another host has it): it leaves no row, so the one it had
   * while it waited (queued) goes.
   */
  yielded(run: RunRecord): void {
    if (this.#waiting.delete(run.id)) this.#writer.forget(run.id);
  }

  /** A skipped record: saved as a row of its own, or folded into the task's open row. */
  skipped(run: RunRecord): void {
    const open = this.#open.get(run.task);
    const hadRow = this.#waiting.delete(run.id);
    if (open !== undefined && joins(open, run)) {
      const merged = fold(open, run);
      this.#open.set(run.task, merged);
      this.#writer.save(merged);
      if (hadRow) this.#writer.forget(run.id);
      return;
    }
    this.#writer.save(run);
    this.#open.set(run.task, run);
  }
}

/** Whether `run` joins the open row `open`: same kind, one that joins, both instants of the schedule. */
function joins(open: RunRecord, run: RunRecord): boolean {
  const kind = run.skip?.reason;
  return (
    kind !== undefined &&
    JOINING.has(kind) &&
    open.skip?.reason === kind &&
    open.id !== run.id &&
    hasInstant(open) &&
    hasInstant(run)
  );
}

function hasInstant(run: RunRecord): boolean {
  return run.scheduledAt !== null && (run.trigger === 'schedule' || run.trigger === 'catch-up');
}

/** `open` standing for `run`'s instants too: its id and first instant, the newest words and end. */
function fold(open: RunRecord, run: RunRecord): RunRecord {
  const a = open.skip;
  const b = run.skip;
  if (a === undefined || b === undefined) return open;
  const lastA = a.lastAt ?? open.scheduledAt;
  const lastB = b.lastAt ?? run.scheduledAt;
  return {
    ...open,
    scheduledAt: minInstant(open.scheduledAt, run.scheduledAt),
    endedAt: run.endedAt,
    error: run.error,
    skip: { reason: a.reason, count: a.count + b.count, more: a.more || b.more, lastAt: maxInstant(lastA, lastB) },
  };
}

function minInstant(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function maxInstant(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}
