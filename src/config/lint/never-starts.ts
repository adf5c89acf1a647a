/**
 * Rule `never-starts`: a task with a schedule that has no instant left after now, for a reason
 * past-instant (past.ts) does not already name (an `until` still ahead but before the schedule's
 * next instant; an rrule whose COUNT or UNTIL is over), and that no other task triggers (after,
 * after-all, on-success, on-failure). Nothing but run-now will start it. A task without a
 * schedule is meant for run-now and triggers: it never warns here. `max-runs` cannot be spent
 * before the first run (it is 1 or more), and a schedule that never fires at all is an error
 * (cron, rrule; task-rules.ts).
 */
import { compileSchedule } from '../../schedule/next.js';
import { wallWord } from '../../schedule/rrule-word-parts.js';
import { showValue } from '../../schedule/show-value.js';
import { nextTaskInstant } from '../../schedule/task-instants.js';
import { toWall } from '../../schedule/zoned.js';
import { hasOwnInstants, type LintSubject } from './context.js';
import { catchUpNote } from './past.js';

const NOTHING_ELSE =
  'and no task triggers this one (after, after-all, on-success, on-failure): only run-now can start it';

export function lintNeverStarts({ c, task, written, now, triggered }: LintSubject): void {
  if (!hasOwnInstants(task) || triggered) return;
  const { schedule, until } = task;
  // Only an until or an rrule's COUNT or UNTIL ends a schedule (an at's end is past-instant's).
  const canEnd = until !== null || (schedule.kind === 'rrule' && (schedule.count !== null || schedule.until !== null));
  if (!canEnd) return;
  // Past instants are past-instant's to name.
  if (until !== null && until <= now) return;
  if (schedule.kind === 'at' && (schedule.instants.at(-1) ?? now) <= now) return;
  const compiled = compileSchedule(schedule, task.timezone);
  const timing = { schedule: compiled, until, runsLeft: Infinity, lastScheduledAt: null };
  if (nextTaskInstant(timing, now) !== null) return;
  const note = catchUpNote(task, now, now);
  const next = compiled.next(now);
  if (until !== null && next !== null) {
    c.warn(
      'never-starts',
      ['until'],
      'value',
      `until ${showValue(written['until'])} is before the schedule's next instant ` +
        `(${wallWord(toWall(next, task.timezone))}): no scheduled run will start${note}, ${NOTHING_ELSE}; ` +
        'move until later, or remove it',
    );
  } else if (schedule.kind === 'rrule') {
    c.warn(
      'never-starts',
      ['rrule'],
      'value',
      `this rule has no instant after now (its COUNT or UNTIL is over): no scheduled run will start${note}, ` +
        NOTHING_ELSE,
    );
  }
}
