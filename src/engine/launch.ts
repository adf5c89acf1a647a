/**
 * The one call into the runner, guarded (engine brief, runner contract): `done` should never
 * reject, but a runner that throws from start(), returns no handle, rejects `done` or resolves it
 * with garbage must still give a 'failed' outcome with the message, never an unhandled rejection.
 */
import type { CancelReason, OutputListener, RunHandle, RunOutcome, RunRequest, Runner } from '../runner/types.js';
import type { Instant } from '../schedule/types.js';

export interface LaunchedRun {
  /** The leader's pid, or null (function and module tasks, the runner failed, or not known yet). */
  readonly pid: number | null;
  /** True when the pid comes later, through whenPid (runner/types.ts RunHandle.whenPid). */
  readonly pidPending?: boolean;
  whenPid?(listener: (pid: number) => void): void;
  /** Always resolves, always to an outcome. Made on first read: a run whose enter() ended it needs none. */
  readonly done: Promise<RunOutcome>;
  cancel(reason: CancelReason): void;
  /**
   * A function run (runner/function.ts): enter the task's code now; the outcome if it is over
   * already (returned without a promise, or threw), else undefined (then `done` settles). Runs that
   * have no such entry (processes, modules) return undefined at once.
   */
  enter(): RunOutcome | undefined;
}

/**
 * Start `request` on `runner` for a caller that guards the handle itself (enterHandle, guardedDone):
 * the fast path's run (fast-run.ts), which is the launch, so that a fire reaches one object less.
 * A throw becomes a handle whose `done` says so.
 */
export function startRun(runner: Runner, request: RunRequest, onOutput: OutputListener, now: () => Instant): RunHandle {
  try {
    return runner.start(request, onOutput);
  } catch (error) {
    const at = now();
    return { pid: null, done: Promise.resolve(describeRunnerFault(error, at, at)), cancel: () => {} };
  }
}

/** `handle`'s enter() as GuardedRun's: a throw, or an outcome that is not one, is a failed outcome. */
export function enterHandle(handle: RunHandle, startedAt: Instant, now: () => Instant): RunOutcome | undefined {
  if (handle.enter === undefined) return undefined;
  try {
    const outcome = handle.enter();
    return outcome === undefined ? undefined : checkedOutcome(outcome, startedAt, now);
  } catch (error) {
    return describeRunnerFault(error, startedAt, now());
  }
}

/** `handle`'s done as GuardedRun's: always resolves, always to an outcome. */
export function guardedDone(handle: RunHandle, startedAt: () => Instant, now: () => Instant): Promise<RunOutcome> {
  return Promise.resolve(handle.done).then(
    (outcome) => checkedOutcome(outcome, startedAt(), now),
    (error: unknown) => describeRunnerFault(error, startedAt(), now()),
  );
}

function checkedOutcome(outcome: unknown, startedAt: Instant, now: () => Instant): RunOutcome {
  return isOutcome(outcome) ? outcome : describeRunnerFault('the runner gave no outcome', startedAt, now());
}

/** Start `request` on `runner`; whatever the runner does, the result is well-formed. */
export function launchRun(
  runner: Runner,
  request: RunRequest,
  onOutput: OutputListener,
  now: () => Instant,
): LaunchedRun {
  // A run made ahead starts at its entry (its request's startedAt then): no clock read now.
  const ahead = request.startsAtEntry === true;
  const startedAt = ahead ? NaN : now();
  try {
    return new GuardedRun(runner.start(request, onOutput), startedAt, now, ahead ? request : null);
  } catch (error) {
    // Settle on a later tick like any run, so that no retry or on-failure chain re-enters here.
    const endedAt = now();
    const done = Promise.resolve(describeRunnerFault(error, Number.isNaN(startedAt) ? endedAt : startedAt, endedAt));
    return { pid: null, done, cancel: () => {}, enter: () => undefined };
  }
}

/** A runner's handle, guarded: an outcome that is not one, a throw or a rejection becomes a failed outcome. */
class GuardedRun implements LaunchedRun {
  readonly pid: number | null;
  readonly pidPending: boolean;
  readonly #handle: RunHandle;
  readonly #startedAt: Instant;
  readonly #now: () => Instant;
  /** A request made ahead of its run (RunRequest.startsAtEntry), which starts when entered; else null. */
  readonly #entered: RunRequest | null;
  #done: Promise<RunOutcome> | null = null;

  constructor(handle: RunHandle, startedAt: Instant, now: () => Instant, entered: RunRequest | null) {
    this.#handle = handle;
    this.#startedAt = startedAt;
    this.#now = now;
    this.#entered = entered;
    this.pid = typeof handle.pid === 'number' ? handle.pid : null;
    this.pidPending = this.pid === null && typeof handle.whenPid === 'function';
  }

  whenPid(listener: (pid: number) => void): void {
    this.#handle.whenPid?.((pid) => {
      if (typeof pid === 'number') listener(pid);
    });
  }

  get done(): Promise<RunOutcome> {
    return (this.#done ??= guardedDone(this.#handle, () => this.#start(), this.#now));
  }

  cancel(reason: CancelReason): void {
    this.#handle.cancel(reason);
  }

  enter(): RunOutcome | undefined {
    if (this.#handle.enter === undefined) return undefined;
    try {
      const outcome = this.#handle.enter();
      return outcome === undefined ? undefined : checkedOutcome(outcome, this.#start(), this.#now);
    } catch (error) {
      // A runner whose entry throws: the run is over, failed, and `done` says the same.
      const outcome = describeRunnerFault(error, this.#start(), this.#now());
      this.#done = Promise.resolve(outcome);
      return outcome;
    }
  }

  /** When the run started: at its entry for a request made ahead. */
  #start(): Instant {
    return this.#entered?.startedAt ?? this.#startedAt;
  }
}

/** The outcome of a run the runner could not start or lost track of. */
export function describeRunnerFault(error: unknown, startedAt: Instant, endedAt: Instant): RunOutcome {
  return {
    status: 'failed',
    exitCode: null,
    signal: null,
    startedAt,
    endedAt,
    output: Buffer.alloc(0),
    outputTruncated: false,
    outputBytes: 0,
    stop: null,
    error: describeError(error),
  };
}

/** The message of whatever was thrown. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isOutcome(value: unknown): value is RunOutcome {
  return typeof value === 'object' && value !== null && typeof (value as { status?: unknown }).status === 'string';
}
