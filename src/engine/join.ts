/**
 * A join's wait (`after-all:`, DESIGN.md "Calendars, joins and groups"): which of the task's parents
 * have succeeded since the wait began. The wait begins afresh when a run of the task starts (of any
 * kind) and when the join fires; a parent's success counts when it ends after that. Kept by
 * TaskEntry, stored with the task's state (a restart keeps it), trimmed to the parents still listed
 * at a reload.
 */
import type { Instant } from '../schedule/types.js';

/** One parent whose success counts, and when (the end of its latest counted success). */
export interface JoinParent {
  readonly task: string;
  readonly at: Instant;
}

/** What a join remembers: plain data, as the store keeps it. */
export interface JoinState {
  /** When the current wait began (a run of the task started, or the join fired); null: since taskkit first knew it. */
  readonly since: Instant | null;
  /** The parents that succeeded since then, in the order of `after-all`. */
  readonly succeeded: readonly JoinParent[];
}

export class JoinProgress {
  #parents: readonly string[];
  #since: Instant | null;
  readonly #succeeded = new Map<string, Instant>();

  constructor(parents: readonly string[], restored: JoinState | undefined) {
    this.#parents = parents;
    this.#since = restored?.since ?? null;
    for (const parent of restored?.succeeded ?? []) this.#succeeded.set(parent.task, parent.at);
    this.retain(parents);
  }

  get parents(): readonly string[] {
    return this.#parents;
  }

  /** The parents not yet succeeded since the wait began, in the order of `after-all`. */
  get waitingFor(): string[] {
    return this.#parents.filter((parent) => !this.#succeeded.has(parent));
  }

  get state(): JoinState {
    return {
      since: this.#since,
      succeeded: this.#parents.flatMap((task) => {
        const at = this.#succeeded.get(task);
        return at === undefined ? [] : [{ task, at }];
      }),
    };
  }

  /** A run of `parent` succeeded at `at`: true when every parent has now (the join is complete). */
  noteSuccess(parent: string, at: Instant): boolean {
    if (!this.#parents.includes(parent)) return false;
    this.#succeeded.set(parent, at);
    return this.#succeeded.size === this.#parents.length;
  }

  /** The wait begins afresh at `at` (a run of the task started, or the join fired); false when nothing changed. */
  restart(at: Instant): boolean {
    const changed = this.#succeeded.size > 0 || this.#since !== at;
    this.#since = at;
    this.#succeeded.clear();
    return changed;
  }

  /** A reload's new list: parents no longer listed are forgotten; a parent added is waited for. */
  retain(parents: readonly string[]): void {
    this.#parents = parents;
    for (const task of [...this.#succeeded.keys()]) if (!parents.includes(task)) this.#succeeded.delete(task);
  }
}

/** A reload's join: it keeps what it has seen of the parents still listed; a join added starts empty. */
export function redefinedJoin(join: JoinProgress | null, afterAll: readonly string[] | undefined): JoinProgress | null {
  if (afterAll === undefined) return null;
  if (join === null) return new JoinProgress(afterAll, undefined);
  join.retain(afterAll);
  return join;
}
