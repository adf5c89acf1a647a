/**
 * Persist what the engine does (DESIGN.md "State and history"): every run as it waits, starts,
 * ends or is skipped, and each task's hold, reschedule and last instant as they change. The listeners
 * only queue (the store batches), so the engine's timer never waits on the disk.
 *
 * Order at daemon start: open the store, `markInterrupted`, create the Scheduler with
 * `firstRunId: store.nextRunId()`, attachStore, then add each task with `store.restoreTask(spec)`
 * (attached before add, so the first task-changed of each task records its keep and state).
 */
import type { RunRecord } from '../engine/run.js';
import type { TaskStatus } from '../engine/task-state.js';
import type { Store } from './store.js';
import { snapshotTaskState } from './task-restore.js';

/** The engine events the store needs (the Scheduler's `on`; store/ may not import the engine's types). */
export interface StoreEventMap {
  'run-queued': [run: RunRecord];
  'run-started': [run: RunRecord];
  'run-finished': [run: RunRecord];
  'run-skipped': [run: RunRecord];
  'task-changed': [task: TaskStatus];
}

export interface EngineEventSource {
  on<E extends keyof StoreEventMap>(event: E, listener: (...args: StoreEventMap[E]) => void): () => void;
}

/**
 * Runs kept per task before the task's own `history.keep` is known (it comes with its first
 * task-changed event). config/defaults.ts DEFAULT_HISTORY_KEEP; store/ may not import it.
 */
export const FALLBACK_KEEP = 200;

/** Subscribe `store` to `source`'s events; returns the unsubscribe. */
export function attachStore(source: EngineEventSource, store: Store): () => void {
  const keepByTask = new Map<string, number>();
  const saveRun = (run: RunRecord): void => store.saveRun(run, keepByTask.get(run.task) ?? FALLBACK_KEEP);
  const unsubscribe = [
    source.on('task-changed', (task) => {
      keepByTask.set(task.name, task.spec.history.keep);
      store.saveTaskState(snapshotTaskState(task));
    }),
    source.on('run-queued', saveRun),
    source.on('run-started', saveRun),
    source.on('run-finished', saveRun),
    source.on('run-skipped', saveRun),
  ];
  return () => {
    for (const off of unsubscribe) off();
  };
}
