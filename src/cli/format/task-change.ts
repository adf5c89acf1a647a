/** One-line reports of `hold`, `resume` and `reschedule`: the task as it is now. */
import type { TaskView } from '../../control/views.js';
import { describeNext } from './task-list.js';

/** "backup: held (note: disk full)". */
export function describeHeld(task: TaskView): string {
  return `${task.name}: held${task.holdNote === null ? '' : ` (note: ${task.holdNote})`}; it runs on schedule again after "taskkit resume ${task.name}"`;
}

/** "backup: resumed, next in 4m (07:00:00)". */
export function describeResumed(task: TaskView, now: number): string {
  return `${task.name}: ${task.held ? 'still held' : 'resumed'}, next ${describeNext(task, now)}`;
}

/** "backup: every 10m (rescheduled), next in 3m (07:00:00)". */
export function describeRescheduled(task: TaskView, now: number): string {
  const which = task.rescheduled ? 'rescheduled to' : "back to the file's schedule:";
  return `${task.name}: ${which} ${task.schedule}, next ${describeNext(task, now)}`;
}
