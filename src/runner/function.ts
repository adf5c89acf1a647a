/**
 * Library API tasks whose `run` is a JS function, called in this process. Nothing can stop a
 * function that ignores its signal, so on timeout or cancel the run ends after kill-after anyway
 * and the function is abandoned (DESIGN.md "Runs"; modules run in a worker for that reason).
 *
 * The function is entered by `enter()`, which the engine calls as soon as it holds the handle (bench
 * scenario 1, issue 20: a due function is entered within microseconds, and one that returns without
 * a promise is over at once, with no promise or microtask, so the next due one need not wait for it).
 * A caller that does not say it calls `enter()` (RunRequest.callerEnters) gets the function called
 * from a microtask, as before: either way the caller holds the handle (and can cancel) before any
 * task code runs.
 *
 * A run allocates its handle and its ctx (function-context.ts); the rest is made on first need: the
 * JS run's state (js-run.ts: output, lifecycle, signal) when the function writes, reads its signal,
 * returns a promise, throws, is cancelled or has a timeout. A function that returns a value without
 * any of these ends with its outcome built here, as js-run.ts would have built it.
 */
import type { Clock } from '../engine/clock.js';
import type { TaskContext } from '../task-context.js';
import { FunctionContext, type FunctionRunState } from './function-context.js';
import { createFailedHandle, NO_BYTES, startJsRun, type JsRun, type JsRunHooks } from './js-run.js';
import { defaultRunClock } from './lifecycle.js';
import { describeThrown, toJsonResult, type Settlement } from './task-context.js';
import type { CancelReason, OutputListener, OutputStream, RunHandle, RunOutcome, RunRequest } from './types.js';

/** A function has nothing to deliver a stop to but its signal, and nothing to clean up. */
const FUNCTION_HOOKS: JsRunHooks = { kind: 'function', onStop: () => undefined, cleanUp: null };

/** The settlement of a function that returned undefined, the common case: shared, not made per run. */
const RETURNED_NOTHING: Returned = { ok: true, value: undefined, note: null };

/** An outcome this file fills in before anyone sees it. */
type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** The settlement of a function that returned. */
type Returned = Extract<Settlement, { ok: true }>;

/** Start one run of a function task; never throws, and `done` never rejects. */
export function startFunctionRun(
  request: RunRequest,
  onOutput?: OutputListener,
  clock: Clock = defaultRunClock(),
): RunHandle {
  const { action } = request.task;
  if (action.kind !== 'function')
    return createFailedHandle(`task "${request.task.name}" runs a ${action.kind}, not a function`);
  try {
    const handle = new FunctionRunHandle(request, onOutput, clock, action.fn);
    if (request.callerEnters !== true) enterLater(handle);
    return handle;
  } catch (error) {
    const { message, detail } = describeThrown(error);
    return createFailedHandle(message, detail);
  }
}

/** The handle of one function run: a class, so a run allocates one object for it, not a closure per method. */
class FunctionRunHandle implements RunHandle, FunctionRunState {
  readonly pid = null;
  readonly #request: RunRequest;
  readonly #onOutput: OutputListener | undefined;
  readonly #clock: Clock;
  readonly #fn: (ctx: TaskContext) => unknown;
  readonly #ctx: FunctionContext;
  #startedAt: number;
  #startedMono: number;
  /** The JS run's state, made on first need (see the header). */
  #run: JsRun | null = null;
  /** The outcome of a run that ended without its JS run's state. */
  #outcome: RunOutcome | undefined = undefined;
  /** Made ahead (RunRequest.startsAtEntry): the outcome of a plain return, made ahead too, its instants blank. */
  readonly #outcomeAhead: Writable<RunOutcome> | null;
  /** Made ahead with a timeout, armed at entry: read now, so that entering reads nothing of the task's definition. */
  readonly #timeoutAtEntry: boolean;
  #done: Promise<RunOutcome> | null = null;
  #entered = false;

  constructor(
    request: RunRequest,
    onOutput: OutputListener | undefined,
    clock: Clock,
    fn: (ctx: TaskContext) => unknown,
  ) {
    this.#request = request;
    this.#onOutput = onOutput;
    this.#clock = clock;
    this.#fn = fn;
    // A handle made ahead reads its start at entry (enter()): no clock reads here, 10,000 per booking.
    const ahead = request.startsAtEntry === true;
    this.#startedAt = ahead ? NaN : clock.now();
    this.#startedMono = ahead ? NaN : clock.monotonic();
    this.#ctx = new FunctionContext(request, this);
    // Entering then allocates nothing but what the task's code does (issue 20: no scavenge among 10,000 entries).
    this.#outcomeAhead = ahead ? returnedOutcome(NaN, NaN, undefined) : null;
    // A timeout runs from the start: its timer is armed now, or at entry for a handle made ahead.
    this.#timeoutAtEntry = ahead && request.task.timeoutMs !== null;
    if (request.task.timeoutMs !== null && !ahead) this.#jsRun();
  }

  get done(): Promise<RunOutcome> {
    const outcome = this.#outcome;
    return (this.#done ??= outcome !== undefined ? Promise.resolve(outcome) : this.#jsRun().done);
  }

  cancel(reason: CancelReason): void {
    if (this.#outcome === undefined) this.#jsRun().cancel(reason);
  }

  enter(): RunOutcome | undefined {
    if (this.#entered) return undefined;
    this.#entered = true;
    if (this.#outcomeAhead !== null && this.#run === null) {
      // The start the caller read as it entered (one clock read per entry: 10,000 due at once).
      this.#startedAt = this.#request.startedAt ?? this.#clock.now();
      // The monotonic start, read when the JS run is made (#jsRun): a run that returns needs none.
      this.#startedMono = NaN;
      if (this.#timeoutAtEntry) this.#jsRun();
    }
    let value: unknown;
    try {
      value = this.#fn(this.#ctx);
    } catch (thrown) {
      const run = this.#jsRun();
      run.settle({ ok: false, ...describeThrown(thrown) });
      return run.outcome;
    }
    if (isThenable(value)) {
      const run = this.#jsRun();
      // Promise.resolve adopts any thenable; its rejection is the run's failure like a throw.
      Promise.resolve(value).then(
        (settled) => run.settle({ ok: true, ...toJsonResult(settled) }),
        (thrown: unknown) => run.settle({ ok: false, ...describeThrown(thrown) }),
      );
      return undefined;
    }
    const settlement: Returned = value === undefined ? RETURNED_NOTHING : { ok: true, ...toJsonResult(value) };
    const run = this.#run;
    if (run !== null || settlement.note !== null) {
      const settled = run ?? this.#jsRun();
      settled.settle(settlement);
      return settled.outcome;
    }
    const endedAt = this.#clock.now();
    const ahead = this.#outcomeAhead;
    if (ahead === null || settlement.value !== undefined)
      return (this.#outcome = returnedOutcome(this.#startedAt, endedAt, settlement.value));
    ahead.startedAt = this.#startedAt;
    ahead.endedAt = endedAt;
    return (this.#outcome = ahead);
  }

  // FunctionRunState: what the ctx reaches through.
  get signal(): AbortSignal {
    return this.#jsRun().signal;
  }

  write(chunk: string, stream?: OutputStream): void {
    // An abandoned or finished function may log on; once the outcome is out, nobody is listening.
    if (this.#outcome === undefined) this.#jsRun().write(chunk, stream);
  }

  #jsRun(): JsRun {
    // A handle made ahead and reached before its entry (no such path today) starts now.
    if (Number.isNaN(this.#startedAt)) this.#startedAt = this.#clock.now();
    return (this.#run ??= startJsRun(this.#request, this.#onOutput, FUNCTION_HOOKS, this.#clock, {
      at: this.#startedAt,
      mono: this.#monotonicStart(),
    }));
  }

  /** The monotonic instant of the start; not read at entry: now, less the wall time since the start. */
  #monotonicStart(): number {
    const clock = this.#clock;
    if (Number.isNaN(this.#startedMono)) this.#startedMono = clock.monotonic() - (clock.now() - this.#startedAt);
    return this.#startedMono;
  }
}

/** What js-run.ts makes of a function that returned `result` with no output and no stop. */
function returnedOutcome(startedAt: number, endedAt: number, result: unknown): Writable<RunOutcome> {
  const outcome: Writable<RunOutcome> = {
    status: 'succeeded',
    exitCode: 0,
    signal: null,
    startedAt,
    endedAt,
    output: NO_BYTES,
    outputTruncated: false,
    outputBytes: 0,
    stop: null,
    error: null,
  };
  return result === undefined ? outcome : { ...outcome, result };
}

/**
 * The fallback entry, for a caller that does not call enter(): one microtask per turn enters every
 * function started in it, in order (one microtask and no closure per run).
 */
let toEnter: FunctionRunHandle[] = [];

function enterLater(handle: FunctionRunHandle): void {
  if (toEnter.length === 0) queueMicrotask(enterQueued);
  toEnter.push(handle);
}

function enterQueued(): void {
  const handles = toEnter;
  toEnter = [];
  for (const handle of handles) handle.enter();
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
