/**
 * Reverse `after` edges, kept up to date as tasks come and go: when X succeeds, which tasks list
 * X in their `after`. (engine/dependencies.ts builds the whole graph for validation; the engine
 * only needs this one direction, per finished run, without rebuilding anything.)
 */
import type { TaskSpec } from '../config/types.js';

export class AfterIndex {
  readonly #dependents = new Map<string, string[]>();

  /** Tasks that run after `name` succeeds, in the order they were linked. */
  dependentsOf(name: string): readonly string[] {
    return this.#dependents.get(name) ?? [];
  }

  link(task: Pick<TaskSpec, 'name' | 'after'>): void {
    for (const upstream of task.after) {
      const list = this.#dependents.get(upstream);
      if (list === undefined) this.#dependents.set(upstream, [task.name]);
      else list.push(task.name);
    }
  }

  unlink(task: Pick<TaskSpec, 'name' | 'after'>): void {
    for (const upstream of task.after) {
      const list = this.#dependents.get(upstream)?.filter((name) => name !== task.name) ?? [];
      if (list.length === 0) this.#dependents.delete(upstream);
      else this.#dependents.set(upstream, list);
    }
  }
}
