/**
 * What of a task survives a restart, and when it no longer applies (DESIGN.md "State and history",
 * issue 4 item 2). Pure and backend-independent: every Store implementation shares these rules.
 */
import { definitionFingerprint } from '../config/definition.js';
import type { TaskSpec } from '../config/types.js';
import type { RestoredTaskState } from '../engine/ports.js';
import type { TaskStatus } from '../engine/task-state.js';
import type { Instant } from '../schedule/types.js';
import type { SavedTaskState, TaskRestore, TaskStateRecord } from './store.js';

/** The part of an engine TaskStatus the store keeps. */
export function snapshotTaskState(status: TaskStatus): TaskStateRecord {
  return {
    name: status.name,
    fingerprint: definitionFingerprint(status.spec),
    fileHold: status.spec.hold,
    hold: status.held ? { note: status.holdNote, at: status.heldAt ?? 0, until: status.heldUntil } : null,
    reschedule: status.rescheduled ? status.schedule : null,
    lastScheduledAt: status.lastScheduledAt,
    scheduledRuns: status.scheduledRuns,
    failedSlots: status.failedSlots,
    alerts: status.alert,
    ...(status.join === undefined ? {} : { join: status.join }),
  };
}

/**
 * The state to hand to `scheduler.add(spec, state)`. The engine's reload rules, applied across a
 * restart: a changed definition drops a run-time reschedule (DESIGN.md: "until reschedule --reset
 * or a file change to that task"), and a changed `hold:` in the file wins over the saved hold.
 * The max-runs counter, the failed slots (hold-after-failures), the alerts sent (notify) and a join's wait
 * (after-all; the engine drops parents no longer listed) always carry over, as they do on reload: a restart
 * neither repeats an alert nor forgets one, nor forgets which parents of a join already succeeded.
 *
 * Catch-up looks for instants after `lastScheduledAt`. A task that never fired (a one-shot `at`
 * still ahead) has none; then the time the daemon last saved the task stands in: it knew the task
 * then, so only instants after it can have been missed while it was down (issue 4 item 3).
 *
 * `latestRunInstant` is the latest instant of the task's stored runs. A run's row is written
 * before its process starts (journal.ts), the task's state a moment later: a daemon killed in
 * between saved an older lastScheduledAt, and catch-up would run that instant a second time
 * (issue 8, crash torture). An instant with a row was dealt with, whatever the state says.
 */
export function restoreTaskState(
  spec: TaskSpec,
  saved: SavedTaskState | null,
  latestRunInstant: Instant | null = null,
): TaskRestore {
  if (saved === null) return { state: {}, notice: null };
  const changed = saved.fingerprint !== definitionFingerprint(spec);
  const dropReschedule = changed && saved.reschedule !== null;
  const lastScheduledAt = saved.lastScheduledAt ?? saved.savedAt;
  const state: RestoredTaskState = {
    lastScheduledAt:
      latestRunInstant !== null && latestRunInstant > lastScheduledAt ? latestRunInstant : lastScheduledAt,
    scheduledRuns: saved.scheduledRuns,
    failedSlots: saved.failedSlots,
    alerts: saved.alerts,
    schedule: dropReschedule ? null : saved.reschedule,
    ...(saved.join === undefined ? {} : { join: saved.join }),
    ...(saved.fileHold === spec.hold ? { hold: saved.hold === null ? null : { ...saved.hold } } : {}),
  };
  const notices = [
    saved.unusable === undefined ? '' : `${spec.name}: dropped stored state taskkit cannot use: ${saved.unusable}`,
    dropReschedule
      ? `${spec.name}: its definition in the tasks file changed since it was rescheduled at run time ` +
        `(${saved.reschedule?.kind}); the reschedule is dropped and the file's schedule applies`
      : '',
  ].filter((notice) => notice !== '');
  return { state, notice: notices.length === 0 ? null : notices.join('; ') };
}
