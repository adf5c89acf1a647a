/**
 * What a task entry (task-entry.ts) puts on the timeline (timeline.ts): its next instant, the end of
 * its hold, its dead-man deadline; and what it knows of its runs. Generic over the entry so that
 * the timeline needs no import of the entry's class.
 */
import type { HeapNode } from './heap.js';
import type { RunPhase } from './run-phase.js';
import type { RunRecord } from './run.js';

/** What an entry knows of its runs (active-run.ts's ActiveRun). */
export interface TrackedRun {
  readonly phase: RunPhase;
  readonly record: RunRecord;
}

/** The task's next instant. */
export interface TaskNode<E> extends HeapNode {
  readonly kind: 'task';
  readonly entry: E;
}

/** The end of a hold with an `until` (`hold --for/--until`): on the timeline while such a hold lasts. */
export interface HoldEndNode<E> extends HeapNode {
  readonly kind: 'hold-end';
  readonly entry: E;
}

/** The dead-man deadline (`expect-success-within`) on the timeline: last success (or start of watch) + period. */
export interface OverdueNode<E> extends HeapNode {
  readonly kind: 'overdue';
  readonly entry: E;
}
