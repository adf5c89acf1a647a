/**
 * What in-process function runs and worker-thread module runs share: the `TaskContext` a task
 * function receives (built in this process for functions, inside the worker for modules), the
 * words for thrown values and kept results, and the parent-side life of a JS run (bounded output,
 * timeout and cancel with kill-after, one outcome). DESIGN.md "Runs".
 */
import { format, inspect } from 'node:util';
import { formatDuration } from '../schedule/duration.js';
import type { TaskContext, TaskHandle, Trigger } from '../task-context.js';
import { createOutputBuffer } from './output-buffer.js';
import type { CancelReason, OutputListener, RunHandle, RunOutcome, RunOutcomeStatus, RunRequest } from './types.js';

/** Why a JS run's signal was aborted; the AbortSignal's `reason`. */
export type StopReason = 'timeout' | CancelReason;

/** The plain fields of a context: what a worker needs to build one (structured-clone safe). */
export interface ContextFields {
  readonly name: string;
  readonly runId: number;
  readonly args: unknown;
  readonly scheduledAt: number | null;
  readonly trigger: Trigger;
  readonly attempt: number;
}

/** The context fields of a run; `args` is the module's `args:`, null for functions. */
export function pickContextFields(request: RunRequest, args: unknown): ContextFields {
  const { runId, task, scheduledAt, trigger, attempt } = request;
  return { name: task.name, runId, args, scheduledAt, trigger, attempt };
}

/** Where a context's effects go. `sync` runs before every stop check (the worker reads shared memory there). */
export interface ContextSinks {
  readonly writeLine: (line: string) => void;
  readonly handle: TaskHandle;
  readonly sync?: () => void;
}

/** Build the ctx a task function is called with. */
export function createTaskContext(fields: ContextFields, signal: AbortSignal | (() => AbortSignal), sinks: ContextSinks): TaskContext {
  // A function: a run's AbortController is made only when the task asks for its signal (or is stopped).
  const readSignal = typeof signal === 'function' ? signal : () => signal;
  const sync = sinks.sync ?? (() => undefined);
  // Fields written out, not spread: a spread followed by a getter made every ctx a slow
  // dictionary object, a measurable share of a function run's cost.
  return {
    name: fields.name,
    runId: fields.runId,
    args: fields.args,
    scheduledAt: fields.scheduledAt,
    trigger: fields.trigger,
    attempt: fields.attempt,
    // A getter, so that a synchronous loop reading ctx.signal.aborted sees a stop the worker's
    // event loop has not delivered yet.
    get signal() {
      sync();
      return readSignal();
    },
    proceed: () => {
      sync();
      return !readSignal().aborted;
    },
    log: (...values: unknown[]) => sinks.writeLine(format(...values)),
    handle: sinks.handle,
  };
}

/** A thrown value as one-line `message` (the run's error) and `detail` (the stack, for the output). */
export function describeThrown(thrown: unknown): { message: string; detail: string } {
  if (thrown instanceof Error) {
    const message = thrown.message === '' ? thrown.name : thrown.message;
    return { message, detail: thrown.stack ?? `${thrown.name}: ${message}` };
  }
  const shown = typeof thrown === 'string' ? thrown : inspect(thrown);
  return { message: shown, detail: `thrown: ${inspect(thrown)}` };
}

/** A returned value as what the store keeps: its JSON round trip, or a note on why nothing is kept. */
export function toJsonResult(value: unknown): { value: unknown; note: string | null } {
  if (value === undefined) return { value: undefined, note: null };
  try {
    const json = JSON.stringify(value);
    if (json === undefined) return { value: undefined, note: `taskkit: result not kept: a ${typeof value} is not JSON-serialisable` };
    return { value: JSON.parse(json) as unknown, note: null };
  } catch (error) {
    const reason = describeThrown(error).message.split('\n')[0];
    return { value: undefined, note: `taskkit: result not kept: not JSON-serialisable (${reason})` };
  }
}

/** How the task function ended: returned (value already JSON-safe) or threw. */
export type Settlement =
  | { readonly ok: true; readonly value: unknown; readonly note: string | null }
  | { readonly ok: false; readonly message: string; readonly detail: string };

/** What differs between the two kinds of JS run. */
export interface JsRunHooks {
  /** "function" or "module", for the abandon message. */
  readonly subject: string;
  /** What happens when kill-after expires: "was abandoned" (functions) or "its worker was terminated". */
  readonly abandonedAs: string;
  /** Deliver the stop to the task (the parent's own AbortSignal is aborted already). */
  readonly onStop: (reason: StopReason) => void;
  /** Runs before `done` resolves, whatever happened (modules: terminate the worker). */
  readonly cleanUp: () => Promise<void>;
}

/** The parent side of a JS run; its handle is `{ pid: null, done, cancel }`. */
export interface JsRun {
  readonly done: Promise<RunOutcome>;
  readonly signal: AbortSignal;
  /** Append text to the output (bounded) and pass it to the listener. */
  write(text: string): void;
  /** The task function returned or threw (ignored once the run ended). */
  settle(settlement: Settlement): void;
  cancel(reason: CancelReason): void;
}

const CANCEL_WORDS: Readonly<Record<CancelReason, string>> = {
  cancel: 'cancelled by taskkit cancel',
  replace: 'replaced by a new run',
  shutdown: 'stopped by shutdown',
};

/** Start the bookkeeping of a JS run: output, timeout timer, cancel, and the single outcome. */
export function startJsRun(request: RunRequest, onOutput: OutputListener | undefined, hooks: JsRunHooks): JsRun {
  const startedAt = Date.now();
  const output = createOutputBuffer(request.outputLimitBytes);
  // Made on first use: most function runs never look at their signal, and one per run was ~3 us.
  let controller: AbortController | null = null;
  const readController = (): AbortController => (controller ??= new AbortController());
  const { timeoutMs, killAfterMs } = request.task;
  let stop: { status: RunOutcomeStatus; error: string } | null = null;
  let ended = false;
  let resolved = false;
  let timeoutTimer: NodeJS.Timeout | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  let resolveDone: (outcome: RunOutcome) => void = () => undefined;
  const done = new Promise<RunOutcome>((resolve) => (resolveDone = resolve));

  const write = (text: string): void => {
    // An abandoned function may log on; once the outcome is out, nobody is listening.
    if (resolved) return;
    output.write(text);
    try {
      onOutput?.(text);
    } catch {
      // A broken listener (a closed `logs --follow` client) must not fail the task.
    }
  };

  const finish = (fields: Pick<RunOutcome, 'status' | 'exitCode' | 'error' | 'result'>): void => {
    ended = true;
    clearTimeout(timeoutTimer);
    clearTimeout(killTimer);
    const resolveOutcome = (): void => {
      resolved = true;
      resolveDone({
        status: fields.status,
        exitCode: fields.exitCode,
        signal: null,
        startedAt,
        endedAt: Date.now(),
        output: output.text(),
        outputTruncated: output.truncated,
        outputBytes: output.totalBytes,
        error: fields.error,
        ...(fields.result === undefined ? {} : { result: fields.result }),
      });
    };
    hooks.cleanUp().then(resolveOutcome, (error: unknown) => {
      write(`taskkit: clean-up failed: ${describeThrown(error).message}\n`);
      resolveOutcome();
    });
  };

  const requestStop = (status: RunOutcomeStatus, reason: StopReason, error: string): void => {
    if (ended || stop !== null) return;
    stop = { status, error };
    clearTimeout(timeoutTimer);
    readController().abort(reason);
    try {
      hooks.onStop(reason);
    } catch (thrown) {
      write(`taskkit: could not deliver the stop: ${describeThrown(thrown).message}\n`);
    }
    killTimer = setTimeout(() => {
      if (ended || stop === null) return;
      const abandoned = `${stop.error}; the ${hooks.subject} did not return within kill-after ${formatDuration(killAfterMs)} and ${hooks.abandonedAs}`;
      finish({ status: stop.status, exitCode: null, error: abandoned, result: undefined });
    }, killAfterMs);
  };

  if (timeoutMs !== null) {
    timeoutTimer = setTimeout(() => requestStop('timed-out', 'timeout', `timed out after ${formatDuration(timeoutMs)}`), timeoutMs);
  }

  return {
    done,
    get signal() {
      return readController().signal;
    },
    write,
    settle(settlement) {
      if (ended) return;
      if (settlement.ok && settlement.note !== null) write(`${settlement.note}\n`);
      if (!settlement.ok) write(`${settlement.detail}\n`);
      // A stop decides the status; the exit code still says whether the function returned or threw.
      const status = stop?.status ?? (settlement.ok ? 'succeeded' : 'failed');
      const error = stop?.error ?? (settlement.ok ? null : settlement.message);
      finish({ status, exitCode: settlement.ok ? 0 : 1, error, result: settlement.ok ? settlement.value : undefined });
    },
    cancel(reason) {
      requestStop('cancelled', reason, CANCEL_WORDS[reason] ?? `cancelled (${String(reason)})`);
    },
  };
}

/** The handle of a run taskkit itself could not start (wrong action kind, no worker): failed, never started. */
export function createFailedHandle(message: string, detail: string = message): RunHandle {
  const now = Date.now();
  const output = `${detail}\n`;
  const outcome: RunOutcome = {
    status: 'failed',
    exitCode: null,
    signal: null,
    startedAt: now,
    endedAt: now,
    output,
    outputTruncated: false,
    outputBytes: Buffer.byteLength(output),
    error: `taskkit could not start the run: ${message}`,
  };
  return { pid: null, done: Promise.resolve(outcome), cancel: () => undefined };
}
