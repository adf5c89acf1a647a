/**
 * Library API tasks whose `run` is a JS function, called in this process. Nothing can stop a
 * function that ignores its signal, so on timeout or cancel the run ends after kill-after anyway
 * and the function is abandoned (DESIGN.md "Runs"; modules run in a worker for that reason).
 */
import type { Clock } from '../engine/clock.js';
import { createFailedHandle, startJsRun } from './js-run.js';
import { defaultRunClock } from './lifecycle.js';
import { createTaskContext, describeThrown, pickContextFields, toJsonResult } from './task-context.js';
import type { OutputListener, RunHandle, RunRequest } from './types.js';

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
    const run = startJsRun(
      request,
      onOutput,
      { kind: 'function', onStop: () => undefined, cleanUp: () => Promise.resolve() },
      clock,
    );
    const ctx = createTaskContext(pickContextFields(request, null), () => run.signal, {
      writeLine: (line) => run.write(`${line}\n`),
      handle: request.handle,
    });
    // Called from a microtask, so the caller holds the handle (and can cancel) before any task code
    // runs, and a synchronous throw becomes a rejection like any other.
    Promise.resolve()
      .then(() => action.fn(ctx))
      .then(
        (value) => run.settle({ ok: true, ...toJsonResult(value) }),
        (thrown: unknown) => run.settle({ ok: false, ...describeThrown(thrown) }),
      );
    return { pid: null, done: run.done, cancel: (reason) => run.cancel(reason) };
  } catch (error) {
    const { message, detail } = describeThrown(error);
    return createFailedHandle(message, detail);
  }
}
