/**
 * Where a parent's success meets the joins that wait for it (`after-all:`, engine/join.ts): the
 * engine's loop calls this when a run succeeds and fires the joins it completes.
 */
import type { TaskSpec } from '../config/types.js';
import type { Instant } from '../schedule/types.js';
import type { Task } from './active-run.js';
import { AfterIndex } from './after-index.js';
import type { RunChain } from './run-chain.js';

/**
 * Whether a success of the task `spec` names triggers runs: `after`, `on-success`, joins waiting for
 * it. Without any, a success has no sequel: nothing is built for it (a fire of 10,000 tasks, issue 20).
 */
export function hasDependents(spec: TaskSpec, afterIndex: AfterIndex, joinIndex: AfterIndex): boolean {
  return spec.onSuccess.length > 0 || afterIndex.has(spec.name) || joinIndex.has(spec.name);
}

/** Parent name -> the join tasks that list it in `after-all`. */
export function createJoinIndex(): AfterIndex {
  return new AfterIndex((task) => task.afterAll ?? []);
}

/**
 * A run of `parent` succeeded at `at`: note it in each join listed in `joins` (the index's dependents
 * of `parent`), except a join a make chain going on runs as one of its steps (firing it too would run
 * it twice; its step's start begins its wait afresh anyway). Each join whose state changed is passed
 * to `changed` (the store keeps it); a join this completes begins its wait afresh at `at`, and its
 * name is returned: the caller fires it.
 */
export function noteParentSuccess(
  parent: string,
  at: Instant,
  joins: readonly string[],
  context: { tasks: ReadonlyMap<string, Task>; chains: ReadonlySet<RunChain>; changed: (entry: Task) => void },
): string[] {
  const complete: string[] = [];
  for (const name of joins) {
    const entry = context.tasks.get(name);
    const join = entry?.join;
    if (entry === undefined || join == null || runByChain(context.chains, name)) continue;
    if (join.noteSuccess(parent, at)) {
      join.restart(at);
      complete.push(name);
    }
    context.changed(entry);
  }
  return complete;
}

/** Whether a make chain going on runs `task` as a step (no array made per parent success). */
function runByChain(chains: ReadonlySet<RunChain>, task: string): boolean {
  for (const chain of chains) if (chain.includes(task)) return true;
  return false;
}
