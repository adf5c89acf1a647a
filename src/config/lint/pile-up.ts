/**
 * Rule `pile-up`: `overlap: allow` with a `timeout` longer than the time between two instants. A
 * run that lasts until its timeout is joined by the runs of the next instants, so runs of one task
 * pile up (up to timeout / gap + 1 at once). The gap: the period of `every`, the shortest gap of
 * `daily`, `at` and cron's time fields (task-rules.ts shortestGap); for rrule, and for cron when its
 * fields do not tell, the shortest of the gaps between its next SAMPLED_INSTANTS instants after now.
 */
import { formatDuration } from '../../schedule/duration.js';
import { compileSchedule, upcoming } from '../../schedule/next.js';
import { showValue } from '../../schedule/show-value.js';
import type { Instant } from '../../schedule/types.js';
import { shortestGap } from '../task-rules.js';
import type { TaskSpec } from '../types.js';
import { hasOwnInstants, type LintSubject } from './context.js';

const SAMPLED_INSTANTS = 20;

export function lintPileUp({ c, task, written, now }: LintSubject): void {
  if (task.overlap !== 'allow' || task.timeoutMs === null || !hasOwnInstants(task)) return;
  const gap = shortestGap(task.schedule) ?? sampledGap(task, now);
  if (gap === null || task.timeoutMs <= gap.ms) return;
  const most = Math.floor(task.timeoutMs / gap.ms) + 1;
  c.warn(
    'pile-up',
    ['timeout'],
    'value',
    `timeout ${showValue(written['timeout'])} is longer than ${gap.what} (${formatDuration(gap.ms)}) ` +
      `and overlap is allow: a run that lasts until its timeout is joined by the next instants' runs, ` +
      `up to ${most} runs of this task at once; shorten timeout, or use overlap: skip or queue`,
  );
}

/** The shortest gap between the next instants after `now`, or null with fewer than two of them. */
function sampledGap(task: TaskSpec, now: Instant): { ms: number; what: string } | null {
  const instants = upcoming(compileSchedule(task.schedule, task.timezone), now, SAMPLED_INSTANTS);
  let ms = Infinity;
  for (let index = 1; index < instants.length; index++)
    ms = Math.min(ms, (instants[index] ?? 0) - (instants[index - 1] ?? 0));
  if (!Number.isFinite(ms)) return null;
  return { ms, what: `the shortest time between its next ${instants.length} instants` };
}
