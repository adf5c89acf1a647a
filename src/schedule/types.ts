/**
 * Schedule specs: what a task's timing *is*, after parsing and before any clock is read.
 * Pure data; `compileSchedule` (next.ts) turns a spec plus a time zone into a `Schedule`.
 */

/** Milliseconds since the Unix epoch (UTC). Every instant in taskkit is one of these. */
export type Instant = number;

/** A wall-clock date and time (month 1-12), in no zone until one is given. */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

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

/** RFC 5545 frequencies, coarsest first. */
export type RruleFrequency = 'YEARLY' | 'MONTHLY' | 'WEEKLY' | 'DAILY' | 'HOURLY' | 'MINUTELY' | 'SECONDLY';

/** A BYDAY item: a weekday (0 = Monday .. 6 = Sunday, dateutil's numbering), with an ordinal for "-1FR". */
export interface RruleWeekday {
  readonly weekday: number;
  /** 1..53 or -53..-1 ("2MO", "-1FR"); null for every such weekday in the period. */
  readonly ordinal: number | null;
}

/**
 * `rrule: RULE` (issue 17): an RFC 5545 RRULE expanded in the wall time of the task's zone from
 * DTSTART (`start:`, a local wall time), with python-dateutil's semantics. BY* lists are sorted,
 * without duplicates; an empty list means the part was not given (dateutil's defaults from
 * DTSTART apply when the rule is expanded, not here).
 */
export interface RruleSpec {
  readonly kind: 'rrule';
  /** The rule as written (without a leading "RRULE:"). */
  readonly rule: string;
  /** DTSTART as a local wall time: `start:`, else 2000-01-01 00:00:00 (startGiven false). */
  readonly start: WallTime;
  readonly startGiven: boolean;
  readonly freq: RruleFrequency;
  /** INTERVAL, >= 1 (default 1). */
  readonly interval: number;
  /** COUNT: occurrences counted from DTSTART; null when not given. */
  readonly count: number | null;
  /**
   * UNTIL, inclusive: "...Z" is an instant; without Z a local wall time in the task's zone
   * (a date alone is 00:00:00 of that date, as dateutil reads it). null when not given.
   */
  readonly until: { readonly instant: Instant } | { readonly wall: WallTime } | null;
  /** WKST, 0 = Monday .. 6 = Sunday (default 0). */
  readonly wkst: number;
  readonly bySecond: readonly number[];
  readonly byMinute: readonly number[];
  readonly byHour: readonly number[];
  readonly byDay: readonly RruleWeekday[];
  /** 1..31 or -31..-1. */
  readonly byMonthDay: readonly number[];
  /** 1..366 or -366..-1. */
  readonly byYearDay: readonly number[];
  /** 1..53 or -53..-1. */
  readonly byWeekNo: readonly number[];
  /** 1..12. */
  readonly byMonth: readonly number[];
  /** 1..366 or -366..-1. */
  readonly bySetPos: readonly number[];
}

export type ScheduleSpec = EverySpec | DailySpec | AtSpec | CronSpec | RruleSpec | RebootSpec | OnDemandSpec;

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
