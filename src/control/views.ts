/**
 * The JSON views of tasks and runs: the one shape `list`, `show`, `status`, `run-now` and the
 * CLI's `--json` share (the control protocol contract). Instants are ISO-8601 UTC strings, null
 * when absent; nothing here is worded for humans except `schedule` and `outcome`, which come from
 * the same functions the CLI and the daemon log use.
 */
import { describeNotifyTarget } from '../config/notify.js';
import type {
  AlertEvent,
  HistoryPolicy,
  NotifySpec,
  NotifyTarget,
  RetryPolicy,
  SourcePosition,
  TaskSpec,
} from '../config/types.js';
import type { RunRecord, RunStatus, SkipReason } from '../engine/run.js';
import type { GroupStatus, TaskStateName, TaskStatus } from '../engine/task-state.js';
import { describeOutcome } from '../runner/outcome.js';
import type { RunStop, Trigger } from '../runner/types.js';
import type { Instant } from '../schedule/types.js';
import type { RunStats } from '../store/store.js';
import type { TaskClusterView } from './cluster-view.js';
import { isFailing } from './failing.js';
import { maskSecrets } from './secret-env.js';
import { toJoinView, type JoinView } from './join-view.js';
import { toScheduleView, type ScheduleView } from './schedule-view.js';
import { describeTaskSchedule } from './schedule-words.js';

export { describeTaskSchedule };

export { toScheduleView, type ScheduleView } from './schedule-view.js';

export interface RunView {
  readonly id: number;
  readonly task: string;
  readonly trigger: Trigger;
  readonly status: RunStatus;
  readonly scheduledAt: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  /** endedAt - startedAt; null until both are known. */
  readonly durationMs: number | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly attempt: number;
  readonly pid: number | null;
  readonly outputBytes: number;
  readonly outputTruncated: boolean;
  /** How taskkit stopped the run (`{cause, afterMs, signals, killAfterMs, abandoned}`), or null. */
  readonly stop: RunStop | null;
  /** taskkit's own fault, a JS task's thrown message, or why the run was skipped or dropped. */
  readonly error: string | null;
  /** describeOutcome's words: "succeeded", "exited with code 3", "skipped: already running"... */
  readonly outcome: string;
  /**
   * A skipped row (issue 16.7), else null: why, as a kind (`held`, `overlap`, `deadline`, `missed`,
   * `claimed`, `stopping`; null for an old row whose words did not say), and how many instants (or
   * triggers) it stands for, from skipFirstAt (= scheduledAt) to skipLastAt; skipMore: more than skipCount.
   */
  readonly skipReason: SkipReason | null;
  readonly skipCount: number | null;
  readonly skipMore: boolean | null;
  readonly skipFirstAt: string | null;
  readonly skipLastAt: string | null;
  /**
   * Only in the final result of `run-now --wait` (and `logs`, `exec`): the output decoded as
   * UTF-8 for reading (lossy: a byte that is not UTF-8 becomes U+FFFD), always with `outputBase64`.
   */
  readonly output?: string;
  /** The output's exact bytes, base64 (RFC 4648, with padding): what the task printed, byte for byte. */
  readonly outputBase64?: string;
  /** What a module or function task returned (JSON); absent when it returned nothing. */
  readonly result?: unknown;
  /** The hostname that ran it, in cluster mode (issue 21); absent on a single host. */
  readonly host?: string;
}

export interface TaskView {
  readonly name: string;
  readonly description: string;
  readonly state: TaskStateName;
  /** The schedule in force, in words (describeSchedule). */
  readonly schedule: string;
  readonly timezone: string;
  readonly rescheduled: boolean;
  readonly nextAt: string | null;
  readonly held: boolean;
  readonly holdNote: string | null;
  readonly heldAt: string | null;
  /** When the hold ends by itself (`hold --for/--until`); null: until resume, or not held. */
  readonly heldUntil: string | null;
  /** Dead-man (`expect-success-within`): since when the task is overdue; null when it is not. */
  readonly overdueSince: string | null;
  /** When a run of the task last succeeded, as the daemon knows it; null: none known. */
  readonly lastSuccessAt: string | null;
  /** Held by `hold-after-failures`. */
  readonly autoHeld: boolean;
  /** Consecutive failed scheduled slots (an instant with all its retries). */
  readonly failedSlots: number;
  /** Its last slot failed for good (control/failing.ts): CRITICAL in `status --check`, marked in `list`. */
  readonly failing: boolean;
  /** `notify:` what its notifier was sent (engine/alerts.ts); all null when nothing is alerted now. */
  readonly alert: AlertView;
  /** Runs going now. */
  readonly running: number;
  /** Runs waiting (overlap queue, max-concurrent queue, its concurrency group's, pending retries). */
  readonly queued: number;
  /** Its concurrency group (`group:`), null when it has none. */
  readonly group: GroupView | null;
  readonly lastRun: RunView | null;
  /** `after-all:` the parents that succeeded since the wait began, and those waited for; null without after-all. */
  readonly join: JoinView | null;
  /** Its place in the cluster (scope, a definition that differs), in cluster mode; absent on a single host. */
  readonly cluster?: TaskClusterView;
}

/**
 * A task's concurrency group: `limit` (settings.groups), `running` (runs of all its tasks holding a
 * place), `waiting` (this task's runs waiting for a place; in `queued` too).
 */
export type GroupView = GroupStatus;

/** A task's alert state: the slot whose `failure` was last sent (failing slots going on), `overdue` (this period). */
export interface AlertView {
  /** Consecutive failed slots (as TaskView.failedSlots). */
  readonly failures: number;
  readonly failureAlertedAt: string | null;
  readonly overdueAlertedAt: string | null;
}

/** `notify:` as JSON: the notifier's kind and target (a URL's user and password hidden) and its rules. */
export interface NotifyView {
  readonly kind: NotifyTarget['kind'];
  /** The shell line, the argv joined by spaces, the URL (credentials as ***), the addresses. */
  readonly target: string;
  readonly on: readonly AlertEvent[];
  readonly after: number;
  /** `repeat:` in ms; null = never. */
  readonly repeatMs: number | null;
}

/** A TaskAction as JSON; an in-process function is named by kind only. */
export type ActionView =
  | { readonly kind: 'shell'; readonly script: string; readonly shell: string }
  | { readonly kind: 'argv'; readonly argv: readonly string[] }
  | { readonly kind: 'module'; readonly path: string; readonly exportName: string; readonly args: unknown }
  | { readonly kind: 'function' };

/** A TaskSpec as JSON (`show`): the file's schedule, the action, every option. */
export interface DefinitionView {
  readonly name: string;
  readonly description: string;
  /** The file's schedule (a run-time reschedule shows in TaskView.schedule). */
  readonly schedule: ScheduleView;
  readonly timezone: string;
  readonly action: ActionView;
  readonly cwd: string;
  /** Secret values (`{secret: ...}`, `env-file`) read SECRET_PLACEHOLDER: they never leave the daemon. */
  readonly env: Readonly<Record<string, string>>;
  readonly envFile: string | null;
  readonly timeoutMs: number | null;
  readonly killAfterMs: number;
  readonly overlap: TaskSpec['overlap'];
  readonly retry: RetryPolicy;
  readonly jitterMs: number;
  readonly catchUp: TaskSpec['catchUp'];
  readonly deadlineMs: number | null;
  /** `expect-success-within:` in ms; null = none. */
  readonly expectSuccessWithinMs: number | null;
  readonly hold: boolean;
  readonly maxRuns: number | null;
  readonly until: string | null;
  readonly except: readonly string[]; // `except:` the calendars' names; [] without it
  /** `group:`, the task's concurrency group; null: none. */
  readonly group: string | null;
  readonly after: readonly string[];
  /** `after-all:` the join's parents; [] without it. */
  readonly afterAll: readonly string[];
  readonly onSuccess: readonly string[];
  readonly onFailure: readonly string[];
  readonly history: HistoryPolicy;
  /** The notifier in force (the task's own, else settings.notify); null: none. */
  readonly notify: NotifyView | null;
  readonly source: SourcePosition | null;
}

/**
 * `show`: how the task's kept runs ended (the store's runStats); skipped, cancelled and running runs are not counted.
 */
export interface RunStatsView {
  readonly succeeded: number;
  /** `failed`, `timed-out` and `interrupted` runs. */
  readonly failed: number;
  /** succeeded / (succeeded + failed), 0 to 1; null when there is neither. */
  readonly successRate: number | null;
}

/**
 * A run as the engine or the store has it; a store's listing leaves the output out. A cluster's
 * store (PostgreSQL) names the host that ran it.
 */
export type RunFacts = Omit<RunRecord, 'output'> & { readonly output?: Uint8Array; readonly host?: string };

/**
 * Whether a run ran: it started, so its ending says how the task did. A skipped trigger
 * ("skipped: missed 3 instants") or a run dropped while waiting did not, and is never LAST (issue 13).
 */
export function ran(run: Pick<RunRecord, 'startedAt' | 'status'>): boolean {
  return run.startedAt !== null && run.status !== 'running' && run.status !== 'queued';
}

/** An instant as ISO-8601 UTC, or null. */
export function formatIso(instant: Instant | null): string | null {
  return instant === null ? null : new Date(instant).toISOString();
}

/** A run as JSON; `withOutput` adds the captured output (final results only: it can be large). */
export function toRunView(run: RunFacts, options: { withOutput?: boolean } = {}): RunView {
  const view: RunView = {
    id: run.id,
    task: run.task,
    trigger: run.trigger,
    status: run.status,
    scheduledAt: formatIso(run.scheduledAt),
    createdAt: new Date(run.createdAt).toISOString(),
    startedAt: formatIso(run.startedAt),
    endedAt: formatIso(run.endedAt),
    durationMs: run.startedAt !== null && run.endedAt !== null ? run.endedAt - run.startedAt : null,
    exitCode: run.exitCode,
    signal: run.signal,
    attempt: run.attempt,
    pid: run.pid,
    outputBytes: run.outputBytes,
    outputTruncated: run.outputTruncated,
    stop: run.stop,
    error: run.error,
    outcome: describeOutcome(run),
    ...describeSkip(run),
  };
  const withHost = run.host === undefined ? view : { ...view, host: run.host };
  const withResult = run.result === undefined ? withHost : { ...withHost, result: run.result };
  if (options.withOutput !== true) return withResult;
  const output = run.output === undefined ? Buffer.alloc(0) : toBuffer(run.output);
  return { ...withResult, output: output.toString('utf8'), outputBase64: output.toString('base64') };
}

type SkipView = Pick<RunView, 'skipReason' | 'skipCount' | 'skipMore' | 'skipFirstAt' | 'skipLastAt'>;

const NOT_SKIPPED: SkipView = {
  skipReason: null,
  skipCount: null,
  skipMore: null,
  skipFirstAt: null,
  skipLastAt: null,
};

/** The skip fields of a run's view: a row without facts (an old one) is one trigger at its instant. */
function describeSkip(run: RunFacts): SkipView {
  if (run.status !== 'skipped') return NOT_SKIPPED;
  const skip = run.skip;
  return {
    skipReason: skip?.reason ?? null,
    skipCount: skip?.count ?? 1,
    skipMore: skip?.more ?? false,
    skipFirstAt: formatIso(run.scheduledAt),
    skipLastAt: formatIso(skip === undefined ? run.scheduledAt : skip.lastAt),
  };
}

/** The same bytes as a Buffer, without a copy. */
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The store's counts as JSON (the task's name is already in the reply). */
export function toRunStatsView(stats: RunStats): RunStatsView {
  return { succeeded: stats.succeeded, failed: stats.failed, successRate: stats.successRate };
}

/** In cluster mode: this host's name (the engine's own runs ran here) and the task's place in the cluster. */
export interface TaskClusterFacts {
  readonly hostname: string;
  readonly cluster: TaskClusterView | null;
}

/**
 * A task as JSON; `defaultTimezone` (settings.timezone) decides whether the zone is named.
 * `lastRun` is the last run that ran (see `ran`): the engine's, else `storedLastRun` (the
 * history's, right after a restart or when the engine's last record is a skip). In cluster mode
 * (`cluster`), the engine's runs are this host's, the stored one wins when newer (another host's),
 * and the task's `cluster` member is added.
 */
export function toTaskView(
  task: TaskStatus,
  defaultTimezone: string,
  storedLastRun: RunFacts | null = null,
  cluster?: TaskClusterFacts,
): TaskView {
  const lastRun = chooseLastRun(task, storedLastRun, cluster);
  return {
    name: task.name,
    description: task.spec.description,
    state: task.state,
    schedule: describeTaskSchedule(task, defaultTimezone),
    timezone: task.spec.timezone,
    rescheduled: task.rescheduled,
    nextAt: formatIso(task.nextAt),
    held: task.held,
    holdNote: task.holdNote,
    heldAt: formatIso(task.heldAt),
    heldUntil: formatIso(task.heldUntil),
    overdueSince: formatIso(task.overdueSince),
    lastSuccessAt: formatIso(task.lastSuccessAt),
    autoHeld: task.autoHeld,
    failedSlots: task.failedSlots,
    failing: isFailing(task, lastRun),
    alert: {
      failures: task.failedSlots,
      failureAlertedAt: formatIso(task.alert.failureAlertedAt),
      overdueAlertedAt: formatIso(task.alert.overdueAlertedAt),
    },
    running: task.running.length,
    queued: task.queued,
    group: task.group,
    lastRun: lastRun === null ? null : toRunView(lastRun),
    join: toJoinView(task),
    ...(cluster?.cluster == null ? {} : { cluster: cluster.cluster }),
  };
}

/** The task's last run as toTaskView's arguments make it (`list-rows` builds its rows from the same choice). */
export function chooseLastRun(
  task: Pick<TaskStatus, 'lastRun'>,
  storedLastRun: RunFacts | null,
  cluster: TaskClusterFacts | undefined,
): RunFacts | null {
  const own = task.lastRun !== null && ran(task.lastRun) ? task.lastRun : null;
  // In a cluster another host may have run the task since: the newer of the two is its last run.
  if (own === null || (cluster !== undefined && storedLastRun !== null && storedLastRun.createdAt > own.createdAt))
    return storedLastRun;
  return cluster === undefined ? own : { ...own, host: cluster.hostname };
}

/** A task definition as JSON (`show`); a function action loses its function (not JSON). */
export function toDefinitionView(spec: TaskSpec): DefinitionView {
  return {
    name: spec.name,
    description: spec.description,
    schedule: toScheduleView(spec.schedule),
    timezone: spec.timezone,
    action: toActionView(spec.action),
    cwd: spec.cwd,
    env: maskSecrets(spec.env, spec.secretEnv),
    envFile: spec.envFile,
    timeoutMs: spec.timeoutMs,
    killAfterMs: spec.killAfterMs,
    overlap: spec.overlap,
    retry: spec.retry,
    jitterMs: spec.jitterMs,
    catchUp: spec.catchUp,
    deadlineMs: spec.deadlineMs,
    expectSuccessWithinMs: spec.expectSuccessWithinMs ?? null,
    hold: spec.hold,
    maxRuns: spec.maxRuns,
    until: formatIso(spec.until),
    except: spec.except?.map((calendar) => calendar.name) ?? [],
    group: spec.group ?? null,
    after: spec.after,
    afterAll: spec.afterAll ?? [],
    onSuccess: spec.onSuccess,
    onFailure: spec.onFailure,
    history: spec.history,
    notify: spec.notify === undefined ? null : toNotifyView(spec.notify),
    source: spec.source ?? null,
  };
}

/** `notify:` as JSON, never with a secret (config/notify.ts describeNotifyTarget). */
export function toNotifyView(notify: NotifySpec): NotifyView {
  return { ...describeNotifyTarget(notify.target), on: notify.on, after: notify.after, repeatMs: notify.repeatMs };
}

function toActionView(action: TaskSpec['action']): ActionView {
  switch (action.kind) {
    case 'shell':
      return { kind: 'shell', script: action.script, shell: action.shell };
    case 'argv':
      return { kind: 'argv', argv: action.argv };
    case 'module':
      return { kind: 'module', path: action.path, exportName: action.exportName, args: action.args };
    case 'function':
      return { kind: 'function' };
  }
}
