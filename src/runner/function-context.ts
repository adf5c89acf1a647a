/**
 * The ctx of an in-process function run (runner/function.ts): the run's fields, and what reaches the
 * run (its signal, its output) through the run's handle. `proceed` and `log` are functions of their
 * own, made on first read, so that a task may pass them on detached (`items.forEach(ctx.log)`) and a
 * run that uses neither makes neither (bench scenario 1, issue 20). Modules build theirs in the
 * worker (task-context.ts createTaskContext).
 */
import { format } from 'node:util';
import type { TaskContext, TaskHandle, Trigger, UpstreamRun } from '../task-context.js';
import type { OutputStream, RunRequest } from './types.js';

/** The run as its ctx reaches it. */
export interface FunctionRunState {
  readonly signal: AbortSignal;
  write(chunk: string, stream?: OutputStream): void;
}

export class FunctionContext implements TaskContext {
  readonly name: string;
  readonly args: unknown = null;
  readonly scheduledAt: number | null;
  readonly trigger: Trigger;
  readonly attempt: number;
  readonly upstream: UpstreamRun | null;
  readonly #request: RunRequest;
  readonly #run: FunctionRunState;
  #proceed: (() => boolean) | null = null;
  #log: ((...values: unknown[]) => void) | null = null;

  constructor(request: RunRequest, run: FunctionRunState) {
    this.name = request.task.name;
    this.scheduledAt = request.scheduledAt;
    this.trigger = request.trigger;
    this.attempt = request.attempt;
    this.upstream = request.upstream ?? null;
    this.#request = request;
    this.#run = run;
  }

  /** Read from the request: a handle made ahead of its run (engine/fast-run.ts) gets its id at entry. */
  get runId(): number {
    return this.#request.runId;
  }

  /** Read from the request when the task asks: a request may make it on first read (engine/fast-run.ts). */
  get handle(): TaskHandle {
    return this.#request.handle;
  }

  /** Aborted on cancel, timeout or shutdown; read anew each time. */
  get signal(): AbortSignal {
    return this.#run.signal;
  }

  get proceed(): () => boolean {
    const run = this.#run;
    return (this.#proceed ??= () => !run.signal.aborted);
  }

  get log(): (...values: unknown[]) => void {
    const run = this.#run;
    return (this.#log ??= (...values: unknown[]) => run.write(`${format(...values)}\n`));
  }
}
