/**
 * The part of a task's engine state (task-entry.ts) that most tasks never set: a hold and its end's
 * node, a run-time reschedule, calendars, a join, runs queued behind others, failed slots, the last
 * run, the remembered next instant, the dead-man node, removal. It lives in an object of its own,
 * made when one of them first takes a value other than its default: 100,000 idle tasks held 11
 * fields each at their defaults (~8 MB, issue 20.4). TaskEntry alone reads and changes it.
 */
import type { ScheduleSpec } from '../schedule/types.js';
import type { JoinProgress } from './join.js';
import type { NextInstantMemo } from './next-memo.js';
import type { RunRecord } from './run.js';
import type { TaskCalendars } from './task-calendars.js';
import type { TaskHold } from './task-hold.js';
import type { HoldEndNode, OverdueNode } from './task-nodes.js';

/** One shared frozen [] for a task with no runs queued (100,000 idle tasks, no arrays). */
export const NO_RUNS = Object.freeze([]) as unknown as never[];

export class TaskRareState<E, R> {
  // Its hold's end and dead-man deadline nodes, made on first use; null: on no timeline.
  holdEndNode: HoldEndNode<E> | null = null;
  overdueNode: OverdueNode<E> | null = null;
  /** A run-time reschedule in force, or null for the file's schedule. */
  override: ScheduleSpec | null = null;
  calendars: TaskCalendars | null = null; // `except:` (task-calendars.ts), null without
  hold: TaskHold | null = null;
  /** Runs waiting for the task's earlier runs to end, in order (a subset of the entry's active runs). */
  serial: R[] = NO_RUNS;
  lastRun: RunRecord | null = null;
  /** Scheduled slots (an instant with all its retries) that failed in a row, for `hold-after-failures`. */
  failedSlots = 0;
  /** `after-all:` the join's wait (engine/join.ts), or null for a task without it. */
  join: JoinProgress | null = null;
  removed = false;
  /** scheduleNextRemembered's one answer and what it depended on (made with the first ask). */
  memo: NextInstantMemo | null = null;
}

/** What an entry without rare state of its own reads: every default, never written. */
export const NO_RARE_STATE: Readonly<TaskRareState<never, never>> = Object.freeze(new TaskRareState<never, never>());

/**
 * TaskEntry's base: its rare state, made on the first change. `rare` reads it (the shared defaults
 * while it has none of its own), `ownRare` makes it to change it, `putRare` sets one field (its
 * default on an entry without rare state makes none).
 */
export class RareStateHolder<E, R> {
  #rare: TaskRareState<E, R> | null = null;

  protected get rare(): Readonly<TaskRareState<E, R>> {
    return this.#rare ?? NO_RARE_STATE;
  }

  protected get ownRare(): TaskRareState<E, R> {
    return (this.#rare ??= new TaskRareState<E, R>());
  }

  protected putRare<K extends keyof TaskRareState<E, R>>(key: K, value: TaskRareState<E, R>[K]): void {
    if (this.#rare !== null || value !== this.rare[key]) this.ownRare[key] = value;
  }
}
