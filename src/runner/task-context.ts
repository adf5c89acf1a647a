/**
 * What in-process function runs and worker-thread module runs share: the `TaskContext` a task
 * function receives (built in this process for functions, inside the worker for modules), the
 * words for thrown values and kept results. The parent side of a JS run is js-run.ts. DESIGN.md "Runs".
 */
import { format, inspect } from 'node:util';
import type { TaskContext, TaskHandle, Trigger, UpstreamRun } from '../task-context.js';
import type { RunRequest } from './types.js';

/** The plain fields of a context: what a worker needs to build one (structured-clone safe). */
export interface ContextFields {
  readonly name: string;
  readonly runId: number;
  readonly args: unknown;
  readonly scheduledAt: number | null;
  readonly trigger: Trigger;
  readonly attempt: number;
  readonly upstream: UpstreamRun | null;
}

/** The context fields of a run; `args` is the module's `args:`, null for functions. */
export function pickContextFields(request: RunRequest, args: unknown): ContextFields {
  const { runId, task, scheduledAt, trigger, attempt } = request;
  const upstream = request.upstream ?? null;
  return { name: task.name, runId, args, scheduledAt, trigger, attempt, upstream };
}

/** Where a context's effects go. `sync` runs before every stop check (the worker reads shared memory there). */
export interface ContextSinks {
  readonly writeLine: (line: string) => void;
  readonly handle: TaskHandle;
  readonly sync?: () => void;
}

/** The sync of a context that has nothing to read before a stop check (functions): shared. */
const noSync = (): void => undefined;

/** Build the ctx a task function is called with. */
export function createTaskContext(
  fields: ContextFields,
  signal: AbortSignal | (() => AbortSignal),
  sinks: ContextSinks,
): TaskContext {
  // A function: a run's AbortController is made only when the task asks for its signal (or is stopped).
  const readSignal = typeof signal === 'function' ? signal : () => signal;
  return new RunContext(fields, readSignal, sinks.sync ?? noSync, sinks);
}

/**
 * A run's ctx. A class: an object literal's `get signal()` made an accessor pair and a getter
 * closure per run, half of what building a ctx allocated (bench scenario 1, issue 20). `proceed`
 * and `log` stay own functions, so that a task may pass them on detached (`items.forEach(ctx.log)`).
 */
class RunContext implements TaskContext {
  readonly name: string;
  readonly runId: number;
  readonly args: unknown;
  readonly scheduledAt: number | null;
  readonly trigger: Trigger;
  readonly attempt: number;
  readonly upstream: UpstreamRun | null;
  readonly proceed: () => boolean;
  readonly log: (...values: unknown[]) => void;
  readonly handle: TaskHandle;
  readonly #readSignal: () => AbortSignal;
  readonly #sync: () => void;

  constructor(fields: ContextFields, readSignal: () => AbortSignal, sync: () => void, sinks: ContextSinks) {
    this.name = fields.name;
    this.runId = fields.runId;
    this.args = fields.args;
    this.scheduledAt = fields.scheduledAt;
    this.trigger = fields.trigger;
    this.attempt = fields.attempt;
    this.upstream = fields.upstream;
    this.#readSignal = readSignal;
    this.#sync = sync;
    this.proceed = () => {
      sync();
      return !readSignal().aborted;
    };
    this.log = (...values: unknown[]) => sinks.writeLine(format(...values));
    this.handle = sinks.handle;
  }

  // A getter, so that a synchronous loop reading ctx.signal.aborted sees a stop the worker's
  // event loop has not delivered yet.
  get signal(): AbortSignal {
    this.#sync();
    return this.#readSignal();
  }
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
    if (json === undefined)
      return { value: undefined, note: `taskkit: result not kept: a ${typeof value} is not JSON-serialisable` };
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
