/**
 * What the restores of one turn read: a daemon's start adds all its tasks in one synchronous loop,
 * a reload its new ones, and each asks for its saved state and the latest instant of its runs. Asked
 * task by task that was a SELECT per task and a statement prepared per task with a saved state
 * (100,000 tasks: ~0.55 s of the start's CPU in the SELECTs alone, issue 20.4); read here in two
 * queries for all of them. A task written since (its state, a run of it) is read afresh from the
 * tables, so a restore never sees less than the database holds. The store keeps a snapshot for the
 * turn it was read in only (sqlite-store.ts), so nothing of it stays in memory after the start.
 */
import type { Instant } from '../../schedule/types.js';
import type { SavedTaskState } from '../store.js';
import type { RunsTable } from './runs.js';
import type { TaskStateTable } from './task-state.js';

export class RestoreSnapshot {
  readonly #tasks: TaskStateTable;
  readonly #runs: RunsTable;
  readonly #saved: Map<string, SavedTaskState>;
  readonly #latest: Map<string, Instant>;
  /** Tasks written since the snapshot was read: their rows are read from the tables again. */
  readonly #written = new Set<string>();

  constructor(tasks: TaskStateTable, runs: RunsTable) {
    this.#tasks = tasks;
    this.#runs = runs;
    this.#saved = tasks.all();
    this.#latest = runs.latestScheduledAtByTask();
  }

  /** The task's saved state, or null: what TaskStateTable.get would say now. */
  saved(task: string): SavedTaskState | null {
    return this.#written.has(task) ? this.#tasks.get(task) : (this.#saved.get(task) ?? null);
  }

  /** The latest instant of the task's kept runs, or null: what RunsTable.latestScheduledAt would say now. */
  latestScheduledAt(task: string): Instant | null {
    return this.#written.has(task) ? this.#runs.latestScheduledAt(task) : (this.#latest.get(task) ?? null);
  }

  /** The task's state or runs were written: read them afresh. */
  written(task: string): void {
    this.#written.add(task);
  }
}
