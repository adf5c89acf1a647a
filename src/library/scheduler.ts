/**
 * The embedding API (DESIGN.md "Layers": index.ts): the daemon's engine as a class a Node program
 * can use directly, as TaskKit was embedded in Webware. Tasks are defined with the same keys and
 * the same validation as the tasks file; `run` may also be a function.
 */
import { ConfigError } from '../config/load.js';
import { resolveSettings, validateTaskDefinition, validateScheduleDefinition } from '../config/normalize.js';
import type { Settings } from '../config/types.js';
import { createSystemClock, type Clock } from '../engine/clock.js';
import type { EngineEventName, EngineListener } from '../engine/events.js';
import type { MakeResult } from '../engine/make-chain.js';
import type { Runner } from '../engine/ports.js';
import type { RunRecord } from '../engine/run.js';
import { Scheduler as EngineScheduler } from '../engine/scheduler.js';
import type { TaskStatus } from '../engine/task-state.js';
import { createRunner } from '../runner/runner.js';
import type { TaskFunction } from '../task-context.js';

/** Options of `new Scheduler()`; the `settings:` of a tasks file, plus injection points. */
export interface SchedulerOptions {
  /** Default time zone of the tasks (IANA name). Default: the system's. */
  readonly timezone?: string;
  /** Runs at once across all tasks. Default 8. */
  readonly maxConcurrent?: number;
  /** Concurrency groups: name -> most runs at once of the tasks with that `group`. Default none. */
  readonly groups?: Readonly<Record<string, number>>;
  /**
   * Exclusion calendars for the tasks' `except`: name -> dates as in the tasks file's
   * `settings.calendars` (a date "2026-12-25", a range "2026-12-24..2026-12-31", `{file: 'holidays.ics'}`
   * relative to `baseDir`, or a list mixing them). Read once, here. Default none.
   */
  readonly calendars?: Readonly<Record<string, CalendarDefinition>>;
  /** Shell of `run:` strings. Default /bin/sh. */
  readonly shell?: string;
  /** Folder that relative `cwd` and `module` paths are resolved against. Default process.cwd(). */
  readonly baseDir?: string;
  /** Inject a clock (tests). Default: the system clock. */
  readonly clock?: Clock;
  /** Inject a runner (tests). Default: taskkit's process/worker/function runner. */
  readonly runner?: Runner;
}

/** One calendar of `calendars`: a date, an inclusive range, an iCalendar file, or a list of them. */
export type CalendarDefinition = CalendarItem | readonly CalendarItem[];
type CalendarItem = string | Readonly<{ file: string }>;

/** A started `runMake`: the steps in order, the first step's run as triggered, and the chain's end. */
export interface MakeRun {
  readonly order: readonly string[];
  readonly first: RunRecord;
  /** Resolves once the last step ran or a step failed the chain (the rest recorded as skipped). */
  readonly done: Promise<MakeResult>;
}

/**
 * A task definition: the keys of a task in the tasks file (`every`, `daily`, `cron`, `at`, `rrule`,
 * `run`, `command`, `module`, `timeout`, `retry`, `overlap`, ...), where `run` may be a function.
 */
export type TaskDefinition = Readonly<Record<string, unknown>> & { readonly run?: string | TaskFunction };

/**
 * A new schedule for `reschedule`: one of `every` (with optional `start`), `daily`, `cron`, `at`,
 * `rrule` (with optional `start`, its DTSTART).
 */
export type ScheduleDefinition = Readonly<{
  every?: string;
  start?: string;
  daily?: string | readonly string[];
  cron?: string;
  at?: string | readonly string[];
  rrule?: string;
}>;

/**
 * Schedules tasks in this process.
 *
 * @example
 * const scheduler = new Scheduler({ timezone: 'Europe/Berlin' });
 * scheduler.add('sweep', { every: '10m', run: async (ctx) => { while (ctx.proceed()) await sweepOne(); } });
 * scheduler.on('run-finished', (run) => console.log(run.task, run.status));
 * scheduler.start();
 */
export class Scheduler {
  // Every method first books the runs the fast path entered and has not booked yet (a task function
  // calling the Scheduler during a wake): it sees the engine as if each had been booked at once.
  readonly #engine: EngineScheduler;
  readonly #settings: Settings;
  readonly #baseDir: string;

  constructor(options: SchedulerOptions = {}) {
    this.#baseDir = options.baseDir ?? process.cwd();
    this.#settings = resolveSettings(
      {
        timezone: options.timezone,
        'max-concurrent': options.maxConcurrent,
        groups: options.groups,
        calendars: options.calendars,
        shell: options.shell,
      },
      { baseDir: this.#baseDir, env: process.env },
    );
    // Precise: the engine's wakes wait out the last ms on the instant (engine/timeline.ts TIMER_LEAD_MS).
    const clock = options.clock ?? createSystemClock({ precise: true });
    this.#engine = new EngineScheduler({
      clock,
      runner: options.runner ?? createRunner({ clock }),
      maxConcurrent: this.#settings.maxConcurrent,
      groups: this.#settings.groups,
      // Due functions are entered before their runs are booked (engine/fast-fire.ts, issue 20): with
      // taskkit's own runner, whose function runs are entered when the engine says.
      fastFunctions: options.runner === undefined,
    });
  }

  /** Add a task; throws a ConfigError listing every problem of the definition. */
  add(name: string, definition: TaskDefinition): TaskStatus {
    this.#engine.settleEntered();
    const { task, issues } = validateTaskDefinition(name, definition, {
      settings: this.#settings,
      baseDir: this.#baseDir,
    });
    if (task === undefined) throw new ConfigError(issues);
    return this.#engine.add(task);
  }

  /** Remove a task: no new runs; running ones finish on their own. */
  remove(name: string): void {
    this.#engine.settleEntered();
    this.#engine.remove(name);
  }

  /** Start a run now (TaskKit's runTaskNow), subject to the task's `overlap` policy. */
  runNow(name: string): RunRecord {
    this.#engine.settleEntered();
    return this.#engine.runNow(name);
  }

  /**
   * cs.taskqueue's make (`taskkit run-now NAME --make`): the task's `after-all` prerequisites first,
   * transitively, each once, in dependency order, then the task; a step that does not succeed (after
   * its retries) stops the chain and the steps after it are recorded as skipped (`prerequisite-failed`).
   */
  runMake(name: string): MakeRun {
    this.#engine.settleEntered();
    const { chain, first } = this.#engine.runMake(name);
    return { order: chain.order, first, done: chain.done };
  }

  /** Suppress scheduled runs until `resume` (TaskKit's disableTask). */
  hold(name: string, note?: string): TaskStatus {
    this.#engine.settleEntered();
    return this.#engine.hold(name, note);
  }

  /** Resume a held task from its next instant after now (TaskKit's enableTask). */
  resume(name: string): TaskStatus {
    this.#engine.settleEntered();
    return this.#engine.resume(name);
  }

  /** Change a task's schedule at run time (TaskKit's setPeriod), or back to its own with null. */
  reschedule(name: string, schedule: ScheduleDefinition | null): TaskStatus {
    this.#engine.settleEntered();
    if (schedule === null) return this.#engine.reschedule(name, null);
    const timezone = this.#engine.get(name).spec.timezone;
    const { spec, issues } = validateScheduleDefinition(schedule, timezone);
    if (spec === undefined) throw new ConfigError(issues);
    return this.#engine.reschedule(name, spec);
  }

  /** Cancel the task's running runs and drop its queued ones. */
  cancel(name: string): RunRecord[] {
    this.#engine.settleEntered();
    return this.#engine.cancel(name);
  }

  /** Every task's status, in the order they were added. */
  list(): TaskStatus[] {
    this.#engine.settleEntered();
    return this.#engine.list();
  }

  /** One task's status. */
  get(name: string): TaskStatus {
    this.#engine.settleEntered();
    return this.#engine.get(name);
  }

  /** Resolves with the final record of a queued or running run. */
  waitForRun(runId: number): Promise<RunRecord> {
    this.#engine.settleEntered();
    return this.#engine.waitForRun(runId);
  }

  /** Subscribe to an engine event; returns the unsubscribe function. */
  on<E extends EngineEventName>(event: E, listener: EngineListener<E>): () => void {
    this.#engine.settleEntered();
    return this.#engine.on(event, listener);
  }

  /**
   * Start scheduling, and fire `@reboot` tasks: at every start, since the library knows no boots
   * (the daemon runs them once per machine boot: taskkit.yaml(5) `reboot`).
   */
  start(): void {
    this.#engine.settleEntered();
    this.#engine.start();
  }

  /** Stop: no new runs; running runs get `graceMs` (default 30 s), then are cancelled. */
  stop(options?: { graceMs?: number }): Promise<void> {
    this.#engine.settleEntered();
    return this.#engine.stop(options);
  }
}
