/**
 * The one call into the runner, guarded (engine brief, runner contract): `done` should never
 * reject, but a runner that throws from start(), returns no handle, rejects `done` or resolves it
 * with garbage must still give a 'failed' outcome with the message, never an unhandled rejection.
 */
import type { CancelReason, OutputListener, RunOutcome, RunRequest, Runner } from '../runner/types.js';
import type { Instant } from '../schedule/types.js';

export interface LaunchedRun {
  /** The leader's pid, or null (function and module tasks, or the runner failed). */
  readonly pid: number | null;
  /** Always resolves, always to an outcome. */
  readonly done: Promise<RunOutcome>;
  cancel(reason: CancelReason): void;
}

/** Start `request` on `runner`; whatever the runner does, the result is well-formed. */
export function launchRun(
  runner: Runner,
  request: RunRequest,
  onOutput: OutputListener,
  now: () => Instant,
): LaunchedRun {
  const startedAt = now();
  try {
    const handle = runner.start(request, onOutput);
    const done = Promise.resolve(handle.done).then(
      (outcome) => (isOutcome(outcome) ? outcome : describeRunnerFault('the runner gave no outcome', startedAt, now())),
      (error: unknown) => describeRunnerFault(error, startedAt, now()),
    );
    return { pid: typeof handle.pid === 'number' ? handle.pid : null, done, cancel: (reason) => handle.cancel(reason) };
  } catch (error) {
    // Settle on a later tick like any run, so that no retry or on-failure chain re-enters here.
    return { pid: null, done: Promise.resolve(describeRunnerFault(error, startedAt, now())), cancel: () => {} };
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
