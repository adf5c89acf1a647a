/**
 * The engine's loop (DESIGN.md "Layers": engine), under the Scheduler's public API (scheduler.ts):
 * one timeline of due instants with a single capped timer, what a wake does to tasks (fire, catch-up,
 * clock steps), and the drain of the run flow's effects. It drives and is never called back: task
 * state changes only through TaskEntry's methods, and a run's life is decided by run-flow.ts, which
 * reports what follows as FlowEffect data that drain() applies.
 */
import { TaskkitError } from '../errors.js';
import type { Instant, Schedule, ScheduleSpec } from '../schedule/types.js';
import type { Trigger } from '../task-context.js';
import type { ActiveRun, Task } from './active-run.js';
import { AfterIndex } from './after-index.js';
import { checkVerdict, claimFailed } from './claim.js';
import type { Clock } from './clock.js';
import { Emitter } from './emitter.js';
import type { FastFire } from './fast-fire.js';
import { passExcludedDates } from './excluded-instants.js';
import { planFire, type FirePlan } from './fire-plan.js';
import type { FlowEffect } from './flow-effects.js';
import { createJoinIndex } from './joins.js';
import { describeError, type LaunchedRun } from './launch.js';
import type { MissedInstants } from './policies/catch-up.js';
import type { LogFunction } from './ports.js';
import { PinnedClock } from './pinned-clock.js';
import type { RunRecord } from './run.js';
import { sequelNames, upstreamOf, type SequelIndex } from './run-sequels.js';
import { CancellableRunFlow } from './run-cancel.js';
import type { RunChain } from './run-chain.js';
import type { TriggerOptions } from './run-flow.js';
import type { ShutdownGate } from './shutdown.js';
import { SkippedSpans } from './skipped-spans.js';
import { createTaskHandle, type TaskOperations } from './task-handle.js';
import type { TaskStatus } from './task-state.js';
import { announcementDue, taskStatusOf } from './task-status-of.js';
import { TaskHealth } from './task-health.js';
import { Timeline } from './timeline.js';
import { TurnCommit } from './turn-commit.js';
import { DEFAULT_MAX_CONCURRENT, runIdCounter, type SchedulerOptions } from './scheduler-options.js';

const JITTER: TriggerOptions = { jitter: true };

export abstract class EngineLoop implements TaskOperations {
  protected readonly clock: Clock;
  protected readonly log: LogFunction;
  protected readonly emitter: Emitter;
  protected readonly timeline: Timeline;
  protected readonly flow: CancellableRunFlow;
  protected readonly tasks = new Map<string, Task>();
  /**
   * Tasks a reload removed (or renamed) while runs of them went on, by name, until their last run
   * ends or a task of that name comes back and adopts the runs (issue 15 point 9). Never scheduled.
   */
  protected readonly removedWithRuns = new Map<string, Task>();
  protected readonly afterIndex = new AfterIndex();
  /** Parent -> the joins (`after-all`) waiting for it; make chains going on, which run their joins themselves. */
  protected readonly joinIndex = createJoinIndex();
  protected readonly makeChains = new Set<RunChain>();
  readonly #sequelIndex: SequelIndex = {
    tasks: this.tasks,
    afterIndex: this.afterIndex,
    joinIndex: this.joinIndex,
    chains: this.makeChains,
    changed: (join) => this.announce(join, true),
  };
  /** Instants passing without a wake (held, excluded dates), counted into one row per span. */
  protected readonly spans: SkippedSpans;
  /** Set by stop(): no new runs, and the last run to end opens it. */
  protected shutdown: ShutdownGate | null = null;
  /** Dead-man, failed slots, auto-hold and `notify:` alerts (task-health.ts). */
  readonly #health: TaskHealth;
  /** Drains and wakes under way: the runs claimed in a turn launch when the outermost one ends. */
  #turnDepth = 0;
  /** The in-process fast path (fast-fire.ts, set up by fast-booking.ts), or null. */
  protected fast: FastFire | null = null;
  /** The clock everything here reads; pinned while the fast path books a run. */
  protected readonly pinnedClock: PinnedClock;
  protected readonly takeRunId: () => number;

  constructor(options: SchedulerOptions) {
    const maxConcurrent = options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
      throw new TaskkitError('USAGE', `maxConcurrent must be a whole number >= 1, got ${maxConcurrent}`);
    }
    const log = options.log ?? (() => {});
    const takeRunId = options.nextRunId ?? runIdCounter(options.firstRunId ?? 1);
    this.takeRunId = takeRunId;
    const clock = new PinnedClock(options.clock);
    this.pinnedClock = clock;
    this.clock = clock;
    this.log = log;
    this.emitter = new Emitter((event, error) => log('error', `a "${event}" listener threw: ${describeError(error)}`));
    this.timeline = new Timeline(clock, (now, jumpMs, previousWall) => this.#wake(now, jumpMs, previousWall));
    this.flow = new CancellableRunFlow({
      clock,
      runner: options.runner,
      claim: options.claim ?? null,
      turn: options.claimCommit === undefined ? null : new TurnCommit(options.claimCommit, log, options.runner.batcher),
      emitter: this.emitter,
      timeline: this.timeline,
      log,
      random: options.random ?? Math.random,
      jitterOf: options.jitterOf ?? null,
      maxConcurrent,
      groups: options.groups ?? {},
      nextRunId: takeRunId,
      // A run's own code acts on its task through the public API, like any client.
      createHandle: (run) => createTaskHandle(run, this, log),
    });
    this.spans = new SkippedSpans(this.emitter, takeRunId);
    this.#health = new TaskHealth({
      clock,
      log,
      emitter: this.emitter,
      announce: (entry, force) => this.announce(entry, force),
      syncOverdue: (entry) => this.syncOverdue(entry),
      beginHold: (entry) => this.beginHold(entry),
      stopping: () => this.shutdown !== null,
    });
  }

  abstract hold(name: string, note?: string): TaskStatus;
  abstract reschedule(name: string, spec: ScheduleSpec | null): TaskStatus;
  /** A hold's life (scheduler.ts): it begins (parked, runs not started dropped), its end on the timeline, it ends. */
  protected abstract beginHold(entry: Task): void;
  protected abstract syncHoldEnd(entry: Task): void;
  protected abstract endHoldIfDue(entry: Task, now: Instant): void;
  /** Apply `catch-up` to missed instants (late-catch-up.ts). */
  protected abstract catchUp(entry: Task, missed: MissedInstants): void;

  /** Trigger a run; its record as it stands after the turn (running, once claimed and launched). */
  protected trigger(entry: Task, trigger: Trigger, scheduledAt: Instant | null, options?: TriggerOptions): RunRecord {
    const record = this.flow.trigger(entry, trigger, scheduledAt, options);
    this.drain();
    return this.flow.currentRecord(record);
  }

  /**
   * Apply the flow's effects in the order they happened. What applying one causes (a dependency
   * trigger's own effects) is applied before the next, as a direct call would have been. The
   * outermost drain ends the turn: the runs claimed in it launch after one commit of their claims.
   */
  protected drain(): void {
    this.inOneTurn(() => this.#applyEffects());
  }

  /** Run `work` as (part of) one engine turn: the runs it claims launch when the outermost turn ends. */
  protected inOneTurn<T>(work: () => T): T {
    this.#turnDepth++;
    try {
      return work();
    } finally {
      this.#turnDepth--;
      if (this.#turnDepth === 0) this.#endTurn();
    }
  }

  /** Launch the turn's claimed runs; what they cause (a function task over at once) may claim more. */
  #endTurn(): void {
    this.#turnDepth++;
    try {
      while (this.flow.launchClaimed()) this.#applyEffects();
    } finally {
      this.#turnDepth--;
    }
  }

  #applyEffects(): void {
    const effects = this.flow.takeEffects();
    if (effects === null) return;
    for (const effect of effects) {
      this.#apply(effect);
      this.#applyEffects();
    }
  }

  #apply(effect: FlowEffect): void {
    switch (effect.kind) {
      case 'task-changed':
        this.announce(effect.entry);
        return;
      case 'budget-released':
        this.#refreshNext(effect.entry);
        return;
      case 'run-ended':
        this.#runEnded(effect.run.entry, effect.record, effect.sequel);
        return;
      case 'run-yielded':
        this.#runGone(effect.run.entry, effect.record);
        return;
      case 'launched':
        // A run of a join task started: what its parents did so far is its (engine/join.ts).
        if (effect.run.entry.join?.restart(this.clock.now()) === true) this.announce(effect.run.entry, true);
        this.#enter(effect.run, effect.launched);
        return;
      case 'claim-pending':
        Promise.resolve(effect.verdict)
          .then(
            (verdict) => this.flow.claimSettled(effect.run, checkVerdict(verdict)),
            (error: unknown) => this.flow.claimSettled(effect.run, claimFailed(error)),
          )
          .then(() => this.drain())
          .catch((error: unknown) =>
            this.log('error', `internal error after the claim of run #${effect.run.record.id}: ${String(error)}`),
          );
    }
  }

  /**
   * Enter a launched run (a function task's code runs now, with the engine in a settled state, as
   * from a microtask before): one that is over at once (a function that returned without a promise,
   * or threw) is finished in this turn, so the next due function waits for no promise (issue 20).
   */
  #enter(run: ActiveRun, launched: LaunchedRun): void {
    // Not the fast path's booked run: its code runs now, and the time it takes passes on a pinned clock too.
    const outcome = run.preEntered === null ? this.pinnedClock.enter(launched) : launched.enter();
    if (outcome !== undefined) return this.flow.finish(run, outcome);
    launched.done
      .then((settled) => {
        this.flow.finish(run, settled);
        this.drain();
      })
      .catch((error: unknown) => this.log('error', `internal error after run #${run.record.id}: ${String(error)}`));
  }

  #wake(now: Instant, jumpMs: number, previousWall: Instant): void {
    // Every run due at this wake is claimed first, then all start after one commit (issue 20.2).
    this.inOneTurn(() => this.#wakeTurn(now, jumpMs, previousWall));
  }

  #wakeTurn(now: Instant, jumpMs: number, previousWall: Instant): void {
    if (jumpMs !== 0) this.#clockJumped(now, jumpMs);
    // Instants after `lateBefore` were jumped over by a forward step; earlier ones are just late.
    // The step came before this wake's due instants: the timer was armed for them, so had the
    // wall clock reached one before stepping, the timer would have fired then. Only the wall time
    // seen at the previous wake is known to precede the step (not now - jumpMs: a suspend just
    // before a 02:00 instant must leave it to catch-up, not run it late as scheduled).
    const lateBefore = jumpMs > 0 ? previousWall : now;
    // After a clock step every fire takes the ordinary path.
    const fast = jumpMs === 0 ? this.fast : null;
    fast?.beginWake(now, lateBefore);
    // A listener may stop the scheduler mid-wake: then the remaining due nodes stay unfired.
    for (
      let node = this.timeline.takeDue(now);
      node !== undefined && this.shutdown === null;
      node = this.timeline.takeDue(now)
    ) {
      try {
        // A due function enters at once; anything else first books the functions entered before it.
        if (node.kind === 'task' && fast?.tryEnter(node.entry, node.at) === true) continue;
        fast?.flush();
        if (node.kind === 'task') this.#fire(node.entry, node.at, now, lateBefore);
        else if (node.kind === 'hold-end') this.endHoldIfDue(node.entry, now);
        else if (node.kind === 'overdue') this.#health.goOverdue(node.entry, node.at);
        else {
          this.flow.delayElapsed(node.run);
          this.drain();
        }
      } catch (error) {
        this.log(
          'error',
          `internal error at a wake: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      }
    }
    fast?.endWake();
  }

  /**
   * Fire `entry`, due at `due` (DESIGN.md "Schedule semantics"): once if merely late, its missed instants to catch-up.
   */
  #fire(entry: Task, due: Instant, now: Instant, lateBefore: Instant): void {
    const schedule = entry.schedule;
    const plan = this.fireUpToRun(entry, due, now, lateBefore);
    if (plan !== null) this.fireAfterRun(entry, plan, schedule);
  }

  /** A fire up to its run's trigger (and, for a function over at once, its end); null when nothing fires. */
  protected fireUpToRun(entry: Task, due: Instant, now: Instant, lateBefore: Instant): FirePlan | null {
    // A hold that ends at or before this wake ends first, whichever node the heap gave first: an
    // instant at the hold's end (`hold --until 10:00`, a task due at 10:00) runs.
    this.endHoldIfDue(entry, now);
    // Parked: a held task's instants are counted by its held span, not fired (skipped-spans.ts).
    if (entry.held) {
      this.setNext(entry, entry.nextAt);
      return null;
    }
    // Dates `except:` excludes: one span counting up to now; the next wake is after them (or, when
    // this wake is late, in this wake: then the span ends and that instant fires).
    const afterExcluded = passExcludedDates(this.spans, entry, due, now);
    if (afterExcluded !== undefined) {
      if (!entry.removed) this.setNext(entry, afterExcluded);
      this.announce(entry);
      return null;
    }
    const next = (at: Instant): Instant | null => entry.scheduleNextRemembered(at);
    const plan = planFire(next, due, now, lateBefore, (at) => entry.runnableNext(at));
    entry.dealtWith(plan.latest);
    if (plan.scheduled !== null && entry.hasBudget()) this.trigger(entry, 'schedule', plan.scheduled, JITTER);
    return plan;
  }

  /** The rest of a fire once its run started: catch-up, the next instant. */
  protected fireAfterRun(entry: Task, plan: FirePlan, schedule: Schedule): void {
    this.catchUp(entry, plan.missed);
    // A run started above may already have rescheduled (setPeriod) or removed its task.
    if (entry.removed || entry.schedule !== schedule) return;
    this.setNext(entry, entry.hasBudget() ? plan.upcoming : null);
    this.announce(entry);
  }

  /**
   * A wall-clock step of `jumpMs`. Jitter and retry waits keep their remaining time. After a step
   * back, next instants recompute from the new time but never come before the last instant dealt
   * with, so nothing runs twice. A rare event: a whole pass is fine here.
   */
  #clockJumped(now: Instant, jumpMs: number): void {
    this.emitter.emit('clock-jump', jumpMs);
    this.timeline.shiftDelays(jumpMs);
    if (jumpMs > 0) return;
    for (const entry of this.tasks.values()) {
      if (entry.nextAt === null) continue;
      this.setNext(entry, entry.computeNext(Math.max(now, entry.lastScheduledAt ?? -Infinity)));
      this.announce(entry);
    }
  }

  /** Put the task's dead-man deadline on the timeline, or take it off (none, overdue already, removed). */
  protected syncOverdue(entry: Task): void {
    const at = entry.overdueAt;
    if (at !== null) this.timeline.set(entry.overdueNode, at);
    else if (entry.madeOverdueNode !== null) this.timeline.delete(entry.madeOverdueNode);
  }

  /** The task's next instant; a held task keeps it but is parked off the timeline (skipped-spans.ts). */
  protected setNext(entry: Task, next: Instant | null): void {
    entry.setNextAt(next);
    if (next === null || entry.held) this.timeline.delete(entry.node);
    else this.timeline.set(entry.node, next);
  }

  /** A counted run gave its `max-runs` budget back: a task that looked done may have instants again. */
  #refreshNext(entry: Task): void {
    if (entry.removed || entry.nextAt !== null || !entry.hasBudget()) return;
    this.setNext(entry, entry.computeNext(Math.max(this.clock.now(), entry.lastScheduledAt ?? -Infinity)));
    this.announce(entry);
  }

  /** After a run: dependency triggers (DESIGN.md `after`, `on-success`, `on-failure`), or the end of a stop. */
  #runEnded(entry: Task, record: RunRecord, sequel: 'retried' | 'stopped' | null): void {
    this.#forgetIfLastOfRemoved(entry, record);
    this.#health.runEnded(entry, record, sequel);
    if (this.shutdown !== null) {
      if (this.flow.pending === 0) this.shutdown.open();
      return;
    }
    const names = sequelNames(entry.spec, record, sequel, this.clock, this.#sequelIndex);
    if (names.length > 0) this.#triggerNamed(record, names);
  }

  /** A run the claim yielded: no sequel, no health; only what every ended run settles. */
  #runGone(entry: Task, record: RunRecord): void {
    this.#forgetIfLastOfRemoved(entry, record);
    if (this.shutdown !== null && this.flow.pending === 0) this.shutdown.open();
  }

  /** A removed task whose runs went on is forgotten with its last one. */
  #forgetIfLastOfRemoved(entry: Task, record: RunRecord): void {
    if (entry.removed && entry.active.length === 0 && this.removedWithRuns.get(entry.spec.name) === entry) {
      this.removedWithRuns.delete(entry.spec.name);
      this.log('info', `${entry.spec.name}: the last run of the removed task has ended (#${record.id})`);
    }
  }

  /** Trigger `names` as dependency runs of `from`, which they get as their upstream (TASKKIT_UPSTREAM_*). */
  #triggerNamed(from: RunRecord, names: readonly string[]): void {
    const upstream = upstreamOf(from);
    for (const name of new Set(names)) {
      const target = this.tasks.get(name);
      if (target === undefined) this.log('warn', `${from.task}: no task named "${name}" to trigger; ignored`);
      else this.trigger(target, 'dependency', null, { upstream });
    }
  }

  /**
   * Emit task-changed when something a listener cares about changed (or `force`); returns the status
   * it sent. Nothing is built when nobody listens: a wake that fires 10,000 tasks allocates no snapshots.
   */
  protected announce(entry: Task, force = false): TaskStatus | null {
    if (!this.emitter.has('task-changed') || entry.removed || !announcementDue(entry, force)) return null;
    const status = taskStatusOf(entry);
    this.emitter.emit('task-changed', status);
    return status;
  }
}
