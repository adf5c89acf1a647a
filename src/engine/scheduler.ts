/**
 * The Scheduler (DESIGN.md "Layers": engine): tasks, their next instants on one timeline with a
 * single capped timer, hold/resume/reschedule, and the public API the daemon and the library
 * use. It coordinates; the run life cycle is in run-flow.ts, the policies in policies/.
 */
import { isDeepStrictEqual } from 'node:util';
import type { TaskSpec } from '../config/types.js';
import { TaskkitError } from '../errors.js';
import type { Runner } from '../runner/types.js';
import type { Instant, ScheduleSpec } from '../schedule/types.js';
import { AfterIndex } from './after-index.js';
import { announceTask } from './announce.js';
import type { Clock } from './clock.js';
import { Emitter } from './emitter.js';
import type { EngineEventName, EngineListener } from './events.js';
import type { PendingRun } from './pending-run.js';
import type { MissedInstants } from './policies/catch-up.js';
import type { RunRecord } from './run.js';
import type { LogFunction, RestoredTaskState } from './ports.js';
import { restoreEntry } from './restore.js';
import { RunFlow } from './run-flow.js';
import { ShutdownGate } from './shutdown.js';
import { createTaskHandle } from './task-handle.js';
import { TaskEntry } from './task-entry.js';
import type { TaskStatus } from './task-state.js';
import { Timeline } from './timeline.js';
import { applyCatchUp, fireTask, handleClockJump, type WakeContext } from './wake.js';


export interface SchedulerOptions {
  clock: Clock;
  runner: Runner;
  /** Runs at once across all tasks; default 8. */
  maxConcurrent?: number;
  log?: LogFunction;
  /** [0, 1) numbers for jitter; default Math.random. */
  random?: () => number;
  /** Id of the first run; default 1 (a store continues its numbering). */
  firstRunId?: number;
}

export const DEFAULT_MAX_CONCURRENT = 8;
export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;

const FAILED_FOR_GOOD = new Set(['failed', 'timed-out', 'interrupted']);

export class Scheduler {
  readonly #clock: Clock;
  readonly #log: LogFunction;
  readonly #emitter: Emitter;
  readonly #timeline: Timeline;
  readonly #flow: RunFlow;
  readonly #tasks = new Map<string, TaskEntry>();
  readonly #afterIndex = new AfterIndex();
  readonly #wakeContext: WakeContext;
  /** Instants missed while the daemon was down, run by start(). */
  readonly #missedAtStart = new Map<TaskEntry, MissedInstants>();
  #seq = 0;
  #started = false;
  #shutdown: ShutdownGate | null = null;

  constructor(options: SchedulerOptions) {
    const maxConcurrent = options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
      throw new TaskkitError('USAGE', `maxConcurrent must be a whole number >= 1, got ${maxConcurrent}`);
    }
    this.#clock = options.clock;
    this.#log = options.log ?? (() => {});
    this.#emitter = new Emitter((event, error) =>
      this.#log('error', `a "${event}" listener threw: ${error instanceof Error ? error.message : String(error)}`),
    );
    this.#timeline = new Timeline(options.clock, (now, jumpMs, previousWall) => this.#wake(now, jumpMs, previousWall));
    const handleTarget = {
      reschedule: (entry: TaskEntry, spec: ScheduleSpec) => this.#reschedule(entry, spec),
      hold: (entry: TaskEntry, note: string | undefined) => this.#hold(entry, note),
      log: this.#log,
    };
    this.#flow = new RunFlow(
      {
        clock: options.clock,
        runner: options.runner,
        emitter: this.#emitter,
        timeline: this.#timeline,
        log: this.#log,
        random: options.random ?? Math.random,
        nextSeq: () => this.#seq++,
        createHandle: (run) => createTaskHandle(run, handleTarget),
        runEnded: (run, record, retried) => this.#runEnded(run, record, retried),
        budgetReleased: (entry) => this.#refreshNext(entry),
        taskChanged: (entry) => this.#announce(entry),
      },
      { maxConcurrent, firstRunId: options.firstRunId ?? 1 },
    );
    this.#wakeContext = {
      flow: this.#flow,
      timeline: this.#timeline,
      emitter: this.#emitter,
      log: this.#log,
      tasks: () => this.#tasks.values(),
      setNext: (entry, next) => this.#setNext(entry, next),
      announce: (entry) => this.#announce(entry),
    };
  }

  on<E extends EngineEventName>(event: E, listener: EngineListener<E>): () => void {
    return this.#emitter.on(event, listener);
  }

  /** Add a task; with `restored`, a restart's hold, reschedule, counters and catch-up. */
  add(task: TaskSpec, restored: RestoredTaskState = {}): TaskStatus {
    if (this.#tasks.has(task.name)) throw new TaskkitError('CONFLICT', `a task named "${task.name}" already exists`);
    const entry = new TaskEntry(task, this.#seq++);
    const now = this.#clock.now();
    const missed = restoreEntry(entry, restored, now);
    this.#tasks.set(task.name, entry);
    this.#afterIndex.link(task);
    this.#setNext(entry, entry.computeNext(Math.max(now, entry.lastScheduledAt ?? -Infinity)));
    if (missed !== null) {
      // Runs wait for start(); a task added to a running scheduler catches up at once.
      if (!this.#started) this.#missedAtStart.set(entry, missed);
      else if (this.#shutdown === null) applyCatchUp(this.#wakeContext, entry, missed);
    }
    return this.#announce(entry, true) ?? entry.toStatus();
  }

  /** A new definition of an existing task (reload): hold, runs and counters stay. */
  replace(task: TaskSpec): TaskStatus {
    const entry = this.#require(task.name);
    const old = entry.spec;
    const sameTiming =
      entry.override === null && old.timezone === task.timezone && isDeepStrictEqual(old.schedule, task.schedule);
    this.#afterIndex.unlink(old);
    this.#afterIndex.link(task);
    entry.spec = task;
    // A changed file wins over a run-time reschedule (DESIGN.md: "until reschedule --reset or a file change").
    entry.setSchedule(null);
    const now = this.#clock.now();
    if (task.hold !== old.hold) Object.assign(entry, { held: task.hold, holdNote: null, heldAt: task.hold ? now : null });
    const kept = entry.nextAt;
    if (sameTiming && kept !== null) {
      this.#setNext(entry, entry.hasBudget() && (task.until === null || kept < task.until) ? kept : null);
    } else {
      this.#setNext(entry, entry.computeNext(Math.max(now, entry.lastScheduledAt ?? -Infinity)));
    }
    return this.#announce(entry, true) ?? entry.toStatus();
  }

  /** No new runs; running ones finish and are then forgotten; waiting ones are dropped. */
  remove(name: string): void {
    const entry = this.#require(name);
    entry.removed = true;
    this.#tasks.delete(name);
    this.#afterIndex.unlink(entry.spec);
    this.#timeline.delete(entry.node);
    this.#missedAtStart.delete(entry);
    this.#flow.dropWaiting(entry, 'task removed');
  }

  has(name: string): boolean {
    return this.#tasks.has(name);
  }

  get(name: string): TaskStatus {
    return this.#require(name).toStatus();
  }

  /** Up to `count` instants the task will fire at (a held task's pass without running): `show`, `next`. */
  upcoming(name: string, count: number): Instant[] {
    return this.#require(name).upcoming(count);
  }

  /** Every task, in add order. */
  list(): TaskStatus[] {
    return [...this.#tasks.values()].map((entry) => entry.toStatus());
  }

  /** TaskKit's runTaskNow: trigger `manual`, subject to overlap and max-concurrent; held tasks too. */
  runNow(name: string): RunRecord {
    if (this.#shutdown !== null) throw new TaskkitError('STOPPED', 'the scheduler is stopping; no new runs');
    return this.#flow.trigger(this.#require(name), 'manual', null);
  }

  /** TaskKit's disableTask: scheduled instants pass without running until resume. */
  hold(name: string, note?: string): TaskStatus {
    const entry = this.#require(name);
    this.#hold(entry, note);
    return entry.toStatus();
  }

  /** TaskKit's enableTask: from the next instant strictly after now; the held time is not caught up. */
  resume(name: string): TaskStatus {
    const entry = this.#require(name);
    if (entry.held) {
      Object.assign(entry, { held: false, holdNote: null, heldAt: null });
      this.#setNext(entry, entry.computeNext(this.#clock.now()));
      this.#announce(entry, true);
    }
    return entry.toStatus();
  }

  /** TaskKit's setPeriod: a run-time schedule, or the file's again with null. Fine while running. */
  reschedule(name: string, spec: ScheduleSpec | null): TaskStatus {
    const entry = this.#require(name);
    this.#reschedule(entry, spec);
    return entry.toStatus();
  }

  /** Cancel the task's running runs (reason `cancel`) and drop its waiting ones; returns their records. */
  cancel(name: string): RunRecord[] {
    return this.#flow.cancelTask(this.#require(name));
  }

  /** The final record of a run (rejects NOT_FOUND for an id the engine does not know). */
  waitForRun(runId: number): Promise<RunRecord> {
    return this.#flow.waitFor(runId);
  }

  /** Fire `@reboot` tasks once, run instants missed while down, and arm the timer. */
  start(): void {
    if (this.#shutdown !== null) throw new TaskkitError('STOPPED', 'the scheduler was stopped; create a new one');
    if (this.#started) return;
    this.#started = true;
    this.#timeline.start();
    for (const entry of this.#tasks.values()) {
      if (entry.schedule.spec.kind === 'reboot' && !entry.held) this.#flow.trigger(entry, 'reboot', null);
    }
    for (const [entry, missed] of this.#missedAtStart) applyCatchUp(this.#wakeContext, entry, missed);
    this.#missedAtStart.clear();
  }

  /**
   * No new runs; waiting runs are dropped; running runs get `graceMs` (default 30 s), then are
   * cancelled (`shutdown`). Resolves once every run has ended. A later call may shorten the grace.
   */
  stop(options: { graceMs?: number } = {}): Promise<void> {
    if (this.#shutdown === null) {
      this.#shutdown = new ShutdownGate(this.#clock, () => this.#flow.cancelRunning('shutdown'));
      this.#timeline.stop();
      this.#flow.beginStop();
    }
    this.#shutdown.shortenGrace(options.graceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
    if (this.#flow.pending === 0) this.#shutdown.open();
    return this.#shutdown.done;
  }

  #require(name: string): TaskEntry {
    const entry = this.#tasks.get(name);
    if (entry === undefined) throw new TaskkitError('TASK_UNKNOWN', `no task named "${name}"`);
    return entry;
  }

  #wake(now: Instant, jumpMs: number, previousWall: Instant): void {
    if (jumpMs !== 0) handleClockJump(this.#wakeContext, now, jumpMs);
    // Instants after `lateBefore` were jumped over by a forward step; earlier ones are just late.
    // The step came before this wake's due instants: the timer was armed for them, so had the
    // wall clock reached one before stepping, the timer would have fired then. Only the wall time
    // seen at the previous wake is known to precede the step (not now - jumpMs: a suspend just
    // before a 02:00 instant must leave it to catch-up, not run it late as scheduled).
    const lateBefore = jumpMs > 0 ? previousWall : now;
    // A listener may stop the scheduler mid-wake: then the remaining due nodes stay unfired.
    for (let node = this.#timeline.takeDue(now); node !== undefined && this.#shutdown === null; node = this.#timeline.takeDue(now)) {
      try {
        if (node.kind === 'task') fireTask(this.#wakeContext, node.entry, node.at, now, lateBefore);
        else this.#flow.delayElapsed(node.run);
      } catch (error) {
        this.#log('error', `internal error at a wake: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }
  }

  #setNext(entry: TaskEntry, next: Instant | null): void {
    entry.nextAt = next;
    if (next === null) this.#timeline.delete(entry.node);
    else this.#timeline.set(entry.node, next);
  }

  /** A counted run gave its `max-runs` budget back: a task that looked done may have instants again. */
  #refreshNext(entry: TaskEntry): void {
    if (entry.removed || entry.nextAt !== null || !entry.hasBudget()) return;
    this.#setNext(entry, entry.computeNext(Math.max(this.#clock.now(), entry.lastScheduledAt ?? -Infinity)));
    this.#announce(entry);
  }

  #hold(entry: TaskEntry, note: string | undefined): void {
    if (!entry.held) Object.assign(entry, { held: true, holdNote: note ?? null, heldAt: this.#clock.now() });
    else if (note !== undefined) entry.holdNote = note;
    this.#announce(entry, true);
  }

  #reschedule(entry: TaskEntry, spec: ScheduleSpec | null): void {
    entry.setSchedule(spec);
    this.#setNext(entry, entry.computeNext(this.#clock.now()));
    this.#announce(entry, true);
  }

  /** After a run: dependency triggers (DESIGN.md `after`, `on-success`, `on-failure`), or the end of a stop. */
  #runEnded(run: PendingRun, record: RunRecord, retried: boolean): void {
    if (this.#shutdown !== null) {
      if (this.#flow.pending === 0) this.#shutdown.open();
      return;
    }
    const { spec } = run.entry;
    if (record.status === 'succeeded') {
      this.#triggerNamed(spec.name, [...this.#afterIndex.dependentsOf(spec.name), ...spec.onSuccess]);
    } else if (!retried && FAILED_FOR_GOOD.has(record.status)) {
      this.#triggerNamed(spec.name, spec.onFailure);
    }
  }

  #triggerNamed(from: string, names: readonly string[]): void {
    for (const name of new Set(names)) {
      const target = this.#tasks.get(name);
      if (target === undefined) this.#log('warn', `${from}: no task named "${name}" to trigger; ignored`);
      else this.#flow.trigger(target, 'dependency', null);
    }
  }

  #announce(entry: TaskEntry, force = false): TaskStatus | null {
    return announceTask(this.#emitter, entry, force);
  }
}
