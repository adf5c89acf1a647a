/** The Runner the engine is given: one entry point, dispatching on the task's action kind. */
import { startFunctionRun } from './function.js';
import { startModuleRun } from './module.js';
import { startProcessRun } from './process.js';
import type { OutputListener, RunHandle, RunRequest, Runner } from './types.js';

/** A Runner for every kind of task; `start` never throws for a task's failure. */
export function createRunner(): Runner {
  return {
    start(request: RunRequest, onOutput?: OutputListener): RunHandle {
      switch (request.task.action.kind) {
        case 'shell':
        case 'argv':
          return startProcessRun(request, onOutput);
        case 'function':
          return startFunctionRun(request, onOutput);
        case 'module':
          return startModuleRun(request, onOutput);
      }
    },
  };
}
