/**
 * Entry point of the worker thread that runs one module task (started by runner/module.ts):
 * import the module, call its export with a TaskContext, post the settlement. Also the message
 * protocol between the two threads.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { TaskFunction, TaskHandle } from '../task-context.js';
import { pickExport } from './module-export.js';
import { createTaskContext, describeThrown, toJsonResult } from './task-context.js';
import type { ContextFields, Settlement } from './task-context.js';
import type { StopCause } from './types.js';

export interface ModuleWorkerData {
  readonly path: string;
  readonly exportName: string;
  readonly fields: ContextFields;
  /**
   * Int32Array[1]: 0 while running, else 1 + the index of the reason in `stopReasons`. Read
   * synchronously by proceed(), so a loop that never yields still sees the stop.
   */
  readonly stopFlag: SharedArrayBuffer;
  readonly stopReasons: readonly StopCause[];
  /** Int32Array[1]: output bytes posted and not yet taken by the parent (back-pressure). */
  readonly inFlight: SharedArrayBuffer;
  /** Output posts wait while more than this many bytes are in flight. */
  readonly highWaterBytes: number;
}

/** Worker -> parent. */
export type ModuleWorkerMessage =
  | {
      readonly type: 'taskkit:output';
      /** Text (ctx.log, console.log) or the bytes written to process.stdout/stderr, undecoded. */
      readonly chunk: string | Uint8Array;
      readonly stream: 'stdout' | 'stderr';
      readonly bytes: number;
    }
  | { readonly type: 'taskkit:handle'; readonly call: 'setPeriod'; readonly period: string | number }
  | { readonly type: 'taskkit:handle'; readonly call: 'runOnCompletion' }
  | { readonly type: 'taskkit:handle'; readonly call: 'hold'; readonly note?: string }
  | { readonly type: 'taskkit:settled'; readonly settlement: Settlement };

/** Parent -> worker. */
export interface ModuleParentMessage {
  readonly type: 'taskkit:stop';
  readonly reason: StopCause;
}

const data = workerData as ModuleWorkerData;
if (parentPort === null) throw new Error('module-worker.js runs only as a worker thread started by taskkit');
const port = parentPort;
const stopFlag = new Int32Array(data.stopFlag);
const inFlight = new Int32Array(data.inFlight);
const controller = new AbortController();
const INFLIGHT_WAIT_MS = 50;
const SYNTAX_CHECK_TIMEOUT_MS = 5000;

function post(message: ModuleWorkerMessage): void {
  port.postMessage(message);
}

function abortWith(reason: StopCause | undefined): void {
  if (!controller.signal.aborted) controller.abort(reason);
}

function syncStop(): void {
  const code = Atomics.load(stopFlag, 0);
  if (code !== 0) abortWith(data.stopReasons[code - 1]);
}

/**
 * Post output, first waiting while the parent is behind: postMessage queues without limit, so a
 * task logging in a tight loop would otherwise pile its whole output up in memory.
 */
function sendOutput(chunk: string | Uint8Array, stream: 'stdout' | 'stderr'): void {
  const bytes = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  if (bytes === 0) return;
  for (let pending = Atomics.load(inFlight, 0); pending > data.highWaterBytes; pending = Atomics.load(inFlight, 0)) {
    Atomics.wait(inFlight, 0, pending, INFLIGHT_WAIT_MS);
  }
  Atomics.add(inFlight, 0, bytes);
  // A Uint8Array is copied by postMessage: the module may reuse its buffer once write returns.
  post({ type: 'taskkit:output', chunk, stream, bytes });
}

/**
 * Route the worker's stdout/stderr (console.log) through sendOutput. Node's worker stdio posts
 * every write at once and buffers the rest in the parent, unbounded, while a synchronous loop
 * runs; this keeps them under the same back-pressure and in order with ctx.log.
 */
function captureStream(stream: NodeJS.WriteStream, name: 'stdout' | 'stderr'): void {
  const write = (
    chunk: string | Uint8Array,
    encoding?: BufferEncoding | ((error?: Error | null) => void),
    callback?: (error?: Error | null) => void,
  ): boolean => {
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof chunk === 'string' && typeof encoding === 'string' && encoding !== 'utf8' && encoding !== 'utf-8')
      sendOutput(Buffer.from(chunk, encoding), name);
    else sendOutput(chunk, name);
    if (done !== undefined) process.nextTick(done);
    return true;
  };
  stream.write = write;
}

const handle: TaskHandle = {
  setPeriod: (period) => post({ type: 'taskkit:handle', call: 'setPeriod', period }),
  runOnCompletion: () => post({ type: 'taskkit:handle', call: 'runOnCompletion' }),
  hold: (...note) =>
    post(
      note.length === 0
        ? { type: 'taskkit:handle', call: 'hold' }
        : { type: 'taskkit:handle', call: 'hold', note: note[0] },
    ),
};

async function loadFunction(): Promise<TaskFunction | Settlement> {
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(data.path).href)) as Record<string, unknown>;
  } catch (error) {
    if (!existsSync(data.path)) return failure(`cannot load module ${data.path}: no such file`);
    const { message, detail } = describeThrown(error);
    const located = error instanceof SyntaxError ? locateSyntaxError(data.path) : null;
    if (located === null) return failure(`cannot load module ${data.path}: ${message}`, detail);
    // A CommonJS syntax error's stack starts with the excerpt already; an ESM one's does not.
    const shown = detail.startsWith(`${data.path}:`) ? detail : `${located.excerpt}\n${detail}`;
    return failure(`cannot load module ${data.path}: ${message} (line ${located.line})`, shown);
  }
  const picked = pickExport(namespace, data.exportName, data.path);
  return picked.ok ? picked.fn : failure(picked.message);
}

/**
 * Where a syntax error is: import() does not say (Node keeps the source excerpt to itself), but
 * `node --check` prints "file:LINE", the line and a caret. Costs a process, on failure only.
 */
function locateSyntaxError(path: string): { line: number; excerpt: string } | null {
  const checked = spawnSync(process.execPath, ['--check', path], {
    encoding: 'utf8',
    timeout: SYNTAX_CHECK_TIMEOUT_MS,
  });
  const match = /^(.*):(\d+)\n([\s\S]*?)\n\n/.exec(checked.stderr ?? '');
  if (match?.[1] !== path || match[2] === undefined || match[3] === undefined) return null;
  return { line: Number(match[2]), excerpt: `${path}:${match[2]}\n${match[3]}` };
}

function failure(message: string, detail: string = message): Settlement {
  return { ok: false, message, detail };
}

async function runModule(): Promise<Settlement> {
  const loaded = await loadFunction();
  if (typeof loaded !== 'function') return loaded;
  const ctx = createTaskContext(data.fields, controller.signal, {
    writeLine: (line) => sendOutput(`${line}\n`, 'stdout'),
    handle,
    sync: syncStop,
  });
  syncStop();
  try {
    return { ok: true, ...toJsonResult(await loaded(ctx)) };
  } catch (thrown) {
    return { ok: false, ...describeThrown(thrown) };
  }
}

port.on('message', (message: ModuleParentMessage) => {
  if (message.type === 'taskkit:stop') abortWith(message.reason);
});
captureStream(process.stdout, 'stdout');
captureStream(process.stderr, 'stderr');
void runModule().then((settlement) => post({ type: 'taskkit:settled', settlement }));
