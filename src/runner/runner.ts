/** The Runner the engine is given: one entry point, dispatching on the task's action kind. */
import type { Clock } from '../engine/clock.js';
import { startFunctionRun } from './function.js';
import { defaultRunClock } from './lifecycle.js';
import { startModuleRun } from './module.js';
import { startProcessRun } from './process.js';
import { startSpawnedRun } from './spawned-run.js';
import type { Spawner } from './spawner-client.js';
import type { OutputListener, RunBatcher, RunHandle, RunRequest, Runner } from './types.js';

export interface RunnerOptions {
  /** Times runs, timeouts and kill-after: the daemon passes the engine's clock; tests, a fake one. */
  readonly clock?: Clock;
  /**
   * The daemon's spawner process (spawner-client.ts): shell and argv runs are spawned there, off
   * the daemon's event loop (spawned-run.ts). Absent: spawned in this process (process.ts).
   */
  readonly spawner?: Spawner;
}

/** A Runner for every kind of task; `start` never throws for a task's failure. */
export function createRunner(options: RunnerOptions = {}): Runner {
  const clock = options.clock ?? defaultRunClock();
  const { spawner } = options;
  const runner: Runner = {
    start(request: RunRequest, onOutput?: OutputListener): RunHandle {
      switch (request.task.action.kind) {
        case 'shell':
        case 'argv':
          return spawner === undefined
            ? startProcessRun(request, onOutput, clock)
            : startSpawnedRun(request, onOutput, clock, spawner);
        case 'function':
          return startFunctionRun(request, onOutput, clock);
        case 'module':
          return startModuleRun(request, onOutput, clock);
      }
    },
  };
  if (spawner === undefined) return runner;
  // The runs the spawner starts in one engine turn reach it in one write (types.ts RunBatcher).
  const batcher: RunBatcher = {
    holds: (task) => task.action.kind === 'shell' || task.action.kind === 'argv',
    together: (work, beforeWrite) => spawner.together(work, beforeWrite),
  };
  return { ...runner, batcher };
}
