/**
 * A join (`after-all:`, engine/join.ts) as JSON and in words: what `list`, `show` and `--json` say
 * it waits for. Part of the views of views.ts.
 */
import type { TaskSpec } from '../config/types.js';
import type { TaskStatus } from '../engine/task-state.js';
import type { Instant } from '../schedule/types.js';

export interface JoinView {
  /** `after-all:` as written (each name once). */
  readonly parents: readonly string[];
  /** The parents that succeeded since the wait began, with when (ISO 8601 UTC), in the order of `parents`. */
  readonly succeeded: readonly { readonly task: string; readonly at: string }[];
  /** The parents still waited for, in the order of `parents`. */
  readonly waitingFor: readonly string[];
  /** When the wait began (a run of the task started, or the join fired); null: since taskkit first knew the task. */
  readonly since: string | null;
}

const iso = (instant: Instant): string => new Date(instant).toISOString();

/** The join of a task with `after-all`, else null. */
export function toJoinView(task: Pick<TaskStatus, 'spec' | 'join'>): JoinView | null {
  const parents = task.spec.afterAll;
  if (parents === undefined) return null;
  const succeeded = (task.join?.succeeded ?? []).filter((parent) => parents.includes(parent.task));
  const done = new Set(succeeded.map((parent) => parent.task));
  return {
    parents,
    succeeded: succeeded.map((parent) => ({ task: parent.task, at: iso(parent.at) })),
    waitingFor: parents.filter((parent) => !done.has(parent)),
    since: task.join?.since == null ? null : iso(task.join.since),
  };
}

/** "after all of extract, transform (waiting for transform)": `show`'s line for a join. */
export function describeJoin(join: JoinView): string {
  const waiting = join.waitingFor.length === 0 ? '' : ` (waiting for ${join.waitingFor.join(', ')})`;
  return `after all of ${join.parents.join(', ')}${waiting}`;
}

/**
 * What starts a task without instants of its own, by its dependency keys: "after backup", "after all
 * extract, transform", both joined by "; "; null when neither is given.
 */
export function describeDependencyStart(spec: Pick<TaskSpec, 'after' | 'afterAll'>): string | null {
  const parts = [
    spec.after.length > 0 ? `after ${spec.after.join(', ')}` : '',
    spec.afterAll === undefined ? '' : `after all ${spec.afterAll.join(', ')}`,
  ].filter((part) => part !== '');
  return parts.length === 0 ? null : parts.join('; ');
}
