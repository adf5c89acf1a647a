/**
 * The daemon's API surface over the control socket: each protocol method becomes calls on the
 * engine's Scheduler, or on the daemon itself (status info, reload, stop) through DaemonControl.
 * Names are checked here, with "did you mean", before the engine is touched.
 */
import { isAbsolute } from 'node:path';
import { formatIssue } from '../config/issues.js';
import { validateScheduleDefinition } from '../config/normalize.js';
import { didYouMean } from '../config/suggest.js';
import type { RunRecord } from '../engine/run.js';
import type { Scheduler } from '../engine/scheduler.js';
import type { TaskStatus } from '../engine/task-state.js';
import type { Instant, ScheduleSpec } from '../schedule/types.js';
import type { RunStats, RunSummary } from '../store/store.js';
import { TaskkitError } from '../errors.js';
import { allAnswered, fromHistory, whenAnswered, type Answer } from './answer.js';
import type { RequestContext, RequestDispatcher } from './connection.js';
import {
  afterClusterCommit,
  cancelEverywhere,
  cancelStored,
  type CancelledElsewhere,
  type ClusterControlHooks,
} from './cluster-control.js';
import { clusterFactsOf, storedLastRunOf } from './cluster-facts.js';
import type { ClusterStatusView, TaskClusterView } from './cluster-view.js';
import { refusedAsConfigInvalid } from './config-refused.js';
import { checkHealth } from './health.js';
import { LiveOutput } from './live-output.js';
import { answerLogs, guardedEndedRuns } from './logs.js';
import {
  badRequest,
  readObjectOrNull,
  readOptionalBoolean,
  readOptionalInstant,
  readOptionalPositiveInteger,
  readOptionalString,
  readParams,
  readTaskName,
  readTaskNameList,
  type Params,
} from './params.js';
import {
  ControlError,
  DAEMON_NAME,
  MAX_NEXT_COUNT,
  METHOD_NAMES,
  PROTOCOL_VERSION,
  type HelloResult,
  type MethodName,
  type ReloadSummaryView,
  type ResultOf,
  type StatusResult,
} from './protocol.js';
import { toIsoTaskListRow, toTaskListRowAt, type TaskListRowAt } from './list-rows.js';
import { answerListTable, type TaskListDrawer } from './list-table.js';
import { answerMake } from './make-wait.js';
import type { ReloadPlanView } from './reload-plan-view.js';
import { triggerStarted } from './run-now-started.js';
import { triggerAndFollow } from './run-wait.js';
import { describeStatus, withClusterStatus, type DaemonInfo } from './status.js';
import {
  ran,
  toDefinitionView,
  toRunStatsView,
  toRunView,
  toTaskView,
  type RunFacts,
  type TaskClusterFacts,
  type TaskView,
} from './views.js';

/** The part of the daemon the handlers need; the daemon implements it. */
export interface DaemonControl extends ClusterControlHooks {
  info(): DaemonInfo;
  /** Re-read and apply the tasks file; reject with ConfigError (CONFIG_INVALID) to refuse it. */
  reload(): Promise<ReloadSummaryView>;
  /** What reload would do with its file (or `path`), loaded as reload loads it; rejects as reload would. */
  planReload?(path: string | undefined): Promise<ReloadPlanView>;
  /** Begin a graceful stop (like SIGTERM). Called after the `stop` reply has been queued. */
  stop(): void;
  /*
   * The history database, when the daemon keeps one (issue 4); each is optional so that a daemon
   * without a store (tests, the library) answers from the engine alone. Answers may be promises
   * (a cluster's PostgreSQL, issue 21); a rejection is the request's error, the daemon goes on.
   */
  /** Runs of a task, newest first, at most `limit` (a store); default: the last run only. */
  recentRuns?(task: string, limit: number): Answer<readonly RunSummary[]>;
  /** The task's newest ended run: `list` shows it where the engine has none yet (after a restart). In memory: sync. */
  storedLastRun?(task: string): RunSummary | null;
  /** How the task's kept runs ended, for `show`. */
  runStats?(task: string): Answer<RunStats>;
  /** A run by id, with its output (`logs`). */
  findRun?(id: number): Answer<RunRecord | null>;
  /** The task's newest stored run, with its output (`logs`). */
  latestRun?(task: string): Answer<RunRecord | null>;
  /** Write what the history database has queued now (`sync-history`: a reader opens the file next). */
  flushHistory?(): Answer<void>;
  /*
   * Cluster mode (issue 21), given by the daemon's cluster glue; absent on a single host. With
   * them, `storedLastRun` and the history answers are the cluster's (PostgreSQL, runs carry `host`).
   */
  /** The task's newest ended run on this host (`list --here`); in memory, sync. Absent: storedLastRun. */
  localLastRun?(task: string): RunSummary | null;
  /** The task's place in the cluster (`list`, `show`); in memory, sync; null: nothing to say. */
  taskCluster?(task: string): TaskClusterView | null;
  /** The cluster's hosts, split definitions, missed instants (`status`); may read PostgreSQL. */
  clusterStatus?(): Answer<ClusterStatusView>;
  /** `list-table`: `taskkit list` drawn here (daemon/list-table.ts); absent: the method is refused. */
  taskListDrawer?: TaskListDrawer;
}

export interface HandlerOptions {
  readonly scheduler: Scheduler;
  readonly daemon: DaemonControl;
  /** Wall clock for uptime and upcoming instants; default Date.now (the daemon passes its engine clock's). */
  readonly now?: () => Instant;
}

const UPCOMING_COUNT = 5;
const RECENT_RUNS = 10;
const DISPATCHED = METHOD_NAMES.filter((name) => name !== 'hello');

type Handler = (params: unknown, context: RequestContext) => unknown;

/** The dispatcher the control server calls for every request after hello. */
export function createHandlers(options: HandlerOptions): RequestDispatcher {
  const { scheduler, daemon } = options;
  const now = options.now ?? Date.now;
  const zone = (): string => daemon.info().defaultTimezone;
  const live = new LiveOutput(scheduler);

  const knownNames = (): string[] => scheduler.list().map((task) => task.name);
  const requireTask = (name: string): TaskStatus => {
    if (scheduler.has(name)) return scheduler.get(name);
    throw unknownTask(name, knownNames());
  };
  // A run not in flight: the history says whose it was (another host's is asked to stop) and how it ended.
  const cancelRun = (runId: number): Answer<ResultOf<'cancel'>> => {
    try {
      return { runs: [toRunView(scheduler.cancelRun(runId))] };
    } catch (error) {
      if (!(error instanceof TaskkitError) || error.code !== 'NOT_FOUND') throw error;
      const elsewhere: Answer<CancelledElsewhere> = whenAnswered(
        fromHistory(daemon.findRun?.(runId) ?? null),
        (stored) => cancelStored(daemon, runId, stored),
      );
      return whenAnswered(elsewhere, ({ run, stillRunning }) => ({
        runs: [toRunView(run)],
        ...(stillRunning ? { requestedElsewhere: [run.id] } : {}),
      }));
    }
  };
  // Check every name before changing any (protocol: hold/resume are all or nothing).
  const requireAll = (names: readonly string[]): void => {
    for (const name of names) requireTask(name);
  };

  /** Every task's view, as `list` answers; `here`: last runs on this host (cluster mode). */
  /** Every task through `toView` (a full view, or list-rows' row) with toTaskView's other arguments. */
  const listAs = <V>(
    here: boolean,
    toView: (task: TaskStatus, tz: string, storedLastRun: RunFacts | null, cluster?: TaskClusterFacts) => V,
  ): V[] => {
    const tz = zone();
    const clusterOf = clusterFactsOf(daemon);
    const lastRunOf = storedLastRunOf(daemon, here);
    // Tasks removed from the file while their runs go on come last, state `removed`.
    return [...scheduler.list(), ...scheduler.orphans()].map((task) =>
      toView(
        task,
        tz,
        // On a single host the engine's last run is the newest: the store is asked only without one.
        clusterOf === undefined && task.lastRun !== null && ran(task.lastRun) ? null : lastRunOf(task.name),
        clusterOf?.(task.name),
      ),
    );
  };
  const listViews = (here: boolean): TaskView[] => listAs(here, toTaskView);
  const listRows = (here: boolean): TaskListRowAt[] => listAs(here, toTaskListRowAt);

  // Every method but hello (the connection answers it): a missing one fails to compile.
  const handlers: Record<Exclude<MethodName, 'hello'>, Handler> = {
    status: (params): Answer<StatusResult> => {
      readParams('status', params, []);
      const status = describeStatus(daemon.info(), scheduler.list(), now(), scheduler.orphans());
      return withClusterStatus(status, daemon.clusterStatus?.bind(daemon));
    },
    check: (params): ResultOf<'check'> => {
      const checked = readParams('check', params, ['ignore', 'heldOk']);
      const ignore = checked['ignore'] === undefined ? [] : readTaskNameList('check', checked, 'ignore');
      const heldOk = readOptionalBoolean('check', checked, 'heldOk') ?? false;
      requireAll(ignore);
      const lastRunOf = (task: TaskStatus): RunRecord | RunSummary | null =>
        task.lastRun !== null && ran(task.lastRun) ? task.lastRun : (daemon.storedLastRun?.(task.name) ?? null);
      return checkHealth(scheduler.list(), lastRunOf, { ignore: new Set(ignore), heldOk });
    },
    list: (params): ResultOf<'list'> =>
      listViews(readOptionalBoolean('list', readParams('list', params, ['here']), 'here') ?? false),
    'list-rows': (params): ResultOf<'list-rows'> =>
      listRows(readOptionalBoolean('list-rows', readParams('list-rows', params, ['here']), 'here') ?? false).map(
        toIsoTaskListRow,
      ),
    'list-table': (params): Answer<ResultOf<'list-table'>> => answerListTable(params, listRows, daemon.taskListDrawer),
    names: (params): ResultOf<'names'> => {
      readParams('names', params, []);
      return [...scheduler.list(), ...scheduler.orphans()].map((task) => task.name);
    },
    show: (params): Answer<ResultOf<'show'>> => {
      const name = readTaskName('show', readParams('show', params, ['name']), 'name');
      const task = scheduler.orphan(name) ?? requireTask(name);
      // A held or excluded span's row counts its instants up to now (skipped-spans.ts).
      if (task.state !== 'removed') scheduler.settleSkipped(name);
      const upcoming = task.state === 'removed' ? [] : scheduler.upcoming(name, UPCOMING_COUNT).map(formatIsoUtc);
      const recent =
        daemon.recentRuns === undefined
          ? task.lastRun === null
            ? []
            : [task.lastRun]
          : fromHistory(daemon.recentRuns(name, RECENT_RUNS));
      const stats = daemon.runStats === undefined ? undefined : fromHistory(daemon.runStats(name));
      return whenAnswered(allAnswered<unknown>([recent, stats]), ([runs, counts]) => {
        const recentRuns = runs as readonly RunSummary[];
        // recentRuns is newest first: its first run that ran is the task's last one (skips never are).
        const lastEnded = recentRuns.find(ran) ?? daemon.storedLastRun?.(name) ?? null;
        return {
          task: toTaskView(task, zone(), lastEnded, clusterFactsOf(daemon)?.(name)),
          definition: toDefinitionView(task.spec),
          upcoming,
          recentRuns: recentRuns.map((run) => toRunView(run)),
          ...(counts === undefined ? {} : { stats: toRunStatsView(counts as RunStats) }),
        };
      });
    },
    next: (params): ResultOf<'next'> => {
      const checked = readParams('next', params, ['name', 'count', 'from']);
      const name = checked['name'] === undefined ? undefined : readTaskName('next', checked, 'name');
      const count = readOptionalPositiveInteger('next', checked, 'count') ?? UPCOMING_COUNT;
      if (count > MAX_NEXT_COUNT)
        throw badRequest('next', `param "count" must be at most ${MAX_NEXT_COUNT}; got ${count}`);
      const tz = zone();
      const tasks = name === undefined ? scheduler.list() : [requireTask(name)];
      // As offline: a `from` without offset is local to the one task's zone, else to settings.timezone.
      const from = readOptionalInstant(
        'next',
        checked,
        'from',
        tasks[0] !== undefined && name !== undefined ? tasks[0].spec.timezone : tz,
      );
      return {
        tasks: tasks.map((task) => ({
          task: toTaskView(task, tz),
          upcoming: scheduler.upcoming(task.name, count, from).map(formatIsoUtc),
        })),
      };
    },
    'sync-history': (params): Answer<ResultOf<'sync-history'>> => {
      readParams('sync-history', params, []);
      scheduler.settleSkipped();
      return whenAnswered(fromHistory(daemon.flushHistory?.()), () => ({ synced: true }) as const);
    },
    'run-now': async (params, context): Promise<ResultOf<'run-now'>> => {
      const checked = readParams('run-now', params, ['name', 'wait']);
      const name = readTaskName('run-now', checked, 'name');
      const wait = readOptionalBoolean('run-now', checked, 'wait') ?? false;
      requireTask(name);
      if (!wait) return { run: toRunView(await triggerStarted(scheduler, name)) };
      return { run: toRunView(await triggerAndFollow(scheduler, name, context), { withOutput: true }) };
    },
    make: (params, context): Promise<ResultOf<'make'>> => {
      const checked = readParams('make', params, ['name', 'wait', 'dryRun']);
      const name = readTaskName('make', checked, 'name');
      const wait = readOptionalBoolean('make', checked, 'wait') ?? false;
      const dryRun = readOptionalBoolean('make', checked, 'dryRun') ?? false;
      if (wait && dryRun) throw badRequest('make', 'give "wait" or "dryRun", not both');
      requireTask(name);
      return answerMake(scheduler, { name, wait, dryRun }, context);
    },
    hold: (params): Answer<ResultOf<'hold'>> => {
      const checked = readParams('hold', params, ['names', 'note', 'forMs', 'until']);
      const names = readTaskNameList('hold', checked, 'names');
      const note = readOptionalString('hold', checked, 'note');
      const tz = zone();
      const forMs = readOptionalPositiveInteger('hold', checked, 'forMs');
      const untilAt = readOptionalInstant('hold', checked, 'until', tz);
      if (forMs !== undefined && untilAt !== undefined) throw badRequest('hold', 'give "forMs" or "until", not both');
      const start = now();
      const until = forMs !== undefined ? start + forMs : (untilAt ?? null);
      if (until !== null && until <= start) {
        throw badRequest(
          'hold',
          `the hold would end at ${formatIsoUtc(until)}, which is not after now (${formatIsoUtc(start)})`,
        );
      }
      requireAll(names);
      const tasks = names.map((name) => toTaskView(scheduler.hold(name, note, until), tz));
      return afterClusterCommit(daemon, names, { tasks });
    },
    resume: (params): Answer<ResultOf<'resume'>> => {
      const names = readTaskNameList('resume', readParams('resume', params, ['names']), 'names');
      requireAll(names);
      const tz = zone();
      // Resuming a task that was not held changes nothing: say so rather than "resumed".
      const notHeld = names.filter((name) => !scheduler.get(name).held);
      const tasks = names.map((name) => toTaskView(scheduler.resume(name), tz));
      return afterClusterCommit(daemon, names, { tasks, notHeld });
    },
    cancel: (params): Answer<ResultOf<'cancel'>> => {
      const checked = readParams('cancel', params, ['name', 'runId']);
      const runId = readOptionalPositiveInteger('cancel', checked, 'runId');
      if (runId !== undefined) {
        if (checked['name'] !== undefined) throw badRequest('cancel', 'give "name" or "runId", not both');
        return cancelRun(runId);
      }
      const name = readTaskName('cancel', checked, 'name');
      if (scheduler.has(name) || scheduler.orphan(name) !== null)
        return cancelEverywhere(daemon, name, scheduler.cancel(name));
      // `taskkit cancel 12`: no task has that name, so it is run #12.
      if (/^\d+$/.test(name) && Number.isSafeInteger(Number(name)) && Number(name) >= 1) return cancelRun(Number(name));
      throw unknownTask(name, knownNames());
    },
    reschedule: (params): Answer<ResultOf<'reschedule'>> => {
      const checked = readParams('reschedule', params, ['name', 'schedule']);
      const name = readTaskName('reschedule', checked, 'name');
      if (!('schedule' in checked))
        throw badRequest('reschedule', 'param "schedule" must be an object or null; it is missing');
      const definition = readObjectOrNull('reschedule', checked, 'schedule');
      const task = requireTask(name);
      const spec = definition === null ? null : readSchedule(definition, task.spec.timezone);
      return afterClusterCommit(daemon, [name], { task: toTaskView(scheduler.reschedule(name, spec), zone()) });
    },
    reload: async (params): Promise<ResultOf<'reload'>> => {
      readParams('reload', params, []);
      return { summary: await refusedAsConfigInvalid(daemon.reload()) };
    },
    'reload-plan': async (params): Promise<ResultOf<'reload-plan'>> => {
      const path = readOptionalString('reload-plan', readParams('reload-plan', params, ['path']), 'path');
      if (path !== undefined && !isAbsolute(path))
        throw badRequest('reload-plan', `param "path" must be an absolute path; got "${path}"`);
      if (daemon.planReload === undefined) throw new ControlError('BAD_REQUEST', 'this daemon cannot plan a reload');
      return { plan: await refusedAsConfigInvalid(daemon.planReload(path)) };
    },
    logs: async (params, context): Promise<ResultOf<'logs'>> => {
      const checked = readParams('logs', params, ['name', 'runId', 'follow']);
      const name = readTaskName('logs', checked, 'name');
      const runId = readOptionalPositiveInteger('logs', checked, 'runId');
      const follow = readOptionalBoolean('logs', checked, 'follow') ?? false;
      // A task gone from the file keeps its history: its runs can still be read.
      if (!scheduler.has(name) && ((await fromHistory(daemon.latestRun?.(name))) ?? null) === null) requireTask(name);
      return answerLogs(
        { name, ...(runId === undefined ? {} : { runId }), follow },
        { scheduler, live, history: guardedEndedRuns(daemon) },
        context,
      );
    },
    stop: (params): ResultOf<'stop'> => {
      readParams('stop', params, []);
      // After this turn, so the reply is queued on the socket before the daemon starts closing it.
      setImmediate(() => daemon.stop());
      return { stopping: true };
    },
  };

  return {
    hello(): HelloResult {
      const info = daemon.info();
      return {
        version: PROTOCOL_VERSION,
        pid: info.pid,
        daemon: DAEMON_NAME,
        configPath: info.configPath,
        socket: info.socket,
      };
    },
    dispatch(method, params, context) {
      const handler = Object.hasOwn(handlers, method) ? handlers[method as keyof typeof handlers] : undefined;
      if (handler === undefined) {
        const hint = didYouMean(method, DISPATCHED, ` (methods: ${DISPATCHED.join(', ')})`);
        throw new ControlError('BAD_REQUEST', `unknown method "${method}"${hint}`);
      }
      return handler(params, context);
    },
  };
}

/** `no task named "x" (did you mean "y")`. */
export function unknownTask(name: string, known: readonly string[]): ControlError {
  return new ControlError('TASK_UNKNOWN', `no task named "${name}"${didYouMean(name, known)}`);
}

const formatIsoUtc = (at: Instant): string => new Date(at).toISOString();

/** A reschedule definition checked by the tasks-file rules, in the task's zone. */
function readSchedule(definition: Params, timezone: string): ScheduleSpec {
  const { spec, issues } = validateScheduleDefinition(definition, timezone);
  if (spec === undefined) throw badRequest('reschedule', issues.map(formatIssue).join('; '));
  return spec;
}
