/**
 * Cross-task rules of a whole file: `after`, `after-all`, `on-success` and `on-failure` must name
 * other existing tasks, and the triggers they create must not loop (a join counts as a trigger:
 * `after-all` and `run-now --make` both follow its edges).
 */
import { buildTriggerGraph, findCycle } from './trigger-graph.js';
import { createCollector } from './collector.js';
import type { ConfigIssue } from './issues.js';
import type { TaskReference } from './policies.js';
import type { PositionLookup } from './positions.js';
import { didYouMean } from './suggest.js';

/** One task of the file as the cross-task rules see it. */
export interface ReferenceEntry {
  readonly name: string;
  readonly references: readonly TaskReference[];
  readonly positions?: PositionLookup | undefined;
}

// One cycle usually hides behind another; a few at once save edit-run rounds, more is noise.
const MAX_CYCLES_REPORTED = 10;

/** Issues for unknown and self references and for trigger cycles. */
export function checkReferences(entries: readonly ReferenceEntry[], file: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  // Most files name no other task: then there is nothing to check, and no map of every name to build.
  if (entries.every((entry) => entry.references.length === 0)) return issues;
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const names = [...byName.keys()];
  const collectorFor = (entry: ReferenceEntry) =>
    createCollector({ file, task: entry.name, prefix: ['tasks', entry.name], positions: entry.positions, issues });
  const edges: { name: string; after: string[]; afterAll: string[]; onSuccess: string[]; onFailure: string[] }[] = [];
  // Only tasks with references can be wrong here or start a cycle (most files have none): the
  // others join the graph only as targets, without a collector each (100,000 tasks: 0.8 s -> ~0).
  const referenced = new Set<string>();
  for (const entry of entries) {
    if (entry.references.length === 0) continue;
    const c = collectorFor(entry);
    const valid = {
      name: entry.name,
      after: [] as string[],
      afterAll: [] as string[],
      onSuccess: [] as string[],
      onFailure: [] as string[],
    };
    for (const reference of entry.references) {
      const { key, target, path } = reference;
      if (target === entry.name) {
        c.add('cycle', path, 'value', `"${key}" names the task itself, so it would trigger itself forever`);
      } else if (!byName.has(target)) {
        c.add('unknown-task', path, 'value', `unknown task "${target}" in "${key}"${didYouMean(target, names)}`);
      } else {
        listOf(valid, key).push(target);
        referenced.add(target);
      }
    }
    edges.push(valid);
  }
  if (edges.length === 0) return issues;
  const withEdges = new Set(edges.map((edge) => edge.name));
  for (const name of referenced)
    if (!withEdges.has(name)) edges.push({ name, after: [], afterAll: [], onSuccess: [], onFailure: [] });
  const graph = buildTriggerGraph(edges);
  for (let count = 0; count < MAX_CYCLES_REPORTED; count++) {
    const cycle = findCycle(graph);
    if (cycle === null) break;
    const [from, to] = cycle as [string, string];
    const culprit = findEdgeReference(byName, from, to);
    const owner = culprit?.owner ?? byName.get(from)!;
    collectorFor(owner).add(
      'cycle',
      culprit?.reference.path ?? [],
      culprit === undefined ? 'key' : 'value',
      `dependency cycle: ${cycle.join(' -> ')}`,
    );
    // Drop the edge so the next search finds a different cycle, if there is one.
    graph.set(
      from,
      (graph.get(from) ?? []).filter((target) => target !== to),
    );
  }
  return issues;
}

type EdgeLists = Record<'after' | 'afterAll' | 'onSuccess' | 'onFailure', string[]>;

function listOf(lists: EdgeLists, key: TaskReference['key']): string[] {
  switch (key) {
    case 'after':
      return lists.after;
    case 'after-all':
      return lists.afterAll;
    case 'on-success':
      return lists.onSuccess;
    case 'on-failure':
      return lists.onFailure;
  }
}

/** Keys written on the task that is triggered (the edge points at their owner). */
const isUpstreamKey = (key: TaskReference['key']): boolean => key === 'after' || key === 'after-all';

/** The reference that makes `from` trigger `to`: from's on-success/on-failure, or to's after/after-all. */
function findEdgeReference(byName: ReadonlyMap<string, ReferenceEntry>, from: string, to: string) {
  const source = byName.get(from);
  const forward = source?.references.find((reference) => !isUpstreamKey(reference.key) && reference.target === to);
  if (source !== undefined && forward !== undefined) return { owner: source, reference: forward };
  const target = byName.get(to);
  const backward = target?.references.find((reference) => isUpstreamKey(reference.key) && reference.target === from);
  if (target !== undefined && backward !== undefined) return { owner: target, reference: backward };
  return undefined;
}
