/** The Runner the engine is given: one entry point, dispatching on the task's action kind. */
import type { Clock } from '../engine/clock.js';
import { startFunctionRun } from './function.js';
import { defaultRunClock } from './lifecycle.js';
import { startModuleRun } from './module.js';
import { startProcessRun } from './process.js';
import type { OutputListener, RunHandle, RunRequest, Runner } from './types.js';

export interface RunnerOptions {
  /** Times runs, timeouts and kill-after: the daemon passes the engine's clock; tests, a fake one. */
  readonly clock?: Clock;
}

/** A Runner for every kind of task; `start` never throws for a task's failure. */
export function createRunner(options: RunnerOptions = {}): Runner {
  const clock = options.clock ?? defaultRunClock();
  return {
    start(request: RunRequest, onOutput?: OutputListener): RunHandle {
      switch (request.task.action.kind) {
        case 'shell':
        case 'argv':
          return startProcessRun(request, onOutput, clock);
        case 'function':
          return startFunctionRun(request, onOutput, clock);
        case 'module':
          return startModuleRun(request, onOutput, clock);
      }
    },
  };
}
