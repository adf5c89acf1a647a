/**
 * The trigger graph between tasks (DESIGN.md "The tasks file": `after`, `after-all`, `on-success`,
 * `on-failure`) and cycle detection. Pure; config/references.ts uses it to reject loops.
 */
import type { TaskSpec } from './types.js';

type TriggerFields = Pick<TaskSpec, 'name' | 'after' | 'afterAll' | 'onSuccess' | 'onFailure'>;

/**
 * Edge X -> Y when a run of X can trigger Y: Y.after or Y.afterAll includes X (a join is triggered by
 * its parents' successes too), or X.onSuccess / X.onFailure includes Y. Every task is a key (in input
 * order); names of tasks not in the list get no edges.
 */
export function buildTriggerGraph(tasks: readonly TriggerFields[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const task of tasks) graph.set(task.name, []);
  const seen = new Set<string>();
  const addEdge = (from: string, to: string): void => {
    const targets = graph.get(from);
    // NUL cannot occur in a task name, so the pair key is unambiguous.
    const key = `${from}\0${to}`;
    if (targets === undefined || !graph.has(to) || seen.has(key)) return;
    seen.add(key);
    targets.push(to);
  };
  for (const task of tasks) {
    for (const target of task.onSuccess) addEdge(task.name, target);
    for (const target of task.onFailure) addEdge(task.name, target);
    for (const source of task.after) addEdge(source, task.name);
    for (const source of task.afterAll ?? []) addEdge(source, task.name);
  }
  return graph;
}

const VISITING = 1;
const DONE = 2;

/**
 * A cycle as the path that closes it, e.g. ['a', 'b', 'a'] (a self-loop is ['a', 'a']), or null.
 * Iterative depth-first search: 10,000 chained tasks must not overflow the call stack.
 */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, number>();
  const path: string[] = [];
  const nextEdge: number[] = [];
  for (const root of graph.keys()) {
    if (state.has(root)) continue;
    state.set(root, VISITING);
    path.push(root);
    nextEdge.push(0);
    while (path.length > 0) {
      const depth = path.length - 1;
      const node = path[depth] as string;
      const edges = graph.get(node) ?? [];
      const index = nextEdge[depth] as number;
      if (index >= edges.length) {
        state.set(node, DONE);
        path.pop();
        nextEdge.pop();
        continue;
      }
      nextEdge[depth] = index + 1;
      const target = edges[index] as string;
      const seen = state.get(target);
      if (seen === VISITING) return [...path.slice(path.lastIndexOf(target)), target];
      if (seen === undefined) {
        state.set(target, VISITING);
        path.push(target);
        nextEdge.push(0);
      }
    }
  }
  return null;
}
