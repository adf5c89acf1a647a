/**
 * The control protocol (DESIGN.md "Daemon and control socket"): newline-delimited JSON over a
 * Unix socket. This file is the one typed definition of it that the server (daemon side) and the
 * client (CLI side) share: constants, envelopes, and every method's params, result and events.
 */
import type { ConfigIssue } from '../config/issues.js';
import { TaskkitError, type ErrorCode } from '../errors.js';
import type { ClusterStatusView } from './cluster-view.js';
import type { HealthView } from './health.js';
import type { ListTableParams, ListTableResult, TaskListRow } from './list-rows.js';
import type { MakeView } from './make-view.js';
import type { ReloadPlanView } from './reload-plan-view.js';
import type { DefinitionView, RunStatsView, RunView, TaskView } from './views.js';

/**
 * Bumped on any incompatible change; client and daemon must agree exactly. 2: `output` events
 * carry bytes as base64 (`{data}`), not text (`{chunk}`), and a RunView's output has `outputBase64`.
 * Additions that an older peer ignores do not bump it: a RunView's skip fields, `sync-history` (issue 16.7: the CLI
 * treats a daemon without it as having nothing to write) `names` (completion then asks `list`, issue 20.3)
 * `list-rows` (the table then draws `list`'s views) and `list-table` (the CLI then draws `list-rows`).
 */
export const PROTOCOL_VERSION = 2;
export {
  CONNECT_TIMEOUT_MS,
  HELLO_TIMEOUT_MS,
  IDLE_TIMEOUT_MS,
  LINE_TIMEOUT_MS,
  MAX_CLIENT_BACKLOG_BYTES,
  MAX_CONNECTIONS,
  MAX_IN_FLIGHT_PER_CONNECTION,
  MAX_LINE_BYTES,
  MAX_REPLY_LINE_BYTES,
  REQUEST_TIMEOUT_MS,
  STREAM_PATIENCE,
  type StreamPatience,
} from './limits.js';
/** What the CLI sends as `client` in hello. */
export const CLIENT_NAME = 'taskkit 0.1.0';
/** What the daemon reports as `daemon` in the hello result. */
export const DAEMON_NAME = 'taskkit 0.1.0';

export type RequestId = number | string;

/** Client -> daemon. `params` may be omitted when a method takes none. */
export interface ControlRequest<M extends string = string> {
  readonly id: RequestId;
  readonly method: M;
  readonly params?: Record<string, unknown>;
}

/** The `error` member of a reply. `data` carries structured detail (reload: {issues}). */
export interface ControlErrorBody {
  readonly code: ErrorCode;
  readonly message: string;
  readonly data?: unknown;
}

/** Daemon -> client, final for a request. `id` is null when the request's id could not be read. */
export type ControlReply =
  | { readonly id: RequestId | null; readonly result: unknown }
  | { readonly id: RequestId | null; readonly error: ControlErrorBody };

/** Daemon -> client, zero or more before the final reply of a streaming request. */
export interface ControlEvent {
  readonly id: RequestId;
  readonly event: string;
  readonly data: unknown;
}

/** Any line the daemon sends. */
export type ControlMessage = ControlReply | ControlEvent;

// ---- methods ---------------------------------------------------------------------------------

export interface HelloParams {
  readonly version: number;
  readonly client: string;
}

export interface HelloResult {
  readonly version: number;
  readonly pid: number;
  /** "taskkit <version>". */
  readonly daemon: string;
  readonly configPath: string;
  readonly socket: string;
}

export interface StatusResult {
  readonly pid: number;
  /**
   * The daemon's spawner process (`taskkit-spawner`, which starts the runs); null while a dead or
   * frozen one is being replaced. Absent from a daemon older than it.
   */
  readonly spawnerPid?: number | null;
  readonly startedAt: string;
  readonly uptimeMs: number;
  readonly configPath: string;
  readonly socket: string;
  readonly stateDir: string;
  readonly tasks: {
    readonly total: number;
    readonly scheduled: number;
    readonly running: number;
    readonly held: number;
    readonly onDemand: number;
    readonly done: number;
  };
  /** Runs going now, those of orphanedRuns included. */
  readonly runsInProgress: number;
  /**
   * Runs still going of tasks a reload removed (or renamed) from the file: they end into history
   * as usual, and `cancel` stops them by the old name or by run id (issue 15 point 9).
   */
  readonly orphanedRuns: readonly RunView[];
  /** The soonest next instant of any task. */
  readonly nextAt: { readonly task: string; readonly at: string } | null;
  /** Cluster mode (issue 21): the cluster's hosts, split definitions, missed instants; absent on a single host. */
  readonly cluster?: ClusterStatusView;
  /** Cluster mode, when the cluster's facts could not be read: why (`cluster` is absent then). */
  readonly clusterError?: string;
}

export interface ShowResult {
  readonly task: TaskView;
  readonly definition: DefinitionView;
  /** The next 5 instants of the schedule in force (ISO), fewer when it ends. */
  readonly upcoming: readonly string[];
  /** Newest first: from the history database (up to 10), else the engine's last run. */
  readonly recentRuns: readonly RunView[];
  /** How the kept runs ended; absent when the daemon keeps no history (added in issue 4). */
  readonly stats?: RunStatsView;
}

/** `logs`: a run of the task, by id or (default) its newest; `follow` streams a running run's output. */
export interface LogsParams {
  readonly name: string;
  readonly runId?: number;
  readonly follow?: boolean;
}

/**
 * A chunk of a run's output: `data` is its bytes in base64 (RFC 4648, with padding), so that
 * output that is not UTF-8 (a NUL, a 0xFF) crosses the JSON lines unchanged. One chunk of the
 * task's pipe per event: the daemon encodes a chunk at a time, never a whole output.
 */
export interface OutputEvent {
  readonly data: string;
}

/** An output event's bytes. */
export function decodeOutputEvent(event: OutputEvent): Buffer {
  return Buffer.from(event.data, 'base64');
}

/** An output event of `bytes` (encoded now: the chunk is not kept). */
export function encodeOutputEvent(bytes: Uint8Array): OutputEvent {
  return { data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
}

/**
 * Events of `logs` with `follow: true`: `output` chunks, the first one holding what the run
 * printed before the client asked (its last LIVE_OUTPUT_BYTES); for a run already over, its
 * whole stored output, 64 KiB per event.
 */
export interface LogsEvents {
  readonly output: OutputEvent;
  /** The followed run failed and is retried: the stream ends with it; the retry is a run of its own. */
  readonly retrying: RetryingEvent;
}

/** A failed attempt (`retry:`) and the retry that now waits for `at`. */
export interface RetryingEvent {
  readonly failed: RunView;
  /** The next attempt, `queued` until `at`. */
  readonly retry: RunView;
  /** When the retry starts (ISO). */
  readonly at: string;
  /** Attempts the task may make in all (retry.attempts + 1). */
  readonly attempts: number;
}

/**
 * Cluster mode (issue 21): hold, resume and reschedule reply once the cluster's task row is
 * committed; `clusterPending` says why it is not yet (PostgreSQL did not answer): the change is in
 * effect on this host and is written when PostgreSQL answers. Absent: committed, or a single host.
 */
export interface ClusterPending {
  readonly clusterPending?: string;
}

/** `cancel`: a task's runs by its name, or one run by its id. */
export type CancelParams = { readonly name: string } | { readonly runId: number };

/** `reschedule` params.schedule: the tasks-file keys, same syntax; null = back to the file's. */
export interface RescheduleDefinition {
  readonly every?: string;
  readonly start?: string;
  readonly daily?: string | readonly string[];
  readonly cron?: string;
  readonly at?: string | readonly string[];
  /** An RFC 5545 rule; `start` is then its DTSTART. */
  readonly rrule?: string;
}

/** Task names per outcome of a reload. */
export interface ReloadSummaryView {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
  readonly unchanged: readonly string[];
}

/** `data` of the CONFIG_INVALID error a refused reload gets; `message` is formatIssues(issues). */
export interface ReloadErrorData {
  readonly issues: readonly ConfigIssue[];
}

/**
 * Events of `run-now` with `wait: true`, in order: started, output (any number); when the attempt
 * failed and is retried, retrying, then the retry's started and output, and so on to the last attempt.
 */
export interface RunNowEvents {
  readonly started: { readonly run: RunView };
  readonly output: OutputEvent;
  readonly retrying: RetryingEvent;
}

export type { MakeView } from './make-view.js';

/**
 * `next`: one task (`name`) or every task. `from` (ISO 8601; no offset: local to the task's zone,
 * or to settings.timezone for every task) leaves earlier instants out: an equal one is listed.
 */
export interface NextParams {
  readonly name?: string;
  /** Instants per task, default 5, at most MAX_NEXT_COUNT. */
  readonly count?: number;
  readonly from?: string;
}

/** Longest `count` of a `next` request: bounds the daemon's work per task. */
export const MAX_NEXT_COUNT = 10_000;

/** One task's instants as the engine will reach them: a held task's pass without running. */
export interface UpcomingView {
  readonly task: TaskView;
  readonly upcoming: readonly string[];
}

type NoParams = Record<string, never>;
type NoEvents = Record<string, never>;

export interface HoldParams {
  readonly names: string[];
  readonly note?: string;
  readonly forMs?: number;
  readonly until?: string;
}

/** Every method: params -> result (+ events for streaming ones). */
export interface ControlMethods {
  hello: { params: HelloParams; result: HelloResult; events: NoEvents };
  status: { params: NoParams; result: StatusResult; events: NoEvents };
  /** `status --check` (control/health.ts): unknown `ignore` names are TASK_UNKNOWN. */
  check: { params: { ignore?: string[]; heldOk?: boolean }; result: HealthView; events: NoEvents };
  /**
   * `here` (cluster mode): each task's last run on this host rather than in the cluster; on a single
   * host every run is this host's and it changes nothing.
   */
  list: { params: { here?: boolean }; result: TaskView[]; events: NoEvents };
  names: { params: NoParams; result: string[]; events: NoEvents }; // list's names alone, in its order
  /** `list` as `taskkit list` draws it (list-rows.ts), `here` as list's. */
  'list-rows': { params: { here?: boolean }; result: TaskListRow[]; events: NoEvents };
  /** `taskkit list`'s whole output drawn by the daemon (list-table.ts). */
  'list-table': { params: ListTableParams; result: ListTableResult; events: NoEvents };
  show: { params: { name: string }; result: ShowResult; events: NoEvents };
  /** What will happen (issue 13): the engine's instants with holds and run-time reschedules. */
  next: { params: NextParams; result: { tasks: UpcomingView[] }; events: NoEvents };
  /**
   * Without wait: as soon as triggered (the run may be queued or skipped). With wait: the last attempt's final run,
   * with `output`.
   */
  'run-now': { params: { name: string; wait?: boolean }; result: { run: RunView }; events: RunNowEvents };
  make: { params: { name: string; wait?: boolean; dryRun?: boolean }; result: MakeView; events: RunNowEvents };
  /**
   * All names are checked before any is changed. `forMs` (from now) or `until` (ISO 8601; no offset:
   * local to settings.timezone) end the hold by itself; neither: held until resume.
   */
  hold: { params: HoldParams; result: { tasks: TaskView[] } & ClusterPending; events: NoEvents };
  /** `notHeld`: the names that were not held (nothing changed for them). */
  resume: {
    params: { names: string[] };
    result: { tasks: TaskView[]; notHeld: string[] } & ClusterPending;
    events: NoEvents;
  };
  /**
   * One of: `name` (a task, or a removed task whose runs still go on; a name no task has that is all
   * digits is taken as a run id), or `runId`. Without runs the result is empty; an unknown run id
   * is NOT_FOUND. In a cluster, a run id another host runs is asked of that host and the reply waits
   * (bounded) for its row to end; `requestedElsewhere` lists the runs still running when it gave up.
   * A `name` cancels the task's runs here and asks each other host running one the same way (its runs
   * follow this host's, with their `host`); `clusterPending` says why the other hosts were not asked.
   */
  cancel: {
    params: CancelParams;
    result: { runs: RunView[]; requestedElsewhere?: number[]; clusterPending?: string };
    events: NoEvents;
  };
  reschedule: {
    params: { name: string; schedule: RescheduleDefinition | null };
    result: { task: TaskView } & ClusterPending;
    events: NoEvents;
  };
  reload: { params: NoParams; result: { summary: ReloadSummaryView }; events: NoEvents };
  /**
   * What `reload` would do, applying nothing (reload-plan-view.ts): the daemon's own tasks file, or
   * `path` (absolute), loaded and checked as reload loads it; a file reload would refuse is CONFIG_INVALID alike.
   */
  'reload-plan': { params: { path?: string }; result: { plan: ReloadPlanView }; events: NoEvents };
  /** The daemon replies, then stops gracefully (like SIGTERM) and exits. */
  stop: { params: NoParams; result: { stopping: true }; events: NoEvents };
  /** The run with `output` (so far, for a running run without follow); with follow, once it has ended. */
  logs: { params: LogsParams; result: { run: RunView }; events: LogsEvents };
  /**
   * Before `history` reads the database: held tasks' rows count their instants up to now, and
   * everything queued is written (issue 16.7).
   */
  'sync-history': { params: NoParams; result: { synced: true }; events: NoEvents };
}

export type MethodName = keyof ControlMethods;
export type ParamsOf<M extends MethodName> = ControlMethods[M]['params'];
export type ResultOf<M extends MethodName> = ControlMethods[M]['result'];

/** One event of method M as the client sees it: `{event, data}` with data typed by name. */
export type EventOf<M extends MethodName> = {
  [E in keyof ControlMethods[M]['events']]: { readonly event: E; readonly data: ControlMethods[M]['events'][E] };
}[keyof ControlMethods[M]['events']];

// A record, so that adding a method to ControlMethods without listing it fails to compile.
const METHODS: Record<MethodName, true> = {
  hello: true,
  status: true,
  list: true,
  names: true,
  'list-rows': true,
  'list-table': true,
  show: true,
  'run-now': true,
  make: true,
  hold: true,
  resume: true,
  cancel: true,
  reschedule: true,
  reload: true,
  'reload-plan': true,
  stop: true,
  logs: true,
  next: true,
  check: true,
  'sync-history': true,
};

/** Every method, in protocol order. */
export const METHOD_NAMES: readonly MethodName[] = Object.freeze(Object.keys(METHODS) as MethodName[]);

/**
 * An error reply as an exception: thrown by handlers to choose the reply's code and `data`, and
 * by the client when a reply carries an error (its code is the daemon's, e.g. TASK_UNKNOWN).
 */
export class ControlError extends TaskkitError {
  override readonly name: string = 'ControlError';
  readonly data: unknown;

  constructor(code: ErrorCode, message: string, data?: unknown) {
    super(code, message);
    this.data = data;
  }
}
