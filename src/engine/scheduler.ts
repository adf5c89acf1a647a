/**
 * The Scheduler (DESIGN.md "Layers": engine): the public API the daemon and the library use. Tasks
 * by name, hold/resume/reschedule, run-now, cancel, start and stop; the loop under it (timeline,
 * wakes, the run flow and its effects) is engine-loop.ts; a hold's life, hold-lifecycle.ts.
 */
import type { TaskSpec } from '../config/types.js';
import { TaskkitError } from '../errors.js';
import type { Instant, ScheduleSpec } from '../schedule/types.js';
import type { Task } from './active-run.js';
import { describeTaskGroup } from './group-status.js';
import { keepsExcludedSpan } from './excluded-instants.js';
import { LateCatchUp } from './late-catch-up.js';
import type { EngineEventName, EngineListener } from './events.js';
import { MakeChain } from './make-chain.js';
import { makeOrder } from './make-order.js';
import type { MissedInstants } from './policies/catch-up.js';
import type { RestoredTaskState, TakenRun } from './ports.js';
import { missedSinceRestart } from './restore.js';
import type { RunRecord } from './run.js';
import { ShutdownGate } from './shutdown.js';
import { TaskEntry } from './task-entry.js';
import type { GroupDescriber, TaskStatus } from './task-state.js';
import { taskStatusOf } from './task-status-of.js';
import type { StartOptions } from './scheduler-options.js';

export { DEFAULT_MAX_CONCURRENT, type SchedulerOptions, type StartOptions } from './scheduler-options.js';
export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;

export class Scheduler extends LateCatchUp {
  /** Instants missed while the daemon was down, run by start(). */
  readonly #missedAtStart = new Map<Task, MissedInstants>();
  #started = false;
  /** Every task's `group:` as its status tells it: one function for all tasks, not one made per add. */
  readonly #describeGroup: GroupDescriber = (name, runs) => describeTaskGroup(name, runs, this.flow.groupPlaces);

  on<E extends EngineEventName>(event: E, listener: EngineListener<E>): () => void {
    return this.emitter.on(event, listener);
  }

  /** Add a task; with `restored`, a restart's hold, reschedule, counters and catch-up. */
  add(task: TaskSpec, restored: RestoredTaskState = {}): TaskStatus {
    if (this.tasks.has(task.name)) throw new TaskkitError('CONFLICT', `a task named "${task.name}" already exists`);
    this.#requireGroup(task);
    const now = this.clock.now();
    const entry: Task = new TaskEntry(task, this.timeline.nextSeq(), restored, now);
    entry.describeGroup = this.#describeGroup;
    // A saved hold whose end passed while the daemon was down: held until then, not after.
    const holdEnded = restored.hold?.until != null && !entry.held ? restored.hold.until : null;
    if (holdEnded !== null) {
      this.log(
        'info',
        `${task.name}: hold ended while taskkit was down (held until ${new Date(holdEnded).toISOString()})`,
      );
    }
    if (holdEnded !== null) {
      // Held until then: those instants are one held row, never caught up; the rest were missed.
      this.spans.begin(entry, now, restored.hold?.note ?? null);
      this.spans.end(entry, Math.min(holdEnded - 1, now), now);
    }
    const missed = missedSinceRestart(entry, now);
    this.tasks.set(task.name, entry);
    this.syncHoldEnd(entry);
    this.syncOverdue(entry);
    this.#adoptOrphan(entry);
    this.afterIndex.link(task);
    this.joinIndex.link(task);
    if (entry.held) this.spans.begin(entry, now);
    this.setNext(entry, entry.computeNext(Math.max(now, entry.lastScheduledAt ?? -Infinity)));
    if (missed !== null && !this.handOverRestartCatchUp(entry, missed)) {
      // Runs wait for start(); a task added to a running scheduler catches up at once.
      if (!this.#started) this.#missedAtStart.set(entry, missed);
      else if (this.shutdown === null) this.catchUp(entry, missed);
    }
    return this.announce(entry, true) ?? taskStatusOf(entry);
  }

  /** A new definition of an existing task (reload): hold, runs and counters stay. */
  replace(task: TaskSpec): TaskStatus {
    const entry = this.#require(task.name);
    this.#requireGroup(task);
    this.afterIndex.unlink(entry.spec);
    this.afterIndex.link(task);
    this.joinIndex.unlink(entry.spec);
    this.joinIndex.link(task);
    const now = this.clock.now();
    const wasHeld = entry.held;
    // Held instants so far are counted under the old definition; a hold the file ends ends its row.
    // A parked task's next instant is brought to now first: it is the one kept if the timing stays.
    this.spans.settle(entry, now, now);
    this.spans.refreshNext(entry, now);
    const sameTiming = entry.redefine(task, now);
    // A calendar span ends when its dates are no longer excluded as they were: the rest are back.
    const spanEnded =
      this.spans.excludedBefore(entry) !== null && !(sameTiming && keepsExcludedSpan(this.spans, entry));
    // Counted up to now above, under the old definition: the span only closes.
    if (spanEnded) this.spans.endExcluded(entry, entry.lastScheduledAt ?? now, now);
    // Its runs waiting for the old group's place wait for the new one's (or start, without a group).
    this.flow.regroup(entry);
    this.drain();
    if (!entry.held) this.spans.endHeld(entry, now, now);
    this.syncHoldEnd(entry);
    if (task.expectSuccessWithinMs === undefined) entry.deadMan = entry.deadMan.cleared();
    this.syncOverdue(entry);
    // `hold: true` added in the file holds like `taskkit hold`.
    if (entry.held && !wasHeld) this.beginHold(entry);
    const kept = entry.nextAt;
    const excludedBefore = this.spans.excludedBefore(entry);
    if (excludedBefore !== null) {
      this.setNext(entry, entry.computeNext(excludedBefore - 1));
    } else if (sameTiming && kept !== null && !spanEnded) {
      // The kept instant, if the task's rule (schedule/task-instants.ts: until, max-runs) still allows it.
      this.setNext(entry, entry.computeNext(kept - 1) === kept ? kept : null);
    } else {
      this.setNext(entry, entry.computeNext(Math.max(now, entry.lastScheduledAt ?? -Infinity)));
    }
    return this.announce(entry, true) ?? taskStatusOf(entry);
  }

  /**
   * No new runs; waiting ones are dropped; running ones go on as an orphan (orphans(), cancel by
   * name or run id) until they end, or until a task of the same name comes back and adopts them.
   */
  remove(name: string): void {
    const entry = this.#require(name);
    const now = this.clock.now();
    this.spans.end(entry, now, now);
    entry.markRemoved();
    this.tasks.delete(name);
    this.afterIndex.unlink(entry.spec);
    this.joinIndex.unlink(entry.spec);
    this.timeline.delete(entry.node);
    for (const node of [entry.madeHoldEndNode, entry.madeOverdueNode]) if (node !== null) this.timeline.delete(node);
    this.#missedAtStart.delete(entry);
    this.flow.dropWaiting(entry, 'task removed');
    if (entry.active.length > 0) {
      this.removedWithRuns.set(name, entry);
      this.log(
        'warn',
        `${name}: removed from the tasks file while ${describeRuns(entry)} went on; ` +
          `kept until ${entry.active.length > 1 ? 'they end' : 'it ends'} ` +
          `(taskkit status lists it, taskkit cancel ${name} stops it)`,
      );
    }
    this.drain();
  }

  has(name: string): boolean {
    return this.tasks.has(name);
  }

  get(name: string): TaskStatus {
    return taskStatusOf(this.#fresh(this.#require(name)));
  }

  /** Up to `count` instants the task will fire at (a held task's pass without running): `show`, `next`. */
  upcoming(name: string, count: number, listFrom?: Instant): Instant[] {
    return this.#fresh(this.#require(name)).upcoming(count, listFrom);
  }

  /** Every task, in add order. */
  list(): TaskStatus[] {
    return [...this.tasks.values()].map((entry) => taskStatusOf(this.#fresh(entry)));
  }

  /**
   * Count the instants held tasks (or `name` alone) and tasks on excluded dates passed up to now
   * into their spans' rows, so that the history says so while the spans go on (`history`, `show`;
   * skipped-spans.ts).
   */
  settleSkipped(name?: string): void {
    const now = this.clock.now();
    if (name === undefined) this.spans.settleAll(now);
    else this.spans.settle(this.#require(name), now, now);
  }

  /** Tasks removed from the file whose runs still go on (state `removed`), oldest removal first. */
  orphans(): TaskStatus[] {
    return [...this.removedWithRuns.values()].map((entry) => taskStatusOf(entry));
  }

  /** The removed task `name` while runs of it go on, else null. */
  orphan(name: string): TaskStatus | null {
    const removed = this.removedWithRuns.get(name);
    return removed === undefined ? null : taskStatusOf(removed);
  }

  /** TaskKit's runTaskNow: trigger `manual`, subject to overlap and max-concurrent; held tasks too. */
  runNow(name: string): RunRecord {
    if (this.shutdown !== null) throw new TaskkitError('STOPPED', 'the scheduler is stopping; no new runs');
    return this.trigger(this.#require(name), 'manual', null);
  }

  /**
   * A run the store's queue gave this engine (a dead host's run, to retry): attempt `attempt` of
   * `scheduledAt` with the store's id, trigger `retry`, its claim not asked (the run is this
   * engine's already); then as any run: slot, overlap, runner, further retries, events.
   */
  startTaken(taken: TakenRun): RunRecord {
    if (this.shutdown !== null) throw new TaskkitError('STOPPED', 'the scheduler is stopping; no new runs');
    return this.trigger(this.#require(taken.task), 'retry', taken.scheduledAt, { taken });
  }

  /** `run-now NAME --make --dry-run`: NAME's after-all prerequisites, transitively, each once, in order, then NAME. */
  makeOrder(name: string): readonly string[] {
    this.#require(name);
    const planned = makeOrder(name, (task) => this.tasks.get(task)?.spec);
    if (!planned.ok) throw new TaskkitError('USAGE', planned.message);
    return planned.order;
  }

  /**
   * cs.taskqueue's make (`run-now NAME --make`): the makeOrder steps as manual runs, one after another,
   * fail-fast (make-chain.ts); returns the chain and its first step's record as it stands.
   */
  runMake(name: string): { chain: MakeChain; first: RunRecord } {
    if (this.shutdown !== null) throw new TaskkitError('STOPPED', 'the scheduler is stopping; no new runs');
    const chain = new MakeChain(this.makeOrder(name), {
      trigger: (task, of) => this.trigger(this.#require(task), 'manual', null, { serial: true, chain: of }),
      waitFor: (runId) => this.flow.waitFor(runId),
      pendingRun: (task, of) => this.tasks.get(task)?.active.find((run) => run.chain === of)?.record ?? null,
      skip: (task, words) => {
        const entry = this.tasks.get(task);
        if (entry === undefined) return null;
        // A stop, not a failure, cut the chain short: its rest says so, as any trigger during a stop.
        const stopping = this.shutdown !== null;
        const reason = stopping ? 'stopping' : 'prerequisite-failed';
        const skip = { reason, count: 1, more: false, lastAt: null } as const;
        const record = this.flow.recordSkip(entry, 'manual', null, stopping ? 'taskkit is stopping' : words, skip);
        this.drain();
        return record;
      },
    });
    this.makeChains.add(chain);
    void chain.done.then(() => this.makeChains.delete(chain));
    return { chain, first: chain.start() };
  }

  /**
   * TaskKit's disableTask: scheduled instants pass without running until resume, and a scheduled
   * run not started yet (waiting out its jitter, or queued) is dropped (RunFlow.dropHeld). With
   * `until`, the hold ends by itself then (`hold --for/--until`; null: until resume; absent: a held
   * task keeps the end it had). An `until` not after now is refused.
   */
  hold(name: string, note?: string, until?: Instant | null): TaskStatus {
    const entry = this.#require(name);
    this.holdFromNow(entry, note, until);
    return this.announce(entry, true) ?? taskStatusOf(entry);
  }

  /** TaskKit's enableTask: from the next instant strictly after now; the held time is not caught up. */
  resume(name: string): TaskStatus {
    const entry = this.#require(name);
    this.releaseNow(entry);
    return taskStatusOf(entry);
  }

  /** TaskKit's setPeriod: a run-time schedule, or the file's again with null. Fine while running. */
  reschedule(name: string, spec: ScheduleSpec | null): TaskStatus {
    const entry = this.#require(name);
    // Held instants so far are counted under the schedule they belonged to; a calendar span ends.
    const now = this.clock.now();
    this.spans.settle(entry, now, now);
    this.spans.endExcluded(entry, now, now);
    entry.reschedule(spec);
    this.setNext(entry, entry.computeNext(now));
    return this.announce(entry, true) ?? taskStatusOf(entry);
  }

  /**
   * Cancel the task's running runs (reason `cancel`) and drop its waiting ones; returns their
   * records. A task removed from the file while its runs go on is found by its name too.
   */
  cancel(name: string): RunRecord[] {
    const records = this.flow.cancelTask(this.removedWithRuns.get(name) ?? this.#require(name));
    this.drain();
    return records;
  }

  /** Cancel one run of any task or orphan (running: reason `cancel`; waiting: dropped); NOT_FOUND if not in flight. */
  cancelRun(runId: number): RunRecord {
    const record = this.flow.cancelRun(runId);
    this.drain();
    return record;
  }

  /** Every run not yet ended, as it stands (a recreated history database gets them back). */
  runsInFlight(): RunRecord[] {
    return this.flow.inFlight();
  }

  /** The final record of a run (rejects NOT_FOUND for an id the engine does not know). */
  waitForRun(runId: number): Promise<RunRecord> {
    return this.flow.waitFor(runId);
  }

  /** Fire `@reboot` tasks once (unless told to skip them), run instants missed while down, and arm the timer. */
  start(options: StartOptions = {}): void {
    if (this.shutdown !== null) throw new TaskkitError('STOPPED', 'the scheduler was stopped; create a new one');
    if (this.#started) return;
    this.#started = true;
    this.timeline.start();
    // The runs starting now (@reboot, catch-up) are claimed first, then all start after one commit.
    this.inOneTurn(() => {
      for (const entry of options.rebootTasks === 'skip' ? [] : this.tasks.values()) {
        if (entry.schedule.spec.kind !== 'reboot') continue;
        if (!entry.held) this.trigger(entry, 'reboot', null);
        else this.flow.recordSkip(entry, 'reboot', null, 'held', HELD_REBOOT);
      }
      for (const [entry, missed] of this.#missedAtStart) this.catchUp(entry, missed);
    });
    this.#missedAtStart.clear();
  }

  /**
   * No new runs; waiting runs are dropped; running runs get `graceMs` (default 30 s), then are
   * cancelled (`shutdown`). Resolves once every run has ended. A later call may shorten the grace.
   */
  stop(options: { graceMs?: number } = {}): Promise<void> {
    if (this.shutdown === null) {
      // Held and excluded rows are brought up to now: the next daemon counts from their last instant.
      this.spans.settleAll(this.clock.now());
      this.shutdown = new ShutdownGate(this.clock, () => this.flow.cancelRunning('shutdown'));
      this.timeline.stop();
      this.flow.beginStop();
      this.drain();
    }
    this.shutdown.shortenGrace(options.graceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
    if (this.flow.pending === 0) this.shutdown.open();
    return this.shutdown.done;
  }

  /** A task of this name was removed while its runs went on: they are the new entry's (overlap counts them). */
  #adoptOrphan(entry: Task): void {
    const { name } = entry.spec;
    const orphan = this.removedWithRuns.get(name);
    if (orphan === undefined) return;
    this.removedWithRuns.delete(name);
    const runs = this.flow.adopt(orphan, entry);
    if (runs.length === 0) return;
    this.log(
      'info',
      `${name}: back in the tasks file while ${describeRuns(entry)} of its removed definition went on; ` +
        `${runs.length > 1 ? 'they count' : 'it counts'} as its own (overlap: ${entry.spec.overlap})`,
    );
  }

  /**
   * New concurrency group limits (`settings.groups`; a reload uses reloadGroups): a raised limit
   * starts waiting runs now, a lowered one lets running runs finish and starts none until below it.
   */
  setGroupLimits(limits: Readonly<Record<string, number>>): void {
    this.flow.setGroupLimits(limits);
    this.drain();
  }

  /**
   * A reload's groups: the new limits, then `apply` (the reload's tasks), then the waiting runs their
   * groups now have room for start. Nothing starts in between, so a waiting run whose task `apply`
   * moves to another group starts under the new group's limit, never under the old one's.
   */
  reloadGroups<T>(limits: Readonly<Record<string, number>>, apply: () => T): T {
    try {
      return this.flow.withStartsDeferred(() => {
        this.flow.setGroupLimits(limits);
        return apply();
      });
    } finally {
      this.drain();
    }
  }

  /** A task's `group:` must have a limit: a run of a group without one would wait forever. */
  #requireGroup(task: TaskSpec): void {
    if (task.group === undefined || this.flow.groupPlaces(task.group) !== undefined) return;
    throw new TaskkitError('USAGE', `task "${task.name}": group "${task.group}" has no limit (settings.groups)`);
  }

  /** A held task's next instant as of now (it is parked: nothing moved it). */
  #fresh(entry: Task): Task {
    this.spans.refreshNext(entry, this.clock.now());
    return entry;
  }

  #require(name: string): Task {
    const entry = this.tasks.get(name);
    if (entry === undefined) throw new TaskkitError('TASK_UNKNOWN', `no task named "${name}"`);
    return entry;
  }
}

/** A held `@reboot` task's boot instant: one skipped record. */
const HELD_REBOOT = { reason: 'held', count: 1, more: false, lastAt: null } as const;

/** "run #4" or "runs #4, #7". */
function describeRuns(entry: Task): string {
  const ids = entry.active.map((run) => `#${run.record.id}`);
  return `${ids.length > 1 ? 'runs' : 'run'} ${ids.join(', ')}`;
}
