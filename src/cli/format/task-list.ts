/** `taskkit list`: one aligned row per task: NAME, SCHEDULE, STATE, NEXT, LAST. */
import type { RunView, TaskView } from '../../control/views.js';
import type { Painter } from '../io.js';
import { paintStatus } from './history.js';
import { renderTable } from './table.js';
import { formatAge, formatInstantShort, formatRelative, formatWhen, parseIso } from './time.js';

/** The STATE column's colour: the only colour in the table, and only on a TTY (see loadPainter). */
export function paintState(paint: Painter, state: TaskView['state'], text: string): string {
  switch (state) {
    case 'scheduled':
      return paint.green(text);
    case 'running':
      return paint.cyan(text);
    case 'held':
      return paint.yellow(text);
    case 'on-demand':
    case 'done':
      return paint.dim(text);
    case 'removed':
      return paint.yellow(text);
  }
}

/**
 * "running" with a count when several runs go at once, or runs wait. A task without instants
 * says what starts it ("at boot", "after backup"), as its schedule does, when that is not plain "on demand".
 */
export function describeState(task: TaskView, now?: number): string {
  const extra = [task.running > 1 ? `${task.running} runs` : '', task.queued > 0 ? `${task.queued} queued` : ''].filter(
    (part) => part !== '',
  );
  const state =
    task.state === 'on-demand' && task.schedule !== 'on demand'
      ? task.schedule
      : task.state === 'held' && task.autoHeld
        ? 'auto-held'
        : task.state;
  const held = task.state === 'held' && task.heldUntil !== null && now !== undefined ? describeHoldEnd(task, now) : '';
  const base = extra.length === 0 ? `${state}${held}` : `${state}${held} (${extra.join(', ')})`;
  return `${base}${describeOverdue(task, now)}`;
}

/** ", overdue 3h" (for how long, when `now` is known): no run succeeded within `expect-success-within`. */
export function describeOverdue(task: TaskView, now?: number): string {
  if (task.overdueSince === null) return '';
  return now === undefined ? ', overdue' : `, overdue ${formatAge(now - parseIso(task.overdueSince))}`;
}

/** " until 14:00:00" (today), " until 2026-08-03 00:00:00" (another day): when a hold ends by itself. */
export function describeHoldEnd(task: TaskView, now: number): string {
  return task.heldUntil === null ? '' : ` until ${formatInstantShort(parseIso(task.heldUntil), task.timezone, now)}`;
}

/** "in 4m30s (07:00:00)", or "-" when the task has no next instant. */
export function describeNext(task: TaskView, now: number): string {
  return task.nextAt === null ? '-' : formatWhen(parseIso(task.nextAt), task.timezone, now);
}

/** "succeeded 2m ago", "exited with code 3 5s ago", "running" or "-". */
export function describeLast(run: RunView | null, now: number): string {
  if (run === null) return '-';
  const when = run.endedAt ?? run.startedAt ?? run.createdAt;
  return `${run.outcome}, ${formatRelative(parseIso(when), now)}`;
}

/** LAST coloured by how the run ended (a task failing every run must not look fine); "-" stays plain. */
export function paintLast(paint: Painter, run: RunView | null, text: string): string {
  return run === null ? text : paintStatus(paint, run, text.trimEnd());
}

/** The whole table as lines (header first); an empty file says so instead. */
export function renderTaskList(tasks: readonly TaskView[], now: number, paint: Painter): string[] {
  if (tasks.length === 0) return ['no tasks (the tasks file has none)'];
  return renderTable(tasks, [
    { header: 'NAME', value: (task) => task.name, paint: (text) => paint.bold(text) },
    { header: 'SCHEDULE', value: (task) => (task.rescheduled ? `${task.schedule} *` : task.schedule) },
    {
      header: 'STATE',
      value: (task) => describeState(task, now),
      paint: (text, task) => (task.overdueSince ? paint.red(text) : paintState(paint, task.state, text)),
    },
    { header: 'NEXT', value: (task) => describeNext(task, now) },
    {
      header: 'LAST',
      value: (task) => describeLast(task.lastRun, now),
      paint: (text, task) => paintLast(paint, task.lastRun, text),
    },
  ]);
}

/** Printed under the table when a schedule carries the `*` of a run-time reschedule. */
export const RESCHEDULED_FOOTNOTE = "* rescheduled at run time (taskkit reschedule NAME --reset restores the file's)";
