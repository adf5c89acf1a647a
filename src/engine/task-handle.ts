/**
 * The handle a run gets on its own task (DESIGN.md "Runs"; TaskKit's setPeriod, runOnCompletion,
 * disable). Callable while the run goes, from an in-process function or relayed from a worker.
 */
import { TaskkitError } from '../errors.js';
import { parseEvery } from '../schedule/every.js';
import type { ScheduleSpec } from '../schedule/types.js';
import type { TaskHandle } from '../task-context.js';
import type { PendingRun } from './pending-run.js';
import type { LogFunction } from './ports.js';
import type { TaskEntry } from './task-entry.js';

/** What a handle may do to the task. */
export interface HandleTarget {
  reschedule(entry: TaskEntry, spec: ScheduleSpec): void;
  hold(entry: TaskEntry, note: string | undefined): void;
  readonly log: LogFunction;
}

export function createTaskHandle(run: PendingRun, target: HandleTarget): TaskHandle {
  const { entry } = run;
  // A run outlives a remove(): its handle must not resurrect the task.
  const live = (what: string): boolean => {
    if (!entry.removed) return true;
    target.log('warn', `${entry.spec.name} #${run.record.id}: ${what} ignored, the task was removed`);
    return false;
  };
  return {
    setPeriod: (period) => {
      if (!live('setPeriod')) return;
      // A number is ms; either way the period is anchored like the file's default `every`.
      const raw = typeof period === 'number' && Number.isSafeInteger(period) && period > 0 ? `${period}ms` : period;
      const parsed = parseEvery(raw, undefined, entry.spec.timezone);
      if (!parsed.ok) throw new TaskkitError('USAGE', `setPeriod: ${parsed.message}`);
      target.reschedule(entry, parsed.value);
    },
    runOnCompletion: () => {
      run.runAgain = true;
    },
    hold: (note) => {
      if (live('hold')) target.hold(entry, note);
    },
  };
}
