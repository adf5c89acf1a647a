/**
 * Rule `no-effect`: keys that shape scheduled runs, on a task without instants of its own (on demand,
 * or `@reboot`). They never apply: jitter delays `schedule` runs only (engine/engine-loop.ts),
 * catch-up and deadline deal with missed instants, max-runs counts scheduled and catch-up runs
 * (engine/max-runs.ts), until ends the instants; run-now, after, after-all, on-success, on-failure
 * and @reboot runs are none of these.
 */
import type { LintSubject } from './context.js';
import { hasOwnInstants } from './context.js';

/** The keys, and what each one would do. */
const SCHEDULED_ONLY: readonly (readonly [string, string])[] = [
  ['jitter', 'delays scheduled runs only'],
  ['catch-up', 'deals with missed instants only'],
  ['deadline', 'limits how late a scheduled or catch-up run starts'],
  ['max-runs', 'counts scheduled and catch-up runs only'],
  ['until', 'ends scheduled instants only'],
];

export function lintNoEffect({ c, task, written }: LintSubject): void {
  if (hasOwnInstants(task)) return;
  const how =
    task.schedule.kind === 'reboot'
      ? 'this task has no instants (it runs at @reboot and when triggered)'
      : 'this task has no schedule (it runs on demand: run-now, after, after-all, on-success, on-failure)';
  for (const [key, what] of SCHEDULED_ONLY) {
    if (written[key] === undefined) continue;
    c.warn('no-effect', [key], 'key', `"${key}" has no effect: ${how}, and ${key} ${what}; remove it`);
  }
}
