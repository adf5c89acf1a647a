/** task-changed events: only when a task's state, next instant, hold or schedule really changed. */
import type { Emitter } from './emitter.js';
import type { TaskEntry } from './task-entry.js';
import type { TaskStatus } from './task-state.js';

/**
 * Emit task-changed for `entry` if something a listener cares about differs from the last event
 * (or `force`). Returns the status it sent, so callers that need one do not build it twice.
 * Nothing is built when nobody listens: a wake that fires 10,000 tasks allocates no snapshots.
 */
export function announceTask(emitter: Emitter, entry: TaskEntry, force = false): TaskStatus | null {
  if (!emitter.has('task-changed') || entry.removed) return null;
  const seen = entry.announced;
  const state = entry.state();
  const same =
    seen !== null &&
    seen.state === state &&
    seen.nextAt === entry.nextAt &&
    seen.held === entry.held &&
    seen.schedule === entry.schedule.spec;
  if (same && !force) return null;
  entry.announced = { state, nextAt: entry.nextAt, held: entry.held, schedule: entry.schedule.spec };
  const status = entry.toStatus();
  emitter.emit('task-changed', status);
  return status;
}
