/** One-line reports of `hold`, `resume` and `reschedule`: the task as it is now. */
import type { TaskView } from '../../control/views.js';
import { escapeControl } from '../../escape-control.js';
import { describeNext } from './task-list.js';
import { formatWhen, parseIso } from './time.js';

/** "backup: held (note: disk full); ..."; with an end, "backup: held until in 2h (14:00:00); ...". */
export function describeHeld(task: TaskView, now: number): string {
  const note = task.holdNote === null ? '' : ` (note: ${escapeControl(task.holdNote)})`;
  if (task.heldUntil === null)
    return `${task.name}: held${note}; it runs on schedule again after "taskkit resume ${task.name}"`;
  const until = formatWhen(parseIso(task.heldUntil), task.timezone, now);
  const resume = `"taskkit resume ${task.name}"`;
  return `${task.name}: held until ${until}${note}; it runs on schedule again then, or after ${resume}`;
}

/** "backup: resumed, next in 4m (07:00:00)"; "backup: was not held (nothing to resume), next ..." when it was not. */
export function describeResumed(task: TaskView, now: number, notHeld = false): string {
  const what = notHeld ? 'was not held (nothing to resume)' : task.held ? 'still held' : 'resumed';
  return `${task.name}: ${what}, next ${describeNext(task, now)}`;
}

/** "backup: every 10m (rescheduled), next in 3m (07:00:00)". */
export function describeRescheduled(task: TaskView, now: number): string {
  const which = task.rescheduled ? 'rescheduled to' : "back to the file's schedule:";
  return `${task.name}: ${which} ${escapeControl(task.schedule)}, next ${describeNext(task, now)}`;
}
