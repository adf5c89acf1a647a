/**
 * Rule `past-instant`: every `at` instant, or `until`, lies before now. Such a task has no scheduled
 * run left: a daemon fires no instant at or before the moment it computes the next one
 * (engine/scheduler.ts add: the next instant after now). The one exception is catch-up: a daemon
 * that was down at such an instant and keeps the task's history runs it at its next start when
 * `catch-up` is `once` or `all` (engine/restore.ts), unless `deadline` has passed since. The message
 * says so only when that can still happen.
 */
import { showValue } from '../../schedule/show-value.js';
import type { Instant } from '../../schedule/types.js';
import type { TaskSpec } from '../types.js';
import { hasOwnInstants, type LintSubject } from './context.js';

export function lintPastInstants({ c, task, written, now }: LintSubject): void {
  if (!hasOwnInstants(task)) return;
  const { schedule } = task;
  if (schedule.kind === 'at') {
    const last = schedule.instants.at(-1);
    if (last !== undefined && last <= now) {
      const which =
        schedule.instants.length === 1
          ? `at ${showValue(written['at'])} is in the past`
          : `every "at" instant is in the past (the last: ${new Date(last).toISOString()})`;
      c.warn(
        'past-instant',
        ['at'],
        'value',
        `${which}: no scheduled run of this task is left${catchUpNote(task, last, now)}; move it later, or remove it`,
      );
      return;
    }
  }
  if (task.until !== null && task.until <= now) {
    c.warn(
      'past-instant',
      ['until'],
      'value',
      `until ${showValue(written['until'])} is in the past: no scheduled run will start any more` +
        `${catchUpNote(task, task.until, now)}; move it later, or remove it`,
    );
  }
}

/**
 * The catch-up exception, or '' when it cannot happen: `catch-up: skip`, or a `deadline` already
 * past for every instant at or before `latest` (the latest instant that could have been missed).
 */
export function catchUpNote(task: TaskSpec, latest: Instant, now: Instant): string {
  if (task.catchUp === 'skip') return '';
  if (task.deadlineMs !== null && now - latest > task.deadlineMs) return '';
  return (
    ` (except catch-up: ${task.catchUp}: a daemon that had this task before and was down at an instant ` +
    'runs what it missed when it starts again)'
  );
}
