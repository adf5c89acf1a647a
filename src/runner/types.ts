/**
 * One run of one task, as the runner sees it. The engine builds a `RunRequest`; the runner
 * returns a `RunHandle` whose `done` promise always resolves (never rejects) to a `RunOutcome`:
 * a failed task is data, not an exception (STYLE.md practice 6).
 */
import type { TaskSpec } from '../config/types.js';
import type { Instant } from '../schedule/types.js';
import type { TaskHandle, Trigger, UpstreamRun } from '../task-context.js';

export type { Trigger } from '../task-context.js';

/** Final status of a run that was started. (`skipped` runs never reach the runner.) */
export type RunOutcomeStatus = 'succeeded' | 'failed' | 'timed-out' | 'cancelled' | 'interrupted';

/** Why a run is being stopped early; all three end as status `cancelled`. */
export type CancelReason = 'cancel' | 'replace' | 'shutdown';

/** Why a run was stopped: its own `timeout` (status `timed-out`) or a CancelReason (`cancelled`). */
export type StopCause = 'timeout' | CancelReason;

/** The stop causes, in the order the store and the CLI list them. */
export const STOP_CAUSES: readonly StopCause[] = ['timeout', 'cancel', 'replace', 'shutdown'];

/**
 * How a run was stopped, as facts (runner/outcome.ts words them): why, when, what taskkit sent and
 * whether the task had to be left behind. A run that ended by itself has no stop.
 */
export interface RunStop {
  readonly cause: StopCause;
  /** From the run's start to the stop, in ms; for a timeout, the timeout itself. */
  readonly afterMs: number;
  /**
   * Signals sent to the process group, in order: SIGTERM at the stop, SIGKILL after `killAfterMs`. Empty for JS tasks.
   */
  readonly signals: readonly string[];
  /** The task's kill-after: the grace between the stop and the escalation. */
  readonly killAfterMs: number;
  /**
   * A JS task that had not returned when kill-after ran out: `function` (left running, its result
   * ignored) or `module` (its worker terminated). Null otherwise.
   */
  readonly abandoned: 'function' | 'module' | null;
  /**
   * Only on a cancel, replace or shutdown that came during the kill-after of a timeout (and so
   * overtook it: runner/lifecycle.ts): the timeout, in ms. `afterMs` is then when the stop came.
   */
  readonly timedOutAfterMs?: number;
}

export interface RunRequest {
  readonly runId: number;
  readonly task: TaskSpec;
  readonly trigger: Trigger;
  /** The instant the run was due, or null for manual/dependency runs. */
  readonly scheduledAt: Instant | null;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** A dependency run's (and its retries') upstream run; absent or null for other runs. */
  readonly upstream?: UpstreamRun | null;
  /** Bytes of output kept (head + tail); normally `task.history.outputLimitBytes`. */
  readonly outputLimitBytes: number;
  /** The task's handle on its own schedule, for function and module tasks. */
  readonly handle: TaskHandle;
  /**
   * true: the caller calls the handle's `enter()` (function tasks) as soon as it holds the handle, so
   * the runner queues no microtask to enter the function. Absent: the runner enters it from one.
   */
  readonly callerEnters?: boolean;
  /**
   * true (with callerEnters): the handle is made ahead of its run (engine/fast-run.ts), which starts
   * when entered: its start instant is read and its timeout armed by `enter()`, and `runId` is read
   * from the request when asked (given at entry).
   */
  readonly startsAtEntry?: boolean;
  /** With startsAtEntry: the instant the caller read as it entered the run (one clock read for both). */
  readonly startedAt?: number;
}

export interface RunOutcome {
  readonly status: RunOutcomeStatus;
  /** Exit code of the process (or 0/1 for function and module tasks); null if killed or never started. */
  readonly exitCode: number | null;
  /** Signal that ended the process, e.g. "SIGKILL"; null otherwise. */
  readonly signal: string | null;
  readonly startedAt: Instant;
  readonly endedAt: Instant;
  /**
   * stdout and stderr interleaved, as bytes (not decoded: a task may print anything); head and
   * tail kept within the limit, with a marker between.
   */
  readonly output: Buffer;
  /** True when bytes were dropped from the middle of `output`. */
  readonly outputTruncated: boolean;
  /** Total bytes the task wrote, kept or not. */
  readonly outputBytes: number;
  /** How taskkit stopped the run (timeout, cancel, replace, shutdown), or null if it ended by itself. */
  readonly stop: RunStop | null;
  /**
   * taskkit's own fault, or a JS task's thrown message: "command not found: foo", "cannot start:
   * too many open files". Never a stop (that is `stop`).
   */
  readonly error: string | null;
  /** The value a function/module task returned (JSON-safe), else undefined. */
  readonly result?: unknown;
}

/** A run in progress. */
export interface RunHandle {
  /** Process id (the group leader) for shell and argv tasks, else null (or not known yet: whenPid). */
  readonly pid: number | null;
  /**
   * A process run whose pid comes after start() returned (the daemon's spawner process: a round trip
   * later): `listener` gets it once, before any of the run's output; never when the process did not
   * start (then `done` says why). Absent: `pid` is final when start() returns.
   */
  whenPid?(listener: (pid: number) => void): void;
  /** Resolves when the run is over, whatever happened. Never rejects. */
  readonly done: Promise<RunOutcome>;
  /** Stop the run: SIGTERM to the process group (or abort for functions), SIGKILL after `kill-after`. */
  cancel(reason: CancelReason): void;
  /**
   * In-process function runs only (runner/function.ts): enter the task's function now, in the
   * caller's turn, rather than in the microtask the runner queued for it (a second call, or that
   * microtask after this, does nothing). Returns the outcome when the function returned (not a
   * promise) or threw, so the caller can finish the run without a promise; else undefined, and
   * `done` settles when the function's promise does.
   */
  enter?(): RunOutcome | undefined;
}

/** Which of a task's streams a chunk came from (a JS task's ctx.log and console.log are `stdout`). */
export type OutputStream = 'stdout' | 'stderr';

/**
 * Called with each chunk of output as it arrives (for `logs --follow`, `run-now --wait`, `exec`),
 * as the bytes the task wrote. The chunk is the pipe's own Buffer, often a slice of a larger
 * allocation: use it during the call (write it, copy it into a ring), never keep it.
 */
export type OutputListener = (chunk: Buffer, stream: OutputStream) => void;

/** Starts runs. Implemented by runner/runner.ts; faked in engine tests. */
export interface Runner {
  start(request: RunRequest, onOutput?: OutputListener): RunHandle;
  /** Optional (the daemon's spawner): runs whose starts can be held and sent in one write. */
  readonly batcher?: RunBatcher;
}

/**
 * Runs started together reach the daemon's spawner in one write (spawner-client.ts `together`). The
 * engine starts a turn's held runs inside `together`, commits their journal rows in `beforeWrite`,
 * then the write goes: a kill leaves no committed row, or the spawner with every request, with
 * only the commit's return and the write's own JS between them. Runs of other tasks start after the commit.
 */
export interface RunBatcher {
  /** Whether start() of this task's runs only builds a request that `together` holds until its write. */
  holds(task: TaskSpec): boolean;
  /** Run `work` (held requests kept), then `beforeWrite`, then send the held requests in one write. */
  together(work: () => void, beforeWrite: () => void): void;
}
