/** `taskkit list`: one aligned row per task: NAME, SCHEDULE, STATE, NEXT, (HOST in a cluster,) LAST. */
import type { TaskListRowOf, TaskListRunOf } from '../../control/list-rows.js';
import type { TaskView } from '../../control/views.js';
import type { Instant } from '../../schedule/types.js';
import type { Painter } from '../io.js';
import { paintStatus } from './history.js';
import { hostColumns } from './host-column.js';
import { renderTable } from './table.js';
import { formatAge, formatInstantShort, formatRelative, formatWhen, parseIso, withTzPinned } from './time.js';

/**
 * A row as `list-rows` sends it (ISO instants; every TaskView is one), or as the daemon draws it (epoch ms,
 * control/list-rows.ts TaskListRowAt): the same table either way.
 */
type TaskListRow = TaskListRowOf<string | Instant>;
type TaskListRun = TaskListRunOf<string | Instant>;

/** An instant of a row, either way it is written. */
function instantOf(value: string | Instant): Instant {
  return typeof value === 'number' ? value : parseIso(value);
}

/** The STATE column's colour by state alone (`show`'s state too); see paintTaskState for list's. */
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
 * STATE's colour in `list` and `show`: red for a task failing or overdue (what `status --check`
 * calls CRITICAL), else by state. Colour only repeats the words: describeState says "failing" and
 * "overdue", so NO_COLOR loses nothing.
 */
export function paintTaskState(paint: Painter, task: TaskListRow, text: string): string {
  return task.failing || task.overdueSince !== null ? paint.red(text) : paintState(paint, task.state, text);
}

/**
 * "running" with a count when several runs go at once, or runs wait ("2 queued"; "waiting for
 * group db: 1/1 running" when they wait for a place in the task's concurrency group). A task without instants
 * says what starts it ("at boot", "after backup"), as its schedule does, when that is not plain "on demand";
 * a join that some parents completed says which it still waits for.
 * Then ", failing" when its last slot failed for good (TaskView.failing), and how long it is overdue.
 */
export function describeState(task: TaskListRow, now?: number): string {
  const forGroup = task.group?.waiting ?? 0;
  const queued = task.queued - forGroup;
  const extra = [
    task.running > 1 ? `${task.running} runs` : '',
    queued > 0 ? `${queued} queued` : '',
    forGroup > 0 ? `${forGroup > 1 ? `${forGroup} ` : ''}waiting for group ${describeGroup(task)}` : '',
    describeJoinProgress(task),
  ].filter((part) => part !== '');
  const state =
    task.state === 'on-demand' && task.schedule !== 'on demand'
      ? task.schedule
      : task.state === 'held' && task.autoHeld
        ? 'auto-held'
        : task.state;
  const held = task.state === 'held' && task.heldUntil !== null && now !== undefined ? describeHoldEnd(task, now) : '';
  const base = extra.length === 0 ? `${state}${held}` : `${state}${held} (${extra.join(', ')})`;
  const split = task.cluster?.definitionDiffers == null ? '' : ', definition differs';
  return `${base}${task.failing ? ', failing' : ''}${describeOverdue(task, now)}${split}`;
}

/**
 * A join half-way ("waiting for transform", "join waiting for transform" beside a schedule of its own):
 * only once a parent has succeeded, since before that the schedule's "after all a, b" says it all.
 */
function describeJoinProgress(task: TaskListRow): string {
  const { join } = task;
  if (join === null || join.succeeded.length === 0 || join.waitingFor.length === 0) return '';
  return `${task.state === 'on-demand' ? '' : 'join '}waiting for ${join.waitingFor.join(', ')}`;
}

/** "db: 1/1 running": the task's concurrency group, its places taken and its limit; "" without one. */
export function describeGroup(task: Pick<TaskListRow, 'group'>): string {
  const { group } = task;
  return group === null ? '' : `${group.name}: ${group.running}/${group.limit} running`;
}

/** ", overdue 3h" (for how long, when `now` is known): no run succeeded within `expect-success-within`. */
export function describeOverdue(task: Pick<TaskListRow, 'overdueSince'>, now?: number): string {
  if (task.overdueSince === null) return '';
  return now === undefined ? ', overdue' : `, overdue ${formatAge(now - instantOf(task.overdueSince))}`;
}

/** " until 14:00:00" (today), " until 2026-08-03 00:00:00" (another day): when a hold ends by itself. */
export function describeHoldEnd(task: Pick<TaskListRow, 'heldUntil' | 'timezone'>, now: number): string {
  return task.heldUntil === null ? '' : ` until ${formatInstantShort(instantOf(task.heldUntil), task.timezone, now)}`;
}

/** "in 4m30s (07:00:00)", or "-" when the task has no next instant. */
export function describeNext(task: Pick<TaskListRow, 'nextAt' | 'timezone'>, now: number): string {
  return task.nextAt === null ? '-' : formatWhen(instantOf(task.nextAt), task.timezone, now);
}

/** "succeeded 2m ago", "exited with code 3 5s ago", "running" or "-". */
export function describeLast(run: TaskListRun | null, now: number): string {
  if (run === null) return '-';
  const when = run.endedAt ?? run.startedAt ?? run.createdAt;
  return `${run.outcome}, ${formatRelative(instantOf(when), now)}`;
}

/** LAST coloured by how the run ended (a task failing every run must not look fine); "-" stays plain. */
export function paintLast(paint: Painter, run: TaskListRun | null, text: string): string {
  return run === null ? text : paintStatus(paint, run, text.trimEnd());
}

/**
 * Under the table, health at a glance: "14 tasks: 2 failing, 1 held, 1 overdue, 0 running", each
 * count a number of tasks (held includes auto-held; running: a run of it goes now). Failing and
 * overdue are red when there are any.
 */
export function describeTaskCounts(tasks: readonly TaskListRow[], paint: Painter): string {
  const count = (test: (task: TaskListRow) => boolean): number => tasks.filter(test).length;
  const failing = count((task) => task.failing);
  const overdue = count((task) => task.overdueSince !== null);
  const alarm = (text: string, n: number): string => (n > 0 ? paint.red(text) : text);
  return [
    `${tasks.length === 1 ? '1 task' : `${tasks.length} tasks`}: ${alarm(`${failing} failing`, failing)}`,
    `${count((task) => task.held)} held`,
    alarm(`${overdue} overdue`, overdue),
    `${count((task) => task.running > 0)} running`,
  ].join(', ');
}

/** The whole table as lines (header first), then the counts; an empty file says so instead. */
export function renderTaskList(tasks: readonly TaskListRow[], now: number, paint: Painter): string[] {
  if (tasks.length === 0) return ['no tasks (the tasks file has none)'];
  const table = renderTable(tasks, [
    { header: 'NAME', value: (task) => task.name, paint: (text) => paint.bold(text) },
    {
      header: 'SCHEDULE',
      value: (task) => (task.rescheduled ? `${task.schedule} ${RESCHEDULED_MARK}` : task.schedule),
    },
    {
      header: 'STATE',
      value: (task) => describeState(task, now),
      paint: (text, task) => paintTaskState(paint, task, text),
    },
    { header: 'NEXT', value: (task) => describeNext(task, now) },
    // In a cluster: the host of the last run (host-column.ts).
    ...hostColumns(tasks, (task) => task.lastRun?.host),
    {
      header: 'LAST',
      value: (task) => describeLast(task.lastRun, now),
      paint: (text, task) => paintLast(paint, task.lastRun, text),
    },
  ]);
  return [...table, describeTaskCounts(tasks, paint)];
}

/**
 * `taskkit list`'s whole output as written: the table, its counts, and RESCHEDULED_FOOTNOTE when a
 * schedule carries the mark. The CLI draws it, or the daemon for it (`list-table`, daemon/list-table.ts).
 */
export function drawTaskList(tasks: readonly TaskListRow[], now: number, paint: Painter): string {
  const lines = withTzPinned(() => renderTaskList(tasks, now, paint));
  if (tasks.some((task) => task.rescheduled)) lines.push(RESCHEDULED_FOOTNOTE);
  return `${lines.join('\n')}\n`;
}

/**
 * After a schedule changed at run time: words, not a sign, since "*" or "+" read as part of a cron
 * expression ("0 * * * * *" is six fields). `next` marks its rows the same way.
 */
export const RESCHEDULED_MARK = '(rescheduled)';

/** Printed under the table when a schedule carries RESCHEDULED_MARK. */
export const RESCHEDULED_FOOTNOTE =
  "(rescheduled): changed at run time; taskkit reschedule NAME --reset restores the tasks file's schedule";
