/**
 * Where `taskkit next` gets its instants (issue 13): the running daemon's engine when one answers
 * (holds and run-time reschedules included), else the tasks file, else an ad hoc schedule. Each
 * view lists instants with the one rule of schedule/task-instants.ts.
 */
import type { TasksFile, TaskSpec } from '../config/types.js';
import type { ControlClient } from '../control/client.js';
import { parseDateTime } from '../schedule/at.js';
import { describeSchedule } from '../schedule/describe.js';
import { buildExclusion } from '../schedule/excluded-dates.js';
import { compileSchedule } from '../schedule/next.js';
import { upcomingTaskInstants } from '../schedule/task-instants.js';
import type { Instant, Schedule } from '../schedule/types.js';
import { TaskkitError } from '../errors.js';
import type { UpcomingEntry } from './format/tasks.js';
import { findTask } from './tasks-file.js';

/** `--from` as an instant (no offset = local to `timezone`), else null for now. */
export function resolveFrom(from: string | undefined, timezone: string): Instant | null {
  if (from === undefined) return null;
  const parsed = parseDateTime(from, timezone);
  if (!parsed.ok) throw new TaskkitError('USAGE', `--from: ${parsed.message}`);
  return parsed.value;
}

/**
 * Up to `count` instants at or after `from` (an instant equal to --from is listed: a user asking
 * "from 09:00" expects 09:00), else strictly after now, as a task with no run yet has them.
 */
function listInstants(
  schedule: Schedule,
  task: TaskSpec | null,
  count: number,
  from: Instant | null,
  now: Instant,
): Instant[] {
  const timing = {
    schedule,
    until: task?.until ?? null,
    runsLeft: task?.maxRuns ?? Infinity,
    lastScheduledAt: null,
    // `except:` calendars: instants on their dates are left out, as the engine skips them.
    exclusion: buildExclusion(task?.except, schedule.timezone),
  };
  return from === null ? upcomingTaskInstants(timing, now, count) : upcomingTaskInstants(timing, from - 1, count, from);
}

/** An ad hoc schedule's entry (no until, no max-runs). */
export function adHocEntry(schedule: Schedule, count: number, from: string | undefined, now: Instant): UpcomingEntry {
  const { spec, timezone } = schedule;
  const instants = listInstants(schedule, null, count, resolveFrom(from, timezone), now);
  return { task: '', schedule: describeSchedule(spec, timezone, timezone), timezone, held: false, instants };
}

/**
 * The file's view of task `name` (or every task): `until`, `max-runs` as if no run happened yet,
 * `hold: true` marked held. --from without offset is local to the one task's zone, else to settings.timezone.
 */
export function fileEntries(
  file: TasksFile,
  name: string | undefined,
  count: number,
  from: string | undefined,
  now: Instant,
): UpcomingEntry[] {
  const zone = file.settings.timezone;
  const tasks = name === undefined ? file.tasks : [findTask(file, name)];
  return tasks.map((task) => {
    const after = resolveFrom(from, name === undefined ? zone : task.timezone);
    const instants = listInstants(compileSchedule(task.schedule, task.timezone), task, count, after, now);
    return {
      task: task.name,
      schedule: describeSchedule(task.schedule, task.timezone, zone),
      timezone: task.timezone,
      held: task.hold,
      instants,
    };
  });
}

/** The daemon's view: the engine's own next instants, held tasks marked. */
export async function daemonEntries(
  client: ControlClient,
  name: string | undefined,
  count: number,
  from: string | undefined,
): Promise<UpcomingEntry[]> {
  const { tasks } = await client.request('next', {
    ...(name === undefined ? {} : { name }),
    count,
    ...(from === undefined ? {} : { from }),
  });
  return tasks.map(({ task, upcoming }) => ({
    task: task.name,
    schedule: task.rescheduled ? `${task.schedule} (rescheduled)` : task.schedule,
    timezone: task.timezone,
    held: task.held,
    instants: upcoming.map((at) => Date.parse(at)),
  }));
}
