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
  #exclusion: Exclusion | null = null;

  constructor(entry: TimingSource) {
    this.withoutCalendars = new TimingWithoutCalendars(entry);
  }

  /** `except:` calendars in the task's zone, or null (schedule/excluded-dates.ts). */
  get exclusion(): Exclusion | null {
    return this.#exclusion;
  }

  /** The spec's calendars (at add, and at each reload: their dates may have changed). */
  update(spec: Pick<TaskSpec, 'except' | 'timezone'>): void {
    this.#exclusion = buildExclusion(spec.except, spec.timezone);
  }

  /** `next` (the timeline's) as `list`, `show` and `status` show it: the first instant not on an excluded date. */
  shownNext(timing: TaskTiming, next: Instant | null): Instant | null {
    if (next === null || this.#exclusion === null || this.#exclusion.excludedUntil(next) === null) return next;
    return nextTaskInstant(timing, next);
  }
}
