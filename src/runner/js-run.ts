/**
 * The parent side of a JS run, function or module (DESIGN.md "Runs"): bounded output, the
 * lifecycle (timeout, stop, abandon after kill-after) and one outcome. What differs between the
 * two kinds comes in as hooks.
 */
import type { Clock } from '../engine/clock.js';
import {
  createNotStartedHandle,
  startLifecycle,
  stoppedStatus,
  type LifecycleHooks,
  type RunLifecycle,
} from './lifecycle.js';
import { createOutputBuffer, type OutputBuffer } from './output-buffer.js';
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
export const NO_BYTES = Buffer.alloc(0);

type Ending = Pick<RunOutcome, 'status' | 'exitCode' | 'error' | 'result'>;

/** Start the bookkeeping of a JS run: output, timeout, cancel, and the single outcome. */
export function startJsRun(
  request: RunRequest,
  onOutput: OutputListener | undefined,
  hooks: JsRunHooks,
  clock: Clock,
  started?: { readonly at: number; readonly mono: number },
): JsRun {
  return new JsRunState(request, onOutput, hooks, clock, started);
}

/**
 * One JS run's state: a class, so that a run allocates one object and its lifecycle rather than a
 * closure per method (a function run's closures were ~2 KB a fire: bench scenario 1, issue 20).
 */
class JsRunState implements JsRun, LifecycleHooks {
  /** Made on the first write: most function runs print nothing (the buffer's closures were ~1 KB a run). */
  #output: OutputBuffer | null = null;
  readonly #outputLimitBytes: number;
  readonly #onOutput: OutputListener | undefined;
  readonly #hooks: JsRunHooks;
  readonly #life: RunLifecycle;
  // Made on first use: most function runs never look at their signal, and one per run was ~3 us.
  #controller: AbortController | null = null;
  #resolved = false;
  #outcome: RunOutcome | undefined = undefined;
  // The promise is made on first read (a synchronous function's run is finished without one).
  #done: Promise<RunOutcome> | null = null;
  #resolveDone: ((outcome: RunOutcome) => void) | null = null;

  constructor(
    request: RunRequest,
    onOutput: OutputListener | undefined,
    hooks: JsRunHooks,
    clock: Clock,
    started?: { readonly at: number; readonly mono: number },
  ) {
    this.#outputLimitBytes = request.outputLimitBytes;
    this.#onOutput = onOutput;
    this.#hooks = hooks;
    const { timeoutMs, killAfterMs } = request.task;
    this.#life = startLifecycle(
      { clock, timeoutMs, killAfterMs, startedAt: started?.at, startedMono: started?.mono },
      this,
    );
  }

  get done(): Promise<RunOutcome> {
    return (this.#done ??=
      this.#outcome !== undefined
        ? Promise.resolve(this.#outcome)
        : new Promise<RunOutcome>((resolve) => (this.#resolveDone = resolve)));
  }

  get outcome(): RunOutcome | undefined {
    return this.#outcome;
  }

  get signal(): AbortSignal {
    return this.#readController().signal;
  }

  write(chunk: string | Uint8Array, stream: OutputStream = 'stdout'): void {
    // An abandoned function may log on; once the outcome is out, nobody is listening.
    if (this.#resolved) return;
    (this.#output ??= createOutputBuffer(this.#outputLimitBytes)).write(chunk);
    const onOutput = this.#onOutput;
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
  }

  settle(settlement: Settlement): void {
    const life = this.#life;
    if (life.ended) return;
    if (settlement.ok && settlement.note !== null) this.write(`${settlement.note}\n`, 'stderr');
    if (!settlement.ok) this.write(`${settlement.detail}\n`, 'stderr');
    // A stop decides the status; the exit code still says whether the function returned or threw.
    const cause = life.stopCause;
    const status = cause !== null ? stoppedStatus(cause) : settlement.ok ? 'succeeded' : 'failed';
    const error = cause !== null || settlement.ok ? null : settlement.message;
    this.#finish({
      status,
      exitCode: settlement.ok ? 0 : 1,
      error,
      result: settlement.ok ? settlement.value : undefined,
    });
  }

  cancel(reason: CancelReason): void {
    this.#life.stop(reason);
  }

  /** LifecycleHooks: deliver the stop to the task. */
  deliver(cause: StopCause): void {
    this.#readController().abort(cause);
    try {
      this.#hooks.onStop(cause);
    } catch (thrown) {
      this.write(`taskkit: could not deliver the stop: ${describeThrown(thrown).message}\n`, 'stderr');
    }
  }

  /** LifecycleHooks: kill-after has passed with the task still going. */
  escalate(): void {
    const life = this.#life;
    life.recordAbandoned(this.#hooks.kind);
    this.#finish({ status: stoppedStatus(life.stopCause ?? 'cancel'), exitCode: null, error: null, result: undefined });
  }

  #readController(): AbortController {
    return (this.#controller ??= new AbortController());
  }

  #finish(ending: Ending): void {
    const { endedAt, stop } = this.#life.end();
    const resolveOutcome = (): void => {
      this.#resolved = true;
      const outcome = buildOutcome(ending, stop, this.#life.startedAt, endedAt, this.#output);
      this.#outcome = outcome;
      this.#resolveDone?.(outcome);
    };
    const { cleanUp } = this.#hooks;
    if (cleanUp === null) return resolveOutcome();
    cleanUp().then(resolveOutcome, (error: unknown) => {
      this.write(`taskkit: clean-up failed: ${describeThrown(error).message}\n`, 'stderr');
      resolveOutcome();
    });
  }
}

function buildOutcome(
  ending: Ending,
  stop: RunStop | null,
  startedAt: number,
  endedAt: number,
  output: OutputBuffer | null,
): RunOutcome {
  const outcome: RunOutcome = {
    status: ending.status,
    exitCode: ending.exitCode,
    signal: null,
    startedAt,
    endedAt,
    // Most function runs print nothing: no buffer, no Buffer.concat for them.
    output: output === null || output.totalBytes === 0 ? NO_BYTES : output.bytes(),
    outputTruncated: output?.truncated ?? false,
    outputBytes: output?.totalBytes ?? 0,
    stop,
    error: ending.error,
  };
  // `result` only when the function returned something (absent, not undefined, otherwise).
  return ending.result === undefined ? outcome : { ...outcome, result: ending.result };
}

/** The handle of a run taskkit itself could not start (wrong action kind, no worker): failed, never started. */
export function createFailedHandle(message: string, detail: string = message, clock?: Clock): RunHandle {
  return createNotStartedHandle(
    clock?.now() ?? Date.now(),
    `taskkit could not start the run: ${message}`,
    Buffer.from(`${detail}\n`),
  );
}
