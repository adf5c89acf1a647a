/**
 * `list-rows` (issue 20.3): `list` as the table draws it. The CLI's `taskkit list` without --json
 * reads only these fields of each TaskView; the full views of 1,000 tasks are ~600 kB that the
 * daemon builds and sends and the CLI parses at every start, the rows a fraction of that. Every
 * TaskView is a TaskListRow (the types below are picks of it), so a daemon older than the method
 * answers BAD_REQUEST and the CLI draws the same table from its `list` (cli/daemon-verbs.ts).
 */
import type { TaskStatus } from '../engine/task-state.js';
import { describeOutcome } from '../runner/outcome.js';
import { isFailing } from './failing.js';
import { toJoinView, type JoinView } from './join-view.js';
import { describeTaskSchedule } from './schedule-words.js';
import {
  chooseLastRun,
  formatIso,
  type RunFacts,
  type RunView,
  type TaskClusterFacts,
  type TaskView,
} from './views.js';

/** What LAST (and HOST in a cluster) draw of a task's last run. */
export type TaskListRun = Pick<RunView, 'status' | 'outcome' | 'createdAt' | 'startedAt' | 'endedAt' | 'host'>;

/** What a row of `taskkit list` and its counts line read of a task. */
export interface TaskListRow extends Pick<
  TaskView,
  | 'name'
  | 'state'
  | 'schedule'
  | 'timezone'
  | 'rescheduled'
  | 'nextAt'
  | 'held'
  | 'heldUntil'
  | 'overdueSince'
  | 'autoHeld'
  | 'failing'
  | 'running'
  | 'queued'
  | 'group'
  | 'cluster'
> {
  readonly lastRun: TaskListRun | null;
  readonly join: Pick<JoinView, 'succeeded' | 'waitingFor'> | null;
}

/** The row of `view`: its fields the table reads, optional ones (`host`, `cluster`) absent as in the view. */
export function toTaskListRow(view: TaskView): TaskListRow {
  const run = view.lastRun;
  const row: TaskListRow = {
    name: view.name,
    state: view.state,
    schedule: view.schedule,
    timezone: view.timezone,
    rescheduled: view.rescheduled,
    nextAt: view.nextAt,
    held: view.held,
    heldUntil: view.heldUntil,
    overdueSince: view.overdueSince,
    autoHeld: view.autoHeld,
    failing: view.failing,
    running: view.running,
    queued: view.queued,
    group: view.group,
    lastRun:
      run === null
        ? null
        : {
            status: run.status,
            outcome: run.outcome,
            createdAt: run.createdAt,
            startedAt: run.startedAt,
            endedAt: run.endedAt,
            ...(run.host === undefined ? {} : { host: run.host }),
          },
    join: view.join === null ? null : { succeeded: view.join.succeeded, waitingFor: view.join.waitingFor },
  };
  return view.cluster === undefined ? row : { ...row, cluster: view.cluster };
}

/**
 * The row of a task straight from the engine's status, equal to `toTaskListRow(toTaskView(...))` with the same
 * arguments (test/control/list-rows.test.ts): `list-rows` and `list-table` build no full view (its definition,
 * alert, hold note and every instant formatted) only to drop most of it (issue 20.3: `taskkit list` at 1,000 tasks).
 */
export function toTaskListRowOf(
  task: TaskStatus,
  defaultTimezone: string,
  storedLastRun: RunFacts | null = null,
  cluster?: TaskClusterFacts,
): TaskListRow {
  const run = chooseLastRun(task, storedLastRun, cluster);
  const join = toJoinView(task);
  const row: TaskListRow = {
    name: task.name,
    state: task.state,
    schedule: describeTaskSchedule(task, defaultTimezone),
    timezone: task.spec.timezone,
    rescheduled: task.rescheduled,
    nextAt: formatIso(task.nextAt),
    held: task.held,
    heldUntil: formatIso(task.heldUntil),
    overdueSince: formatIso(task.overdueSince),
    autoHeld: task.autoHeld,
    failing: isFailing(task, run),
    running: task.running.length,
    queued: task.queued,
    group: task.group,
    lastRun:
      run === null
        ? null
        : {
            status: run.status,
            outcome: describeOutcome(run),
            createdAt: new Date(run.createdAt).toISOString(),
            startedAt: formatIso(run.startedAt),
            endedAt: formatIso(run.endedAt),
            ...(run.host === undefined ? {} : { host: run.host }),
          },
    join: join === null ? null : { succeeded: join.succeeded, waitingFor: join.waitingFor },
  };
  return cluster?.cluster == null ? row : { ...row, cluster: cluster.cluster };
}

/** `list-table`'s params (list-table.ts): what the client's own drawing would depend on. */
export interface ListTableParams {
  readonly here?: boolean;
  /** Colour as the client decided (cli/io.ts shouldUseColor). */
  readonly color: boolean;
  /** The client's $TZ exactly as its environment has it; null: unset. */
  readonly tz: string | null;
  /** The client's now (ms since the epoch): relative times count from it. */
  readonly now: number;
}

/** The whole output of `taskkit list` (table, counts, footnote) with its newlines; null: draw it yourself. */
export interface ListTableResult {
  readonly table: string | null;
}
