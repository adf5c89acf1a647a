/**
 * Instants on dates a task's `except:` calendars exclude (issue 17.2). How the engine learns of
 * them: the timeline holds the task at its next instant WITHOUT calendars (task-calendars.ts),
 * so it wakes at the first instant of a run of excluded local dates. That wake runs nothing: it
 * records ONE skipped record, reason `calendar`, with the calendar's name, counting every instant
 * of the task on those consecutive dates (an every-second task's holiday is one wake and one row,
 * not 86,400), and the task moves past them. The instants of a run of dates are dealt with at its
 * first one: a reload that removes a date of a run already begun does not bring its instants back;
 * any other change of a calendar applies at the task's next wake. Catch-up never sees an excluded
 * instant: missed instants are looked for with the calendars (TaskEntry.runnableNext), so instants
 * on excluded dates that passed while taskkit was down or asleep are neither missed nor run (nor
 * recorded: a row is written only where a wake lands on the first instant of excluded dates).
 * `next`, `show` and `list` preview with the calendars (TaskEntry.upcoming, TaskCalendars.shownNext).
 */
import { countTaskInstants } from '../schedule/task-instants.js';
import type { Instant } from '../schedule/types.js';
import type { Task } from './active-run.js';
import type { SkipFacts } from './run.js';
import type { RunFlow } from './run-flow.js';

/**
 * Record the run of excluded instants starting at `due` as one skipped record, dealt with (the
 * caller drains the flow and puts the task at its next instant, which a late wake takes again at
 * once); false when `due`'s local date is not excluded.
 */
export function recordExcludedSpan(entry: Task, due: Instant, flow: Pick<RunFlow, 'recordSkip'>): boolean {
  const exclusion = entry.exclusion;
  const calendar = exclusion?.calendarOf(due) ?? null;
  const datesEnd = exclusion?.excludedUntil(due) ?? null;
  if (calendar === null || datesEnd === null) return false;
  // Every instant in (due, datesEnd) is on an excluded date: counted (an `every` by arithmetic).
  const rest = countTaskInstants(entry.calendars.withoutCalendars, due, datesEnd - 1);
  const lastAt = rest.last ?? due;
  entry.dealtWith(lastAt);
  const skip: SkipFacts = { reason: 'calendar', count: rest.count + 1, more: rest.more, lastAt };
  flow.recordSkip(entry, 'schedule', due, `excluded by calendar "${calendar}"`, skip);
  return true;
}
