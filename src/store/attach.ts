/**
 * Persist what the engine does (DESIGN.md "State and history"): every run as it waits, starts,
 * ends or is skipped, and each task's hold, reschedule and last instant as they change. The listeners
 * only queue (the store batches), so the engine's timer never waits on the disk.
 *
 * Order at daemon start: open the store, `markInterrupted`, create the Scheduler with
 * `firstRunId: store.nextRunId()`, attachStore, then add each task with `store.restoreTask(spec)`
 * (attached before add, so the first task-changed of each task records its keep and state).
 */
import type { StoreEventSource } from '../engine/ports.js';
import type { RunRecord } from '../engine/run.js';
import { SkipRows } from './skip-rows.js';
import type { Store } from './store.js';
import { snapshotTaskState } from './task-restore.js';

/** Subscribe `store` to `source`'s events; returns the unsubscribe. */
export function attachStore(source: StoreEventSource, store: Store): () => void {
  // A task's keep comes with its first task-changed, which add() sends before any run of it. Most
  // tasks share one keep (settings.history's): only the others get an entry (100,000 tasks: 4 MB less).
  let commonKeep: number | undefined;
  const otherKeeps = new Map<string, number>();
  const saveRun = (run: RunRecord): void => store.saveRun(run, otherKeeps.get(run.task) ?? commonKeep);
  // Consecutive skips of a task for one reason are one row (skip-rows.ts).
  const skips = new SkipRows({ save: saveRun, forget: (id) => store.forgetRun(id) });
  const unsubscribe = [
    source.on('task-changed', (task) => {
      const keep = task.spec.history.keep;
      commonKeep ??= keep;
      if (keep === commonKeep) otherKeeps.delete(task.name);
      else otherKeeps.set(task.name, keep);
      store.saveTaskState(snapshotTaskState(task));
    }),
    source.on('run-queued', (run) => {
      skips.queued(run);
      saveRun(run);
    }),
    source.on('run-started', (run) => {
      skips.started(run);
      saveRun(run);
    }),
    source.on('run-finished', (run) => {
      skips.finished(run);
      saveRun(run);
    }),
    source.on('run-skipped', (run) => skips.skipped(run)),
    source.on('run-yielded', (run) => skips.yielded(run)),
  ];
  return () => {
    for (const off of unsubscribe) off();
  };
}
