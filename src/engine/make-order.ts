/**
 * The order `taskkit run-now NAME --make` runs things in (cs.taskqueue's `make`): NAME's `after-all`
 * prerequisites, transitively, each once, every task after all of its own prerequisites, then NAME.
 * Pure; make-chain.ts runs the order, `--dry-run` prints it.
 */
import type { TaskSpec } from '../config/types.js';

export type MakeOrderResult =
  { readonly ok: true; readonly order: readonly string[] } | { readonly ok: false; readonly message: string };

/**
 * Depth first, prerequisites in the order `after-all` lists them: `load: {after-all: [extract,
 * transform]}` gives extract, transform, load. A tasks file cannot hold a cycle or an unknown name
 * (config/references.ts); tasks added through the library API are not checked across, so both are
 * answered here too.
 */
export function makeOrder(
  name: string,
  specOf: (name: string) => Pick<TaskSpec, 'afterAll'> | undefined,
): MakeOrderResult {
  const order: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  // Iterative: a chain of 10,000 prerequisites must not overflow the stack.
  const stack: { name: string; next: number; parents: readonly string[] }[] = [];
  const enter = (task: string, from: string | null): string | null => {
    const spec = specOf(task);
    if (spec === undefined) return `"${from}" has "${task}" in its after-all, and there is no task of that name`;
    if (path.includes(task))
      return `the after-all prerequisites loop: ${[...path.slice(path.indexOf(task)), task].join(' -> ')}`;
    path.push(task);
    stack.push({ name: task, next: 0, parents: spec.afterAll ?? [] });
    return null;
  };
  const first = enter(name, null);
  if (first !== null) return { ok: false, message: `no task named "${name}"` };
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.parents.length) {
      const parent = top.parents[top.next++]!;
      if (done.has(parent)) continue;
      const problem = enter(parent, top.name);
      if (problem !== null) return { ok: false, message: problem };
      continue;
    }
    stack.pop();
    path.pop();
    done.add(top.name);
    order.push(top.name);
  }
  return { ok: true, order };
}
