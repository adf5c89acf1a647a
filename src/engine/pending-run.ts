/** A run the engine is responsible for, from its trigger until it has ended. Internal, mutable. */
import type { RunHandle } from '../runner/types.js';
import type { RunRecord } from './run.js';
import type { TaskEntry } from './task-entry.js';
import type { DelayNode } from './timeline.js';

/**
 * - `delayed`: waiting on the timeline (jitter, retry backoff);
 * - `serial`: waiting for the task's previous run to end (overlap queue/replace, catch-up all);
 * - `ready`: waiting for a max-concurrent slot (or about to start);
 * - `running`: handed to the runner;
 * - `ended`: finished, skipped or dropped.
 */
export type RunPhase = 'delayed' | 'serial' | 'ready' | 'running' | 'ended';

export class PendingRun {
  /** The latest snapshot; replaced, never mutated, at each transition. */
  record: RunRecord;
  phase: RunPhase = 'ready';
  readonly entry: TaskEntry;
  /** Scheduled and catch-up runs count towards `max-runs`. */
  readonly counted: boolean;
  readonly delayNode: DelayNode;
  handle: RunHandle | null = null;
  /** Set by the task's handle: one more run right after this one (TaskKit runOnCompletion). */
  runAgain = false;
  /** True while a counted run that has not started holds part of the `max-runs` budget. */
  holdsBudget = false;
  readonly waiters: ((record: RunRecord) => void)[] = [];

  constructor(record: RunRecord, entry: TaskEntry, counted: boolean, seq: number) {
    this.record = record;
    this.entry = entry;
    this.counted = counted;
    this.delayNode = { kind: 'delay', run: this, at: 0, seq, heapIndex: -1 };
  }
}
