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
 */
import type { Clock } from '../engine/clock.js';
import type { TaskContext } from '../task-context.js';
import { createFailedHandle, startJsRun, type JsRun, type JsRunHooks } from './js-run.js';
import { defaultRunClock } from './lifecycle.js';
import { createTaskContext, describeThrown, pickContextFields, toJsonResult, type Settlement } from './task-context.js';
import type { OutputListener, RunHandle, RunOutcome, RunRequest } from './types.js';

/** A function has nothing to deliver a stop to but its signal, and nothing to clean up. */
const FUNCTION_HOOKS: JsRunHooks = { kind: 'function', onStop: () => undefined, cleanUp: null };

/** The settlement of a function that returned undefined, the common case: shared, not made per run. */
const RETURNED_NOTHING: Settlement = { ok: true, value: undefined, note: null };

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
    const run = startJsRun(request, onOutput, FUNCTION_HOOKS, clock);
    const ctx = createTaskContext(pickContextFields(request, null), () => run.signal, {
      writeLine: (line) => run.write(`${line}\n`),
      handle: request.handle,
    });
    const handle = new FunctionRunHandle(run, action.fn, ctx);
    if (request.callerEnters !== true) enterLater(handle);
    return handle;
  } catch (error) {
    const { message, detail } = describeThrown(error);
    return createFailedHandle(message, detail);
  }
}

/** The handle of one function run: a class, so a run allocates one object for it, not a closure per method. */
class FunctionRunHandle implements RunHandle {
  readonly pid = null;
  readonly #run: JsRun;
  readonly #fn: (ctx: TaskContext) => unknown;
  readonly #ctx: TaskContext;
  #entered = false;

  constructor(run: JsRun, fn: (ctx: TaskContext) => unknown, ctx: TaskContext) {
    this.#run = run;
    this.#fn = fn;
    this.#ctx = ctx;
  }

  get done(): Promise<RunOutcome> {
    return this.#run.done;
  }

  cancel(reason: Parameters<RunHandle['cancel']>[0]): void {
    this.#run.cancel(reason);
  }

  enter(): RunOutcome | undefined {
    if (this.#entered) return undefined;
    this.#entered = true;
    const run = this.#run;
    let value: unknown;
    try {
      value = this.#fn(this.#ctx);
    } catch (thrown) {
      run.settle({ ok: false, ...describeThrown(thrown) });
      return run.outcome;
    }
    if (isThenable(value)) {
      // Promise.resolve adopts any thenable; its rejection is the run's failure like a throw.
      Promise.resolve(value).then(
        (settled) => run.settle({ ok: true, ...toJsonResult(settled) }),
        (thrown: unknown) => run.settle({ ok: false, ...describeThrown(thrown) }),
      );
      return undefined;
    }
    run.settle(value === undefined ? RETURNED_NOTHING : { ok: true, ...toJsonResult(value) });
    return run.outcome;
  }
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
