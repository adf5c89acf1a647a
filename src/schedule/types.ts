/**
 * Schedule specs: what a task's timing *is*, after parsing and before any clock is read.
 * Pure data; `compileSchedule` (next.ts) turns a spec plus a time zone into a `Schedule`.
 */

/** Milliseconds since the Unix epoch (UTC). Every instant in taskkit is one of these. */
export type Instant = number;

/** A wall-clock time of day. */
export interface TimeOfDay {
  readonly hour: number; // 0-23
  readonly minute: number; // 0-59
  readonly second: number; // 0-59
}

/** `every: D` - fixed rate on the absolute timeline, phase anchored at `anchor`. */
export interface EverySpec {
  readonly kind: 'every';
  /** The period in ms (> 0). */
  readonly periodMs: number;
  /**
   * The phase anchor as an instant: `start:` when given, else local midnight 2000-01-01 in the
   * task's zone (DESIGN.md), so `every: 1h` fires on the hour and restarts never shift the phase.
   * Instants before `start` never fire when `start` was given explicitly (`startGiven`).
   */
  readonly anchor: Instant;
  readonly startGiven: boolean;
}

/** `daily: HH:MM` or a list: wall-clock times in the task's zone, every day. */
export interface DailySpec {
  readonly kind: 'daily';
  /** Sorted ascending, no duplicates, at least one. */
  readonly times: readonly TimeOfDay[];
}

/** `at: ISO` or a list: one-shot instants (TaskKit's addTimedAction). */
export interface AtSpec {
  readonly kind: 'at';
  /** Sorted ascending, no duplicates, at least one. */
  readonly instants: readonly Instant[];
}

/** `cron: EXPR` with 5 fields (minute first) or 6 (second first), or a macro. */
export interface CronSpec {
  readonly kind: 'cron';
  /** The expression as written (macros kept, e.g. "@hourly"). */
  readonly expression: string;
}

/** `cron: "@reboot"`: once when the daemon starts; `next()` is always null. */
export interface RebootSpec {
  readonly kind: 'reboot';
}

/** No schedule: runs only on demand (run-now, `after`, on-success/on-failure). */
export interface OnDemandSpec {
  readonly kind: 'on-demand';
}

export type ScheduleSpec = EverySpec | DailySpec | AtSpec | CronSpec | RebootSpec | OnDemandSpec;

/** A schedule bound to a time zone, ready to answer "when next?". */
export interface Schedule {
  readonly spec: ScheduleSpec;
  /** IANA zone name, e.g. "Europe/Berlin". */
  readonly timezone: string;
  /** The first instant strictly after `after`, or null if there is none (ever again). */
  next(after: Instant): Instant | null;
}

/** Result of parsing user input: a value, or a message saying what was expected. */
export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly message: string;
      /** Where in the input text the problem is, 0-based, when known (config/ turns it into a column). */
      readonly offset?: number;
    };
