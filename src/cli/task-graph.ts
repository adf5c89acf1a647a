/**
 * `taskkit graph`'s model: the tasks file's tasks as nodes, their `after`, `after-all`,
 * `on-success` and `on-failure` keys as edges, and the part connected to one task. Pure: the
 * last runs come in as data (graph.ts reads them from the daemon or the database).
 */
import type { TaskSpec } from '../config/types.js';
import { describeTaskSchedule } from '../control/views.js';
import type { GraphEdge, GraphLastRun, TaskGraph } from './format/graph-dot.js';

/** Nodes for `tasks` (labelled as `list` says their schedule), edges from their trigger keys. */
export function buildTaskGraph(
  tasks: readonly TaskSpec[],
  defaultTimezone: string,
  lastRuns: ReadonlyMap<string, GraphLastRun>,
): TaskGraph {
  return {
    nodes: tasks.map((spec) => ({
      name: spec.name,
      description: spec.description,
      schedule: describeTaskSchedule({ schedule: spec.schedule, spec }, defaultTimezone),
      last: lastRuns.get(spec.name) ?? null,
    })),
    edges: tasks.flatMap(taskEdges),
  };
}

/** The keys of a task that start it or that it starts. */
type TriggerKeys = Pick<TaskSpec, 'name' | 'after' | 'afterAll' | 'onSuccess' | 'onFailure'>;

/** A task's edges: those it waits on point at it, those it triggers leave it (the status page's graph too). */
export function taskEdges(spec: TriggerKeys): GraphEdge[] {
  return [
    ...spec.after.map((parent): GraphEdge => ({ from: parent, to: spec.name, kind: 'after' })),
    ...(spec.afterAll ?? []).map((parent): GraphEdge => ({ from: parent, to: spec.name, kind: 'after-all' })),
    ...spec.onSuccess.map((child): GraphEdge => ({ from: spec.name, to: child, kind: 'on-success' })),
    ...spec.onFailure.map((child): GraphEdge => ({ from: spec.name, to: child, kind: 'on-failure' })),
  ];
}

/** The nodes and edges reachable from `name` along edges in either direction (its connected component). */
export function connectedComponent(graph: TaskGraph, name: string): TaskGraph {
  const neighbours = new Map<string, string[]>();
  const link = (a: string, b: string): void => {
    const list = neighbours.get(a);
    if (list === undefined) neighbours.set(a, [b]);
    else list.push(b);
  };
  for (const edge of graph.edges) {
    link(edge.from, edge.to);
    link(edge.to, edge.from);
  }
  const reached = new Set([name]);
  const pending = [name];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const other of neighbours.get(next) ?? []) {
      if (reached.has(other)) continue;
      reached.add(other);
      pending.push(other);
    }
  }
  return {
    nodes: graph.nodes.filter((node) => reached.has(node.name)),
    edges: graph.edges.filter((edge) => reached.has(edge.from)),
  };
}
