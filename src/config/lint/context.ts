/**
 * What every lint rule is given (config/lint/lint.ts): one valid task, what was written for it, where,
 * the instant "now" the caller chose (the CLI's clock; tests pin it), and whether another task can
 * trigger it. A rule reports through the task's collector with `c.warn`, so warnings carry positions.
 */
import type { IssueCollector } from '../collector.js';
import type { TaskSpec } from '../types.js';
import type { Instant } from '../../schedule/types.js';
import type { Transition } from '../../schedule/zoned.js';

export interface LintSubject {
  readonly c: IssueCollector;
  readonly task: TaskSpec;
  /** The task's keys as written (for quoting values the way the user wrote them). */
  readonly written: Readonly<Record<string, unknown>>;
  readonly now: Instant;
  /** Another task's after, after-all, on-success or on-failure can start this one. */
  readonly triggered: boolean;
  /** The file sets `settings.cluster` (cluster mode). */
  readonly cluster: boolean;
  /** A zone's changes of offset in the year after now; looked up once per zone per lint (10,000 tasks, 1 zone). */
  readonly offsetChanges: (timezone: string) => readonly Transition[];
}

/** One rule: report what it finds with `subject.c.warn(...)`; nothing when the task is fine. */
export type LintRule = (subject: LintSubject) => void;

/** No instants of its own (on demand, `@reboot`): scheduling keys do nothing (engine/task-entry.ts triggeredOnly). */
export function hasOwnInstants(task: TaskSpec): boolean {
  return task.schedule.kind !== 'on-demand' && task.schedule.kind !== 'reboot';
}
