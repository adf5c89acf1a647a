/**
 * The handle a run gets on its own task (DESIGN.md "Runs"; TaskKit's setPeriod, runOnCompletion,
 * disable). Callable while the run goes, from an in-process function or relayed from a worker.
 * It acts through the Scheduler's public operations, like any other client of the engine.
 */
import { TaskkitError } from '../errors.js';
import { parseEvery } from '../schedule/every.js';
import type { ScheduleSpec } from '../schedule/types.js';
import type { TaskHandle } from '../task-context.js';
import type { ActiveRun } from './active-run.js';
import type { LogFunction } from './ports.js';

/** The Scheduler's operations a handle uses (the Scheduler itself). */
export interface TaskOperations {
  hold(name: string, note?: string): unknown;
  reschedule(name: string, spec: ScheduleSpec | null): unknown;
}

export function createTaskHandle(run: ActiveRun, tasks: TaskOperations, log: LogFunction): TaskHandle {
  const { entry } = run;
  // A run outlives a remove(): its handle must not resurrect the task (or reach a new one of that name).
  const live = (what: string): boolean => {
    if (!entry.removed) return true;
    log('warn', `${entry.spec.name} #${run.record.id}: ${what} ignored, the task was removed`);
    return false;
  };
  return {
    setPeriod: (period) => {
      if (!live('setPeriod')) return;
      // A number is ms; either way the period is anchored like the file's default `every`.
      const raw = typeof period === 'number' && Number.isSafeInteger(period) && period > 0 ? `${period}ms` : period;
      const parsed = parseEvery(raw, undefined, entry.spec.timezone);
      if (!parsed.ok) throw new TaskkitError('USAGE', `setPeriod: ${parsed.message}`);
      tasks.reschedule(entry.spec.name, parsed.value);
    },
    runOnCompletion: () => {
      run.runAgain = true;
    },
    hold: (note) => {
      if (live('hold')) tasks.hold(entry.spec.name, note);
    },
  };
}
