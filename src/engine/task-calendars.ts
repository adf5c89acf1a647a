/**
 * A task's `except:` calendars in the engine (issue 17.2), kept by TaskEntry. The timeline puts the
 * task at its next instant WITHOUT calendars (`withoutCalendars`), so the engine wakes at the first
 * instant of excluded dates to open their skipped span (excluded-instants.ts); the previews (`next`,
 * `show`, `list`) and catch-up read the entry itself, whose TaskTiming has the calendars.
 */
import type { TaskSpec } from '../config/types.js';
import { buildExclusion, type Exclusion } from '../schedule/excluded-dates.js';
import { nextTaskInstant, type TaskTiming } from '../schedule/task-instants.js';
import type { Instant, Schedule } from '../schedule/types.js';

/** What the entry (task-entry.ts) gives: its TaskTiming, calendars aside. */
type TimingSource = Pick<TaskTiming, 'schedule' | 'until' | 'runsLeft' | 'lastScheduledAt'>;

class TimingWithoutCalendars implements TaskTiming {
  readonly exclusion = null;
  readonly #entry: TimingSource;
  constructor(entry: TimingSource) {
    this.#entry = entry;
  }
  get schedule(): Schedule {
    return this.#entry.schedule;
  }
  get until(): Instant | null {
    return this.#entry.until;
  }
  get runsLeft(): number {
    return this.#entry.runsLeft;
  }
  get lastScheduledAt(): Instant | null {
    return this.#entry.lastScheduledAt;
  }
}

export class TaskCalendars {
  /** The entry's timing without calendars, made once: the hot path allocates nothing per computation. */
  readonly withoutCalendars: TaskTiming;
  /** `except:` calendars in the task's zone (schedule/excluded-dates.ts). */
  readonly exclusion: Exclusion;

  constructor(entry: TimingSource, exclusion: Exclusion) {
    this.withoutCalendars = new TimingWithoutCalendars(entry);
    this.exclusion = exclusion;
  }
}

/**
 * The spec's calendars for `entry` (at add, and at each reload: their dates may have changed), or
 * null without `except:`: most tasks, which need no object for them (100,000 tasks: 8 MB, issue 20.4).
 */
export function calendarsOf(entry: TimingSource, spec: Pick<TaskSpec, 'except' | 'timezone'>): TaskCalendars | null {
  const exclusion = buildExclusion(spec.except, spec.timezone);
  return exclusion === null ? null : new TaskCalendars(entry, exclusion);
}

/** `next` (the timeline's) as `list`, `show` and `status` show it: the first instant not on an excluded date. */
export function shownNextInstant(timing: TaskTiming, next: Instant | null): Instant | null {
  const exclusion = timing.exclusion;
  if (next === null || exclusion == null || exclusion.excludedUntil(next) === null) return next;
  return nextTaskInstant(timing, next);
}
