/**
 * What a reload of `next` would do to the daemon as it is (`taskkit reload --dry-run`,
 * `validate --against-daemon`), without applying anything. Pure: the same comparisons as
 * applyTasks (reload.ts: config/definition.ts decides "changed"), the key-level differences of
 * config/definition-diff.ts, and the runs the reload meets, as Scheduler.replace/remove treat them.
 */
import { diffTaskSpecs } from '../config/definition-diff.js';
import { isSameDefinition } from '../config/definition.js';
import { diffSettings } from '../config/settings-diff.js';
import type { Settings, TaskSpec, TasksFile } from '../config/types.js';
import type { ReloadPlanView, TaskPlanView } from '../control/reload-plan-view.js';
import { describeTaskSchedule } from '../control/views.js';
import type { TaskStatus } from '../engine/task-state.js';

/** The daemon as a reload would find it. */
export interface DaemonState {
  /** The file it runs, and that file's settings as loaded at start or the last reload. */
  readonly configPath: string;
  readonly settings: Settings;
  /** Scheduler.list(): its tasks, in add order. */
  readonly tasks: readonly TaskStatus[];
  /** Scheduler.orphans(): removed tasks whose runs still go on (a task of that name added adopts them). */
  readonly orphans: readonly TaskStatus[];
}

export function planReload(current: DaemonState, next: TasksFile): ReloadPlanView {
  const tz = next.settings.timezone;
  const wanted = new Set(next.tasks.map((task) => task.name));
  const loaded = new Map(current.tasks.map((task) => [task.name, task]));
  const orphans = new Map(current.orphans.map((task) => [task.name, task]));
  const plans: TaskPlanView[] = [];
  for (const task of current.tasks) {
    if (wanted.has(task.name)) continue;
    plans.push({
      name: task.name,
      change: 'remove',
      schedule: describeTaskSchedule(task, current.settings.timezone),
      ...NOTHING,
      running: runningOf(task),
      waiting: task.queued,
    });
  }
  let unchanged = 0;
  for (const spec of next.tasks) {
    const now = loaded.get(spec.name);
    if (now === undefined) {
      const orphan = orphans.get(spec.name);
      plans.push({
        name: spec.name,
        change: 'add',
        schedule: describeTaskSchedule({ schedule: spec.schedule, spec }, tz),
        ...NOTHING,
        running: orphan === undefined ? [] : runningOf(orphan),
      });
      continue;
    }
    const keys = diffTaskSpecs(now.spec, spec);
    const redefined = !isSameDefinition(now.spec, spec);
    if (keys.length === 0 && !redefined) {
      unchanged += 1;
      continue;
    }
    plans.push({
      name: spec.name,
      change: 'change',
      schedule: describeTaskSchedule({ schedule: spec.schedule, spec }, tz),
      keys,
      redefined,
      running: runningOf(now),
      waiting: now.queued,
      droppedReschedule: redefined && now.rescheduled ? describeTaskSchedule(now, current.settings.timezone) : null,
      hold: holdChange(now, spec),
    });
  }
  return {
    configPath: next.path,
    daemonConfigPath: current.configPath,
    tasks: plans,
    settings: diffSettings(current.settings, next.settings),
    unchanged,
  };
}

const NOTHING = {
  keys: [],
  redefined: true,
  running: [],
  waiting: 0,
  droppedReschedule: null,
  hold: null,
} as const satisfies Partial<TaskPlanView>;

/** As TaskEntry.redefine: a changed `hold:` in the file ends any hold, then holds again if now true. */
function holdChange(task: TaskStatus, next: TaskSpec): TaskPlanView['hold'] {
  if (next.hold !== task.spec.hold) {
    if (next.hold) return 'begins';
    return task.held ? 'ends' : null;
  }
  return task.held ? 'kept' : null;
}

function runningOf(task: TaskStatus): TaskPlanView['running'] {
  return task.running.map((run) => ({
    id: run.id,
    startedAt: run.startedAt === null ? null : new Date(run.startedAt).toISOString(),
  }));
}
