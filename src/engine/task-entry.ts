/**
 * One task's engine state, owned here: a change goes through a method that keeps its rules (one hold value:
 * task-hold.ts; the `max-runs` budget, derived from runs started and counted runs waiting: max-runs.ts), else its
 * dead-man watch (a value: dead-man-watch.ts) and alerts sent (alerts.ts applyAlerts) are replaced by task-health.ts,
 * the last task-changed by task-status-of.ts. Its outside view: task-state.ts's TaskStatus, from task-status-of.ts.
 */
import { isSameDefinition, isSameTiming } from '../config/definition.js';
import type { TaskSpec } from '../config/types.js';
import { compileSchedule, compileSharedSchedule } from '../schedule/next.js';
import type { Exclusion } from '../schedule/excluded-dates.js';
import { nextTaskInstant, upcomingTaskInstants, type TaskTiming } from '../schedule/task-instants.js';
import type { Instant, Schedule, ScheduleSpec } from '../schedule/types.js';
import { NO_ALERTS } from './alerts.js';
import { calendarsOf } from './task-calendars.js';
import { NextInstantMemo } from './next-memo.js';
import { DeadManWatch } from './dead-man-watch.js';
import { JoinProgress, redefinedJoin } from './join.js';
import type { RestoredTaskState } from './ports.js';
import type { RunRecord } from './run.js';
import { countsTowardsMaxRuns, givesBudgetBack, runsLeftOfMaxRuns } from './max-runs.js';
import { nextHold, type TaskHold } from './task-hold.js';
import { NO_RUNS, RareStateHolder } from './task-rare-state.js';
import type { HoldEndNode, OverdueNode, TaskNode, TrackedRun } from './task-nodes.js';
import type { AlertState, GroupDescriber, TaskStateName } from './task-state.js';

export type { TrackedRun } from './task-nodes.js';

/** Its rare state (task-rare-state.ts) is the base's: `rare` to read, `ownRare` and `putRare` to change. */
export class TaskEntry<R extends TrackedRun = TrackedRun>
  extends RareStateHolder<TaskEntry<R>, R>
  implements TaskNode<TaskEntry<R>>
{
  // The entry is its own timeline node (`node`): a node object per task cost 64 bytes and a boxed instant (issue 20.4).
  at = 0; // owned by the timeline's heap, as `heapIndex`
  readonly seq: number;
  heapIndex = -1;
  #spec: TaskSpec;
  #schedule: Schedule;
  #nextAt: Instant | null = null;
  /** Runs not ended, in trigger order; starts as one shared frozen [] (100,000 idle tasks, no arrays). */
  #active: R[] = NO_RUNS;
  #scheduledRuns: number;
  /** The latest instant dealt with: fired, skipped by catch-up, or passed while held. */
  #lastScheduledAt: Instant | null;
  alertState: AlertState; // which alerts of `notify:` were sent: changed only by alerts.ts applyAlerts
  deadMan: DeadManWatch; // `expect-success-within`: a value, replaced by task-health.ts (dead-man-watch.ts)
  // What the last task-changed said of it (task-status-of.ts): fields, not a record of them (issue 20.4).
  announcedState: TaskStateName | null = null;
  announcedNextAt: Instant | null = null;
  announcedHeld = false;
  announcedSchedule: ScheduleSpec | null = null;
  describeGroup: GroupDescriber = () => null; // its `group:` as its status says it; Scheduler.add sets the run flow's
  preparedFire: object | null = null; // the fast path's run of the next instant, made ahead (fast-fire.ts), or null

  /**
   * A task as added: with `restored`, a restart's reschedule, hold, counters and alerts (else the file's `hold:`).
   * A restored hold whose `until` is not after `now` ended while down: not held (Scheduler.add skips its catch-up).
   */
  constructor(spec: TaskSpec, seq: number, restored: RestoredTaskState, now: Instant) {
    super();
    this.seq = seq;
    this.#spec = spec;
    this.putRare('override', restored.schedule ?? null);
    this.#schedule = compileSharedSchedule(restored.schedule ?? spec.schedule, spec.timezone);
    this.putRare('calendars', calendarsOf(this, spec));
    this.#scheduledRuns = restored.scheduledRuns ?? 0;
    this.putRare('failedSlots', restored.failedSlots ?? 0);
    this.alertState = restored.alerts ?? NO_ALERTS;
    const hold = restored.hold !== undefined ? restored.hold : spec.hold ? { note: null, at: now } : null;
    if (hold !== null && (hold.until == null || hold.until > now)) this.hold(hold.note, hold.at, hold.until ?? null);
    this.#lastScheduledAt = restored.lastScheduledAt ?? null;
    this.deadMan = DeadManWatch.from(restored.lastSuccessAt ?? null, now);
    if (spec.afterAll !== undefined) this.ownRare.join = new JoinProgress(spec.afterAll, restored.join);
  }

  get kind(): 'task' {
    return 'task';
  }

  get entry(): this {
    return this;
  }

  /** Its next instant's node on the timeline: the entry itself. */
  get node(): TaskNode<TaskEntry<R>> {
    return this;
  }

  // Its hold's end and dead-man deadline nodes, made on first use; null: on no timeline (most tasks, issue 20.4).
  get madeHoldEndNode(): HoldEndNode<TaskEntry<R>> | null {
    return this.rare.holdEndNode;
  }

  get madeOverdueNode(): OverdueNode<TaskEntry<R>> | null {
    return this.rare.overdueNode;
  }

  get holdEndNode(): HoldEndNode<TaskEntry<R>> {
    return (this.ownRare.holdEndNode ??= { kind: 'hold-end', entry: this, at: 0, seq: this.seq, heapIndex: -1 });
  }

  get overdueNode(): OverdueNode<TaskEntry<R>> {
    return (this.ownRare.overdueNode ??= { kind: 'overdue', entry: this, at: 0, seq: this.seq, heapIndex: -1 });
  }

  get spec(): TaskSpec {
    return this.#spec;
  }

  get join(): JoinProgress | null {
    return this.rare.join;
  }

  get schedule(): Schedule {
    return this.#schedule;
  }

  get rescheduled(): boolean {
    return this.rare.override !== null;
  }

  get nextAt(): Instant | null {
    return this.#nextAt;
  }

  get currentHold(): TaskHold | null {
    return this.rare.hold;
  }

  get held(): boolean {
    return this.rare.hold !== null;
  }

  /** When the hold ends by itself, or null (not held, or held until resume). */
  get holdEndsAt(): Instant | null {
    return this.rare.hold?.until ?? null;
  }

  /** When the task goes overdue: null without `expect-success-within`, once overdue, or once removed. */
  get overdueAt(): Instant | null {
    return this.rare.removed ? null : this.deadMan.dueAt(this.#spec.expectSuccessWithinMs);
  }

  get lastScheduledAt(): Instant | null {
    return this.#lastScheduledAt;
  }

  get removed(): boolean {
    return this.rare.removed;
  }

  /** Runs not yet ended, in trigger order. */
  get active(): readonly R[] {
    return this.#active;
  }

  /** Runs waiting behind the task's other runs, in order. */
  get serialCount(): number {
    return this.rare.serial.length;
  }

  /**
   * A new definition (reload): runs, counters, alerts, hold stay; a run-time reschedule goes (DESIGN.md: "until
   * reschedule --reset or a file change"; a new `notify:` alone is none); a changed `hold:` applies from `now`.
   * Returns whether the timing is unchanged, so the next instant may stay.
   */
  redefine(spec: TaskSpec, now: Instant): boolean {
    const old = this.#spec;
    const same = isSameDefinition(old, spec);
    const sameTiming = same || (this.rare.override === null && isSameTiming(old, spec));
    this.#spec = spec;
    this.putRare('calendars', calendarsOf(this, spec));
    this.putRare('join', redefinedJoin(this.rare.join, spec.afterAll));
    if (!same) this.reschedule(null);
    if (spec.hold !== old.hold) {
      this.release();
      if (spec.hold) this.hold(null, now);
    }
    return sameTiming;
  }

  /** Switch to a run-time schedule (TaskKit's setPeriod), or back to the file's with null. */
  reschedule(override: ScheduleSpec | null): void {
    this.putRare('override', override);
    this.#schedule = compileSchedule(override ?? this.#spec.schedule, this.#spec.timezone);
  }

  /** Hold from `at`; on a held task only the note (when given) and `until` (when given) change (task-hold.ts). */
  hold(note: string | null | undefined, at: Instant, until?: Instant | null): void {
    this.preparedFire = null; // made ahead for a task not held (fast-fire.ts's lane)
    this.putRare('hold', nextHold(this.rare.hold, note, at, until));
  }

  /** Scheduled (and catch-up) runs started so far, counted for `max-runs`. */
  get scheduledRuns(): number {
    return this.#scheduledRuns;
  }

  /** The most recent finished or skipped run, or null. */
  get lastRun(): RunRecord | null {
    return this.rare.lastRun;
  }

  /** Consecutive failed slots so far. */
  get failedSlots(): number {
    return this.rare.failedSlots;
  }

  /**
   * A scheduled slot ended for good (its last attempt): a failure counts, a success resets the count.
   * Returns true when the count reaches `hold-after-failures` on a task not held: the caller holds it.
   */
  slotEnded(failed: boolean): boolean {
    this.putRare('failedSlots', failed ? this.rare.failedSlots + 1 : 0);
    const limit = this.#spec.holdAfterFailures;
    return failed && limit !== undefined && this.rare.failedSlots >= limit && this.rare.hold === null;
  }

  /** Whether the hold is an auto-hold: the task is held with its failed slots at `hold-after-failures`. */
  get autoHeld(): boolean {
    const limit = this.#spec.holdAfterFailures;
    return this.rare.hold !== null && limit !== undefined && this.rare.failedSlots >= limit;
  }

  /** End the hold (and forget the failed slots: `resume` starts the count afresh); false when the task was not held. */
  release(): boolean {
    const wasHeld = this.rare.hold !== null;
    this.putRare('failedSlots', 0);
    this.putRare('hold', null);
    return wasHeld;
  }

  setNextAt(next: Instant | null): void {
    this.#nextAt = next;
  }

  /** `instant` was dealt with (fired, missed, or passed while held). */
  dealtWith(instant: Instant): void {
    this.#lastScheduledAt = instant;
  }

  markRemoved(): void {
    this.putRare('removed', true);
  }

  /**
   * This task came back to the file under the name of `previous`, a removed entry whose runs go on: they become
   * this entry's, so overlap, `cancel NAME` and `status` count them (issue 15 point 9). The caller repoints them.
   */
  adoptRuns(previous: TaskEntry<R>): readonly R[] {
    const runs = previous.#active;
    if (runs.length === 0) return runs;
    previous.#active = NO_RUNS;
    previous.putRare('serial', NO_RUNS);
    if (this.#active === NO_RUNS) this.#active = [];
    this.#active.push(...runs);
    return runs;
  }

  /** Track a new run; a counted one reserves `max-runs` budget until it starts or ends. */
  addRun(run: R): void {
    // A literal for the first run: a push into an emptied array allocates a 17-slot store (issue 20).
    if (this.#active.length === 0) this.#active = [run];
    else this.#active.push(run);
  }

  /** `run` (tracked) waits behind the task's other runs. */
  queueSerial(run: R): void {
    const rare = this.ownRare;
    if (rare.serial === NO_RUNS) rare.serial = [];
    rare.serial.push(run);
  }

  /** The head of the serial queue, taken off it, once nothing else of the task is going or waiting. */
  takeReleasedSerial(): R | undefined {
    const serial = this.rare.serial;
    if (serial.length === 0 || this.#active.length > serial.length) return undefined;
    return this.ownRare.serial.shift();
  }

  /** `run` was handed to the runner: a counted run's reserved budget is spent. */
  spendBudget(run: R): void {
    if (countsTowardsMaxRuns(run.record.trigger)) this.#scheduledRuns++;
  }

  /** `run` ended as `record`: forget it. True when it gave back reserved budget (a counted run that never started). */
  removeRun(run: R, record: RunRecord): boolean {
    const index = this.#active.indexOf(run);
    if (index >= 0 && this.#active.length === 1) this.#active = NO_RUNS;
    else if (index >= 0) this.#active.splice(index, 1);
    const serialIndex = this.rare.serial.indexOf(run);
    if (serialIndex >= 0) this.ownRare.serial.splice(serialIndex, 1);
    this.putRare('lastRun', record);
    return givesBudgetBack(record);
  }

  /**
   * `run` ended unrecorded (its claim yielded it: another host has it): forget it without making it
   * the task's latest run. True when it gave back reserved budget.
   */
  forgetRun(run: R, record: RunRecord): boolean {
    const lastRun = this.rare.lastRun;
    const released = this.removeRun(run, record);
    this.putRare('lastRun', lastRun);
    return released;
  }

  /** A trigger that never became a run (skipped at once) is the task's latest run. */
  noteSkipped(record: RunRecord): void {
    this.putRare('lastRun', record);
  }

  /** How many more counted runs `max-runs` allows (max-runs.ts). */
  budget(): number {
    return runsLeftOfMaxRuns(this.#spec.maxRuns, this.#scheduledRuns, this.#active);
  }

  /** Whether `max-runs` leaves room for one more scheduled run. */
  hasBudget(): boolean {
    return this.#spec.maxRuns === null || this.budget() > 0;
  }

  /*
   * The TaskTiming the rule of schedule/task-instants.ts reads: the entry itself (with `schedule`
   * and `lastScheduledAt` above), so that the hot path allocates nothing per computation.
   */
  get until(): Instant | null {
    return this.#spec.until;
  }

  get runsLeft(): number {
    return this.budget();
  }

  get exclusion(): Exclusion | null {
    return this.rare.calendars?.exclusion ?? null;
  }

  /** Its TaskTiming without calendars, the timeline's (task-calendars.ts): the entry itself when it has none. */
  get withoutCalendars(): TaskTiming {
    return this.rare.calendars?.withoutCalendars ?? this;
  }

  /** The schedule's next instant strictly after `after`, honouring `until`; excluded dates included. */
  scheduleNext(after: Instant): Instant | null {
    return nextTaskInstant(this.withoutCalendars, after);
  }

  /**
   * scheduleNext(after), remembered for the last `after` asked while what it depends on (schedule,
   * `until`, the last instant dealt with) stays: a fire's fast path (engine/fast-fire.ts) reads what
   * the previous fire's booking computed, and that fire's plan reads it again.
   */
  scheduleNextRemembered(after: Instant): Instant | null {
    const memo = (this.ownRare.memo ??= new NextInstantMemo());
    const known = memo.recall(after, this.#schedule, this.#spec, this.#lastScheduledAt);
    if (known !== undefined) return known;
    const next = this.scheduleNext(after);
    memo.remember(after, next, this.#schedule, this.#spec, this.#lastScheduledAt);
    return next;
  }

  /** The next instant strictly after `after` that may run: not on an excluded date (catch-up's missed instants). */
  runnableNext(after: Instant): Instant | null {
    return nextTaskInstant(this, after);
  }

  /** The timeline's next instant after `after`, excluded dates included; none once `max-runs` or `until` ends it. */
  computeNext(after: Instant): Instant | null {
    return this.hasBudget() ? nextTaskInstant(this.withoutCalendars, after) : null;
  }

  /**
   * Up to `count` instants this task will fire at from its next one on, those before `listFrom`
   * left out (a held task's pass without running): `show`, `next`.
   */
  upcoming(count: number, listFrom?: Instant): Instant[] {
    return this.#nextAt === null ? [] : upcomingTaskInstants(this, this.#nextAt - 1, count, listFrom);
  }

  /** The run a new trigger collides with (overlap): the running one first, else the oldest waiting. */
  collidingRun(): R | null {
    return this.#active.find((run) => run.phase === 'running') ?? this.#active[0] ?? null;
  }

  /** No instants of its own (on demand, `@reboot`): it runs only when something triggers it. */
  get triggeredOnly(): boolean {
    const kind = this.#schedule.spec.kind;
    return kind === 'on-demand' || kind === 'reboot';
  }

  state(): TaskStateName {
    if (this.rare.removed) return 'removed';
    if (this.#active.some((run) => run.phase === 'running')) return 'running';
    if (this.rare.hold !== null) return 'held';
    if (this.triggeredOnly) return 'on-demand';
    return this.#nextAt === null && this.#active.length === 0 ? 'done' : 'scheduled';
  }
}
