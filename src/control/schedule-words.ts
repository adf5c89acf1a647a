/** A task's schedule in words for `list`, `show` and the web page, remembered per schedule object. */
import type { TaskStatus } from '../engine/task-state.js';
import { describeSchedule } from '../schedule/describe.js';
import { describeDependencyStart } from './join-view.js';

/**
 * What starts the task, in words: its schedule, except that a task without instants says what
 * starts it (issue 13: "@reboot" and "on demand" hid it): "at boot", "after backup, sync", "after all a, b".
 */
export function describeTaskSchedule(task: Pick<TaskStatus, 'schedule' | 'spec'>, defaultTimezone: string): string {
  const known = scheduleWords.get(task.schedule);
  if (known !== undefined && known.zone === defaultTimezone && wordsApply(known, task)) return known.words;
  const words = wordTaskSchedule(task, defaultTimezone);
  scheduleWords.set(task.schedule, { spec: task.spec, taskZone: task.spec.timezone, zone: defaultTimezone, words });
  return words;
}

/**
 * Words made for one task fit another holding the same schedule object (the daemon shares equal ones,
 * config/share-values.ts) in the same zone, unless they came from the task itself (on demand: what starts it).
 */
function wordsApply(known: ScheduleWords, task: Pick<TaskStatus, 'schedule' | 'spec'>): boolean {
  return known.spec === task.spec || (task.schedule.kind !== 'on-demand' && known.taskZone === task.spec.timezone);
}

interface ScheduleWords {
  readonly spec: object;
  readonly taskZone: string;
  readonly zone: string;
  readonly words: string;
}

/**
 * describeTaskSchedule's words by schedule object: a schedule or a spec is never changed in place (a
 * reschedule or a reload makes new ones), and `list` words every task at each call (issue 20.3: a
 * tenth of the daemon's `taskkit list` at 1,000 tasks).
 */
const scheduleWords = new WeakMap<object, ScheduleWords>();

function wordTaskSchedule(task: Pick<TaskStatus, 'schedule' | 'spec'>, defaultTimezone: string): string {
  if (task.schedule.kind === 'reboot') return 'at boot';
  const dependency = task.schedule.kind === 'on-demand' ? describeDependencyStart(task.spec) : null;
  if (dependency !== null) return dependency;
  return describeSchedule(task.schedule, task.spec.timezone, defaultTimezone);
}
