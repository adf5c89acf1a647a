/**
 * Tasks of kind 'module': a JS module's export, called in a worker_threads Worker so that a
 * timeout or cancel can really stop it (terminate) after kill-after. The worker is terminated
 * when the run ends, whatever happened: no worker outlives its run. DESIGN.md "Runs".
 */
import { finished } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import type { TaskHandle } from '../task-context.js';
import { buildRunEnvironment } from './environment.js';
import type { ModuleParentMessage, ModuleWorkerData, ModuleWorkerMessage } from './module-worker.js';
import type { Clock } from '../engine/clock.js';
import { createFailedHandle, startJsRun, type JsRun } from './js-run.js';
import { defaultRunClock } from './lifecycle.js';
import { describeThrown, pickContextFields } from './task-context.js';
import { STOP_CAUSES, type OutputListener, type RunHandle, type RunRequest } from './types.js';
import { resolveWorkerScript } from './worker-script.js';

/** Output a worker may have posted ahead of the parent before its writes wait. */
const OUTPUT_HIGH_WATER_BYTES = 1024 * 1024;
/** Bound on waiting for a terminated worker's stdio to end, so `done` always resolves. */
const STDIO_DRAIN_MS = 2000;

/** Start one run of a module task in its own worker thread; never throws, and `done` never rejects. */
export function startModuleRun(
  request: RunRequest,
  onOutput?: OutputListener,
  clock: Clock = defaultRunClock(),
): RunHandle {
  const { action } = request.task;
  if (action.kind !== 'module')
    return createFailedHandle(`task "${request.task.name}" runs a ${action.kind}, not a module`);
  try {
    const stopFlag = new Int32Array(new SharedArrayBuffer(4));
    const inFlight = new Int32Array(new SharedArrayBuffer(4));
    let worker: Worker | undefined;
    const run = startJsRun(
      request,
      onOutput,
      {
        kind: 'module',
        onStop: (reason) => {
          // The flag reaches a loop that never yields; the message aborts ctx.signal for async code.
          Atomics.store(stopFlag, 0, STOP_CAUSES.indexOf(reason) + 1);
          worker?.postMessage({ type: 'taskkit:stop', reason } satisfies ModuleParentMessage);
        },
        cleanUp: () => (worker === undefined ? Promise.resolve() : stopWorker(worker)),
      },
      clock,
    );
    const workerData: ModuleWorkerData = {
      path: action.path,
      exportName: action.exportName,
      fields: pickContextFields(request, action.args),
      stopFlag: stopFlag.buffer,
      stopReasons: STOP_CAUSES,
      inFlight: inFlight.buffer,
      highWaterBytes: OUTPUT_HIGH_WATER_BYTES,
    };
    try {
      // `env` gives the worker its own process.env (the run's variables, the daemon's left alone);
      // stdout/stderr: true keeps anything written past module-worker's capture out of the daemon's own.
      worker = new Worker(resolveWorkerScript(import.meta.url, 'module-worker'), {
        workerData,
        env: buildRunEnvironment(request),
        stdout: true,
        stderr: true,
      });
    } catch (error) {
      const { message, detail } = describeThrown(error);
      run.settle({ ok: false, message: `cannot start a worker for module ${action.path}: ${message}`, detail });
      return { pid: null, done: run.done, cancel: () => undefined };
    }
    listenToWorker(worker, run, request.handle, inFlight, action.path);
    return { pid: null, done: run.done, cancel: (reason) => run.cancel(reason) };
  } catch (error) {
    const { message, detail } = describeThrown(error);
    return createFailedHandle(message, detail);
  }
}

function listenToWorker(worker: Worker, run: JsRun, handle: TaskHandle, inFlight: Int32Array, path: string): void {
  worker.stdout.on('data', (chunk: Buffer) => run.write(chunk, 'stdout'));
  worker.stderr.on('data', (chunk: Buffer) => run.write(chunk, 'stderr'));
  worker.on('message', (message: ModuleWorkerMessage | null) => {
    // The module shares parentPort with us: a message it posts itself must neither be read as
    // ours nor, malformed, throw here in the daemon.
    try {
      readWorkerMessage(message, run, handle, inFlight);
    } catch (error) {
      const words = `unreadable message from the worker of module ${path}: ${describeThrown(error).message}`;
      run.settle({ ok: false, message: words, detail: words });
    }
  });
  // An exception thrown outside the awaited function (a timer callback, an unhandled rejection).
  worker.on('error', (error) => run.settle({ ok: false, ...describeThrown(error) }));
  worker.on('messageerror', (error) => run.settle({ ok: false, ...describeThrown(error) }));
  // Reached only when the module ended its own thread (process.exit); ignored once the run ended.
  worker.on('exit', (code) => {
    const message = `the worker of module ${path} exited with code ${code} before the function returned`;
    run.settle({ ok: false, message, detail: message });
  });
}

function readWorkerMessage(
  message: ModuleWorkerMessage | null,
  run: JsRun,
  handle: TaskHandle,
  inFlight: Int32Array,
): void {
  if (typeof message !== 'object' || message === null) return;
  if (message.type === 'taskkit:output') {
    run.write(message.chunk, message.stream);
    Atomics.sub(inFlight, 0, message.bytes);
    Atomics.notify(inFlight, 0);
  } else if (message.type === 'taskkit:handle') {
    try {
      callHandle(handle, message);
    } catch (error) {
      run.write(`taskkit: ctx.handle.${message.call}() failed: ${describeThrown(error).message}\n`, 'stderr');
    }
  } else if (message.type === 'taskkit:settled') {
    run.settle(message.settlement);
  }
}

function callHandle(handle: TaskHandle, message: Extract<ModuleWorkerMessage, { type: 'taskkit:handle' }>): void {
  if (message.call === 'setPeriod') handle.setPeriod(message.period);
  else if (message.call === 'runOnCompletion') handle.runOnCompletion();
  else if (message.note === undefined) handle.hold();
  else handle.hold(message.note);
}

/** Terminate the worker (a no-op if it has exited) and let its stdio streams deliver what is left. */
async function stopWorker(worker: Worker): Promise<void> {
  await worker.terminate();
  let timer: NodeJS.Timeout | undefined;
  const drained = Promise.all([worker.stdout, worker.stderr].map((stream) => finished(stream).catch(() => undefined)));
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, STDIO_DRAIN_MS)));
  await Promise.race([drained, late]);
  clearTimeout(timer);
}
