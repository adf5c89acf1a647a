/**
 * `list-rows` (issue 20.3): `list` as the table draws it. The CLI's `taskkit list` without --json
 * reads only these fields of each TaskView; the full views of 1,000 tasks are ~600 kB that the
 * daemon builds and sends and the CLI parses at every start, the rows a fraction of that. Every
 * TaskView is a TaskListRow (the types below are picks of it), so a daemon older than the method
 * answers BAD_REQUEST and the CLI draws the same table from its `list` (cli/daemon-verbs.ts).
 */
import type { TaskStatus } from '../engine/task-state.js';
import type { Instant } from '../schedule/types.js';
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

/** What LAST (and HOST in a cluster) draw of a task's last run; `I`, how an instant is written (TaskListRun: ISO). */
export interface TaskListRunOf<I> extends Pick<RunView, 'status' | 'outcome' | 'host'> {
  readonly createdAt: I;
  readonly startedAt: I | null;
  readonly endedAt: I | null;
}

/** A last run as `list-rows` sends it: instants as ISO-8601 UTC. */
export type TaskListRun = TaskListRunOf<string>;

/** What a row of `taskkit list` and its counts line read of a task; `I`, how an instant is written. */
export interface TaskListRowOf<I> extends Pick<
  TaskView,
  | 'name'
  | 'state'
  | 'schedule'
  | 'timezone'
  | 'rescheduled'
  | 'held'
  | 'autoHeld'
  | 'failing'
  | 'running'
  | 'queued'
  | 'group'
  | 'cluster'
> {
  readonly nextAt: I | null;
  readonly heldUntil: I | null;
  readonly overdueSince: I | null;
  readonly lastRun: TaskListRunOf<I> | null;
  readonly join: Pick<JoinView, 'succeeded' | 'waitingFor'> | null;
}

/** A row as `list-rows` sends it (instants as ISO-8601 UTC, as in a TaskView: every TaskView is one). */
export type TaskListRow = TaskListRowOf<string>;

/**
 * A row as the daemon builds it, instants as epoch ms: `list-table` draws these (the table reads instants, and
 * 1,000 rows written as ISO only to be parsed back cost ~0.5 ms of each `taskkit list`); `list-rows` sends
 * toIsoTaskListRow's.
 */
export type TaskListRowAt = TaskListRowOf<Instant>;

/**
 * The row of a task straight from the engine's status: toIsoTaskListRow of it equals `toTaskView(...)` with the
 * same arguments trimmed to a row (test/control/list-rows.test.ts): `list-rows` and `list-table` build no full
 * view (its definition, alert, hold note and every instant formatted) only to drop most of it (issue 20.3).
 */
export function toTaskListRowAt(
  task: TaskStatus,
  defaultTimezone: string,
  storedLastRun: RunFacts | null = null,
  cluster?: TaskClusterFacts,
): TaskListRowAt {
  const run = chooseLastRun(task, storedLastRun, cluster);
  const join = toJoinView(task);
  const row: TaskListRowAt = {
    name: task.name,
    state: task.state,
    schedule: describeTaskSchedule(task, defaultTimezone),
    timezone: task.spec.timezone,
    rescheduled: task.rescheduled,
    nextAt: task.nextAt,
    held: task.held,
    heldUntil: task.heldUntil,
    overdueSince: task.overdueSince,
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
            createdAt: run.createdAt,
            startedAt: run.startedAt,
            endedAt: run.endedAt,
            ...(run.host === undefined ? {} : { host: run.host }),
          },
    join: join === null ? null : { succeeded: join.succeeded, waitingFor: join.waitingFor },
  };
  return cluster?.cluster == null ? row : { ...row, cluster: cluster.cluster };
}

/** The row as `list-rows` sends it: its instants as ISO-8601 UTC, every field in the same place. */
export function toIsoTaskListRow(row: TaskListRowAt): TaskListRow {
  const run = row.lastRun;
  return {
    ...row,
    nextAt: formatIso(row.nextAt),
    heldUntil: formatIso(row.heldUntil),
    overdueSince: formatIso(row.overdueSince),
    lastRun:
      run === null
        ? null
        : {
            ...run,
            createdAt: new Date(run.createdAt).toISOString(),
            startedAt: formatIso(run.startedAt),
            endedAt: formatIso(run.endedAt),
          },
  };
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
