/**
 * Reverse dependency edges, kept up to date as tasks come and go: when X succeeds, which tasks list
 * X in their `after` (or, with another list, their `after-all`). (config/trigger-graph.ts builds the
 * whole graph for validation; the engine only needs this one direction, per finished run, without
 * rebuilding anything.)
 */
import type { TaskSpec } from '../config/types.js';

type Linked = Pick<TaskSpec, 'name' | 'after' | 'afterAll'>;

export class AfterIndex {
  readonly #dependents = new Map<string, string[]>();
  readonly #upstreamOf: (task: Linked) => readonly string[];
  #version = 0;

  /** `upstreamOf`: the names a task waits for; default its `after`. */
  constructor(upstreamOf: (task: Linked) => readonly string[] = (task) => task.after) {
    this.#upstreamOf = upstreamOf;
  }

  /** Whether any task runs after `name` succeeds (no list is kept empty). */
  has(name: string): boolean {
    return this.#dependents.has(name);
  }

  /** Tasks that run after `name` succeeds, in the order they were linked. */
  dependentsOf(name: string): readonly string[] {
    return this.#dependents.get(name) ?? [];
  }

  /** Changes with every link and unlink: an answer of has() stands while it stays (engine/fast-fire.ts). */
  get version(): number {
    return this.#version;
  }

  link(task: Linked): void {
    this.#version++;
    for (const upstream of this.#upstreamOf(task)) {
      const list = this.#dependents.get(upstream);
      if (list === undefined) this.#dependents.set(upstream, [task.name]);
      else list.push(task.name);
    }
  }

  unlink(task: Linked): void {
    this.#version++;
    for (const upstream of this.#upstreamOf(task)) {
      const list = this.#dependents.get(upstream)?.filter((name) => name !== task.name) ?? [];
      if (list.length === 0) this.#dependents.delete(upstream);
      else this.#dependents.set(upstream, list);
    }
  }
}
