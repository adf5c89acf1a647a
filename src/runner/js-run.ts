/**
 * The parent side of a JS run, function or module (DESIGN.md "Runs"): bounded output, the
 * lifecycle (timeout, stop, abandon after kill-after) and one outcome. What differs between the
 * two kinds comes in as hooks.
 */
import type { Clock } from '../engine/clock.js';
import { createNotStartedHandle, startLifecycle, stoppedStatus } from './lifecycle.js';
import { createOutputBuffer } from './output-buffer.js';
import { describeThrown, type Settlement } from './task-context.js';
import type {
  CancelReason,
  OutputListener,
  OutputStream,
  RunHandle,
  RunOutcome,
  RunRequest,
  RunStop,
  StopCause,
} from './types.js';

/** What differs between the two kinds of JS run. */
export interface JsRunHooks {
  /** What kill-after does to a task still going: leave a function behind, terminate a module's worker. */
  readonly kind: 'function' | 'module';
  /** Deliver the stop to the task (the parent's own AbortSignal is aborted already). */
  readonly onStop: (cause: StopCause) => void;
  /**
   * Runs before `done` resolves, whatever happened (modules: terminate the worker). null: nothing
   * to clean up (functions), so a run that settles synchronously has its outcome at once.
   */
  readonly cleanUp: (() => Promise<void>) | null;
}

/** The parent side of a JS run; its handle is `{ pid: null, done, cancel }`. */
export interface JsRun {
  /** Made on first read: a function run that settles synchronously is read through `outcome`. */
  readonly done: Promise<RunOutcome>;
  /** The outcome once the run is over, else undefined. */
  readonly outcome: RunOutcome | undefined;
  readonly signal: AbortSignal;
  /**
   * Append to the output (bounded; text as UTF-8, bytes as they are) and pass it to the listener.
   * taskkit's own lines about the run go to `stderr`, as a process task's errors would.
   */
  write(chunk: string | Uint8Array, stream?: OutputStream): void;
  /** The task function returned or threw (ignored once the run ended). */
  settle(settlement: Settlement): void;
  cancel(reason: CancelReason): void;
}

/** The output of a run that printed nothing: shared, a zero-length Buffer has no byte to change. */
const NO_BYTES = Buffer.alloc(0);

type Ending = Pick<RunOutcome, 'status' | 'exitCode' | 'error' | 'result'>;

/** Start the bookkeeping of a JS run: output, timeout, cancel, and the single outcome. */
export function startJsRun(
  request: RunRequest,
  onOutput: OutputListener | undefined,
  hooks: JsRunHooks,
  clock: Clock,
): JsRun {
  const output = createOutputBuffer(request.outputLimitBytes);
  // Made on first use: most function runs never look at their signal, and one per run was ~3 us.
  let controller: AbortController | null = null;
  const readController = (): AbortController => (controller ??= new AbortController());
  let resolved = false;
  let outcome: RunOutcome | undefined;
  // The promise is made on first read (a synchronous function's run is finished without one).
  let done: Promise<RunOutcome> | null = null;
  let resolveDone: ((outcome: RunOutcome) => void) | null = null;
  const readDone = (): Promise<RunOutcome> =>
    (done ??=
      outcome !== undefined ? Promise.resolve(outcome) : new Promise<RunOutcome>((resolve) => (resolveDone = resolve)));

  const write = (chunk: string | Uint8Array, stream: OutputStream = 'stdout'): void => {
    // An abandoned function may log on; once the outcome is out, nobody is listening.
    if (resolved) return;
    output.write(chunk);
    if (onOutput === undefined) return;
    try {
      const bytes =
        typeof chunk === 'string'
          ? Buffer.from(chunk, 'utf8')
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
      if (bytes.length > 0) onOutput(bytes, stream);
    } catch {
      // A broken listener (a closed `logs --follow` client) must not fail the task.
    }
  };

  const finish = (ending: Ending): void => {
    const { endedAt, stop } = life.end();
    const resolveOutcome = (): void => {
      resolved = true;
      outcome = buildOutcome(ending, stop, life.startedAt, endedAt, output);
      resolveDone?.(outcome);
    };
    if (hooks.cleanUp === null) return resolveOutcome();
    hooks.cleanUp().then(resolveOutcome, (error: unknown) => {
      write(`taskkit: clean-up failed: ${describeThrown(error).message}\n`, 'stderr');
      resolveOutcome();
    });
  };

  const life = startLifecycle(
    { clock, timeoutMs: request.task.timeoutMs, killAfterMs: request.task.killAfterMs },
    {
      deliver: (cause) => {
        readController().abort(cause);
        try {
          hooks.onStop(cause);
        } catch (thrown) {
          write(`taskkit: could not deliver the stop: ${describeThrown(thrown).message}\n`, 'stderr');
        }
      },
      escalate: () => {
        life.recordAbandoned(hooks.kind);
        finish({ status: stoppedStatus(life.stopCause ?? 'cancel'), exitCode: null, error: null, result: undefined });
      },
    },
  );

  return {
    get done() {
      return readDone();
    },
    get outcome() {
      return outcome;
    },
    get signal() {
      return readController().signal;
    },
    write,
    settle(settlement) {
      if (life.ended) return;
      if (settlement.ok && settlement.note !== null) write(`${settlement.note}\n`, 'stderr');
      if (!settlement.ok) write(`${settlement.detail}\n`, 'stderr');
      // A stop decides the status; the exit code still says whether the function returned or threw.
      const cause = life.stopCause;
      const status = cause !== null ? stoppedStatus(cause) : settlement.ok ? 'succeeded' : 'failed';
      const error = cause !== null || settlement.ok ? null : settlement.message;
      finish({ status, exitCode: settlement.ok ? 0 : 1, error, result: settlement.ok ? settlement.value : undefined });
    },
    cancel: (reason) => void life.stop(reason),
  };
}

function buildOutcome(
  ending: Ending,
  stop: RunStop | null,
  startedAt: number,
  endedAt: number,
  output: ReturnType<typeof createOutputBuffer>,
): RunOutcome {
  return {
    status: ending.status,
    exitCode: ending.exitCode,
    signal: null,
    startedAt,
    endedAt,
    // Most function runs print nothing: no Buffer.concat for them.
    output: output.totalBytes === 0 ? NO_BYTES : output.bytes(),
    outputTruncated: output.truncated,
    outputBytes: output.totalBytes,
    stop,
    error: ending.error,
    ...(ending.result === undefined ? {} : { result: ending.result }),
  };
}

/** The handle of a run taskkit itself could not start (wrong action kind, no worker): failed, never started. */
export function createFailedHandle(message: string, detail: string = message, clock?: Clock): RunHandle {
  return createNotStartedHandle(
    clock?.now() ?? Date.now(),
    `taskkit could not start the run: ${message}`,
    Buffer.from(`${detail}\n`),
  );
}
