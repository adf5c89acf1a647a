/**
 * Apply a new tasks file to a running engine (DESIGN.md "Daemon and control socket": reload is
 * atomic; tasks whose definition did not change keep their state, running runs and next instant).
 * The new file is fully validated before this is called, so applying it cannot half-fail.
 */
import { isSameDefinition, isSameExcept, isSameNotify } from '../config/definition.js';
import type { TaskSpec } from '../config/types.js';
import type { RestoredTaskState } from '../engine/ports.js';
import type { Scheduler } from '../engine/scheduler.js';

export interface ReloadSummary {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
  readonly unchanged: readonly string[];
}

/**
 * Diff `next` against what `scheduler` runs and apply it: add, replace, remove. An added task
 * gets `restore(spec)`: a task that comes back to the file finds its saved hold and instants, as
 * it would at a restart.
 */
export function applyTasks(
  scheduler: Scheduler,
  next: readonly TaskSpec[],
  restore: (spec: TaskSpec) => RestoredTaskState = () => ({}),
): ReloadSummary {
  const summary = {
    added: [] as string[],
    changed: [] as string[],
    removed: [] as string[],
    unchanged: [] as string[],
  };
  const wanted = new Set(next.map((task) => task.name));
  for (const current of scheduler.list()) {
    if (!wanted.has(current.name)) {
      scheduler.remove(current.name);
      summary.removed.push(current.name);
    }
  }
  for (const task of next) {
    if (!scheduler.has(task.name)) {
      scheduler.add(task, restore(task));
      summary.added.push(task.name);
    } else if (isSameDefinition(scheduler.get(task.name).spec, task)) {
      // A new `notify:` or new calendar dates (`except:`) alone change no definition (config/definition.ts):
      // they are swapped in, and the task keeps its next instant, run-time reschedule and alert state.
      const current = scheduler.get(task.name).spec;
      if (!isSameNotify(current, task) || !isSameExcept(current, task)) scheduler.replace(task);
      summary.unchanged.push(task.name);
    } else {
      scheduler.replace(task);
      summary.changed.push(task.name);
    }
  }
  return summary;
}

/** "2 added (a, b), 1 changed (c), 0 removed". */
export function describeReload(summary: ReloadSummary): string {
  const part = (label: string, names: readonly string[]): string =>
    `${names.length} ${label}${names.length > 0 ? ` (${names.join(', ')})` : ''}`;
  return [part('added', summary.added), part('changed', summary.changed), part('removed', summary.removed)].join(', ');
}

/** Tasks running on a run-time reschedule now: a reload that changes one of them drops it. */
export function listRescheduled(scheduler: Scheduler): Set<string> {
  return new Set(
    scheduler
      .list()
      .filter((task) => task.rescheduled)
      .map((task) => task.name),
  );
}

/** The log line for reschedules a reload dropped (DESIGN.md: "until reschedule --reset or a file change"), or null. */
export function describeDroppedReschedules(
  rescheduledBefore: ReadonlySet<string>,
  summary: ReloadSummary,
): string | null {
  const dropped = summary.changed.filter((name) => rescheduledBefore.has(name));
  if (dropped.length === 0) return null;
  return (
    `${dropped.join(', ')}: the definition in the tasks file changed, ` +
    `so the run-time reschedule is dropped and the file's schedule applies`
  );
}
