/**
 * The life of a run, from trigger to end (DESIGN.md "Runs"): overlap decision, jitter wait,
 * the max-concurrent fair queue, the runner call (guarded: a runner that throws or rejects makes
 * a failed record, never a dead engine), retries, and the bookkeeping that waiters and events see.
 */
import type { CancelReason, RunOutcome, RunRequest, Runner } from '../runner/types.js';
import type { Instant } from '../schedule/types.js';
import type { LogFunction } from './ports.js';
import type { TaskHandle, Trigger } from '../task-context.js';
import type { Clock } from './clock.js';
import { DispatchQueue } from './dispatch-queue.js';
import type { Emitter } from './emitter.js';
import { launchRun } from './launch.js';
import { PendingRun } from './pending-run.js';
import { checkDeadline } from './policies/deadline.js';
import { computeJitterDelay } from './policies/jitter.js';
import { decideOverlap, type OverlapDecision } from './policies/overlap.js';
import { computeRetryDelay } from './policies/retry.js';
import type { RunRecord } from './run.js';
import { createRunRecord, markDropped, markFinished, markSkipped, markStarted } from './run-record.js';
import { RunRegistry } from './run-registry.js';
import type { TaskEntry } from './task-entry.js';
import type { Timeline } from './timeline.js';

/** What the flow needs from the scheduler around it. */
export interface RunFlowHost {
  readonly clock: Clock;
  readonly runner: Runner;
  readonly emitter: Emitter;
  readonly timeline: Timeline;
  readonly log: LogFunction;
  readonly random: () => number;
  nextSeq(): number;
  createHandle(run: PendingRun): TaskHandle;
  /** A run ended (not dropped); `retried` when a retry of it is now waiting. */
  runEnded(run: PendingRun, record: RunRecord, retried: boolean): void;
  /** A scheduled run gave back its `max-runs` budget without starting (dropped or skipped). */
  budgetReleased(entry: TaskEntry): void;
  taskChanged(entry: TaskEntry): void;
}

export interface TriggerOptions {
  /** Wait a random `jitter` before starting (scheduled runs only). */
  readonly jitter?: boolean;
  /** One after another with the task's other runs, whatever `overlap` says (catch-up: all). */
  readonly serial?: boolean;
}

export class RunFlow {
  readonly #host: RunFlowHost;
  readonly #maxConcurrent: number;
  readonly #runs = new RunRegistry();
  readonly #ready = new DispatchQueue<TaskEntry, PendingRun>();
  /** Runs whose handle was asked to cancel, and why (they then neither retry nor run again). */
  readonly #cancelled = new WeakMap<PendingRun, CancelReason>();
  #nextId: number;
  #running = 0;
  #stopping = false;

  constructor(host: RunFlowHost, options: { maxConcurrent: number; firstRunId: number }) {
    this.#host = host;
    this.#maxConcurrent = options.maxConcurrent;
    this.#nextId = options.firstRunId;
  }

  /** Runs handed to the runner and not yet ended. */
  get running(): number {
    return this.#running;
  }

  /** Runs not yet ended, in any phase. */
  get pending(): number {
    return this.#runs.size;
  }

  /** A new run of `entry`, subject to its overlap policy; returns the record as it stands. */
  trigger(entry: TaskEntry, trigger: Trigger, scheduledAt: Instant | null, options: TriggerOptions = {}): RunRecord {
    const now = this.#host.clock.now();
    const record = createRunRecord({ id: this.#nextId++, task: entry.spec.name, trigger, scheduledAt, attempt: 1, createdAt: now });
    if (this.#stopping) return this.#skipUnregistered(entry, record, 'taskkit is stopping');
    const colliding = entry.collidingRun();
    const decision: OverlapDecision =
      options.serial === true
        ? { action: colliding === null ? 'start' : 'queue' }
        : decideOverlap(entry.spec.overlap, colliding?.record ?? null, entry.serial.length);
    if (decision.action === 'skip') return this.#skipUnregistered(entry, record, decision.reason);
    const run = this.#register(entry, record, trigger === 'schedule' || trigger === 'catch-up');
    if (decision.action === 'replace') {
      for (const other of [...entry.active]) {
        if (other === run) continue;
        if (other.phase === 'running') this.#cancelHandle(other, 'replace');
        else this.#drop(other, `replaced by run #${record.id}`);
      }
    }
    if (decision.action === 'start') {
      const delay = options.jitter === true ? computeJitterDelay(entry.spec.jitterMs, this.#host.random) : 0;
      if (delay > 0) this.#delay(run, now + delay);
      else this.#admit(run);
    } else {
      run.phase = 'serial';
      entry.addSerial(run);
      this.#announceWaiting(run);
    }
    this.#releaseSerial(entry);
    this.#host.taskChanged(entry);
    return run.record;
  }

  /** A jitter or retry wait is over. */
  delayElapsed(run: PendingRun): void {
    if (run.phase !== 'delayed') return;
    this.#admit(run);
    this.#releaseSerial(run.entry);
    this.#host.taskChanged(run.entry);
  }

  /** Record a trigger that does not run (missed instants under `catch-up: skip`). */
  recordSkip(entry: TaskEntry, trigger: Trigger, scheduledAt: Instant | null, reason: string): RunRecord {
    const now = this.#host.clock.now();
    const record = createRunRecord({ id: this.#nextId++, task: entry.spec.name, trigger, scheduledAt, attempt: 1, createdAt: now });
    return this.#skipUnregistered(entry, record, reason);
  }

  /** Cancel the task's running runs (reason `cancel`) and drop its waiting ones; returns them all. */
  cancelTask(entry: TaskEntry): RunRecord[] {
    const runs = [...entry.active];
    const records = runs.map((run) =>
      run.phase === 'running' ? run.record : this.#drop(run, 'cancelled by taskkit cancel before it started'),
    );
    for (const run of runs) if (run.phase === 'running') this.#cancelHandle(run, 'cancel');
    this.#host.taskChanged(entry);
    return records;
  }

  /** Drop every waiting run of `entry` (it is being removed); running ones go on. */
  dropWaiting(entry: TaskEntry, reason: string): void {
    for (const run of [...entry.active]) if (run.phase !== 'running') this.#drop(run, reason);
  }

  /** Shutdown: no new runs from now on, and every waiting run is dropped. */
  beginStop(): void {
    this.#stopping = true;
    for (const run of this.#runs.pendingRuns()) if (run.phase !== 'running') this.#drop(run, 'dropped: taskkit is stopping');
  }

  /** Ask the runner to stop every running run. */
  cancelRunning(reason: CancelReason): void {
    for (const run of this.#runs.pendingRuns()) if (run.phase === 'running') this.#cancelHandle(run, reason);
  }

  /** The final record of a run: now if it has ended, else when it does. */
  waitFor(runId: number): Promise<RunRecord> {
    return this.#runs.waitFor(runId);
  }

  #register(entry: TaskEntry, record: RunRecord, counted: boolean): PendingRun {
    const run = new PendingRun(record, entry, counted, this.#host.nextSeq());
    if (counted) {
      run.holdsBudget = true;
      entry.pendingCounted++;
    }
    this.#runs.add(run);
    entry.addActive(run);
    return run;
  }

  #delay(run: PendingRun, until: Instant): void {
    run.phase = 'delayed';
    this.#host.timeline.set(run.delayNode, until);
    this.#announceWaiting(run);
  }

  /** A run that does not start at once is stored as `queued` (no listener, no cost). */
  #announceWaiting(run: PendingRun): void {
    if (this.#host.emitter.has('run-queued')) this.#host.emitter.emit('run-queued', run.record);
  }

  /** Start now if a slot is free, else wait in the fair queue. */
  #admit(run: PendingRun): void {
    run.phase = 'ready';
    if (this.#running < this.#maxConcurrent && this.#ready.size === 0) this.#start(run);
    else {
      this.#ready.enqueue(run.entry, run);
      this.#announceWaiting(run);
    }
  }

  /** Start queued runs while slots are free. */
  #pump(): void {
    while (this.#running < this.#maxConcurrent) {
      const run = this.#ready.dequeue();
      if (run === undefined) return;
      this.#start(run);
      this.#releaseSerial(run.entry);
    }
  }

  /** The head of a task's serial queue goes once nothing else of the task is going or waiting. */
  #releaseSerial(entry: TaskEntry): void {
    while (entry.serial.length > 0 && !entry.hasUnqueuedRun()) {
      this.#admit(entry.serial.shift() as PendingRun);
    }
  }

  #start(run: PendingRun): void {
    const { clock } = this.#host;
    const { entry } = run;
    const now = clock.now();
    const late = checkDeadline(run.record.trigger, run.record.scheduledAt, entry.spec.deadlineMs, now);
    if (late !== null) {
      this.#retire(run, markSkipped(run.record, now, late), 'run-skipped');
      return;
    }
    if (run.holdsBudget) {
      run.holdsBudget = false;
      entry.pendingCounted--;
      entry.scheduledRuns++;
    }
    run.phase = 'running';
    this.#running++;
    const request: RunRequest = {
      runId: run.record.id,
      task: entry.spec,
      trigger: run.record.trigger,
      scheduledAt: run.record.scheduledAt,
      attempt: run.record.attempt,
      outputLimitBytes: entry.spec.history.outputLimitBytes,
      handle: this.#host.createHandle(run),
    };
    const launched = launchRun(this.#host.runner, request, (chunk) => this.#output(run, chunk), () => clock.now());
    run.handle = launched;
    run.record = markStarted(run.record, now, launched.pid);
    this.#host.emitter.emit('run-started', run.record);
    this.#host.taskChanged(entry);
    launched.done
      .then((outcome) => this.#finish(run, outcome))
      .catch((error: unknown) => this.#host.log('error', `internal error after run #${run.record.id}: ${String(error)}`));
  }

  #output(run: PendingRun, chunk: string): void {
    if (run.phase === 'running' && this.#host.emitter.has('run-output')) this.#host.emitter.emit('run-output', run.record, chunk);
  }

  #finish(run: PendingRun, outcome: RunOutcome): void {
    if (run.phase !== 'running') return;
    const { entry } = run;
    this.#running--;
    const record = markFinished(run.record, outcome, this.#host.clock.now());
    this.#retire(run, record, 'run-finished');
    const stoppedOnPurpose = this.#cancelled.has(run) || this.#stopping || entry.removed;
    const retried = !stoppedOnPurpose && this.#scheduleRetry(run, record);
    this.#releaseSerial(entry);
    this.#pump();
    if (run.runAgain && !stoppedOnPurpose) this.trigger(entry, 'manual', null);
    this.#host.runEnded(run, record, retried);
    this.#host.taskChanged(entry);
  }

  #scheduleRetry(run: PendingRun, failed: RunRecord): boolean {
    const delay = computeRetryDelay(run.entry.spec.retry, failed.status, failed.attempt);
    if (delay === null) return false;
    const now = this.#host.clock.now();
    const record = createRunRecord({
      id: this.#nextId++,
      task: failed.task,
      trigger: 'retry',
      scheduledAt: failed.scheduledAt,
      attempt: failed.attempt + 1,
      createdAt: now,
    });
    this.#delay(this.#register(run.entry, record, false), now + delay);
    if (this.#host.emitter.has('run-retrying')) this.#host.emitter.emit('run-retrying', failed, record, now + delay);
    return true;
  }

  #cancelHandle(run: PendingRun, reason: CancelReason): void {
    if (this.#cancelled.has(run)) return;
    this.#cancelled.set(run, reason);
    try {
      run.handle?.cancel(reason);
    } catch (error) {
      this.#host.log('error', `${run.record.task} #${run.record.id}: the runner failed to cancel: ${String(error)}`);
    }
  }

  /** Take a waiting run away (recorded as cancelled, event run-finished). */
  #drop(run: PendingRun, reason: string): RunRecord {
    if (run.phase === 'delayed') this.#host.timeline.delete(run.delayNode);
    if (run.phase === 'ready') this.#ready.remove(run.entry, run);
    const record = markDropped(run.record, this.#host.clock.now(), reason);
    this.#retire(run, record, 'run-finished');
    return record;
  }

  #skipUnregistered(entry: TaskEntry, record: RunRecord, reason: string): RunRecord {
    const skipped = markSkipped(record, record.createdAt, reason);
    this.#runs.end(skipped);
    entry.lastRun = skipped;
    this.#host.emitter.emit('run-skipped', skipped);
    return skipped;
  }

  /** The run is over, one way or another: unregister it, tell waiters and listeners. */
  #retire(run: PendingRun, record: RunRecord, event: 'run-finished' | 'run-skipped'): void {
    const { entry } = run;
    const releasedBudget = run.holdsBudget;
    if (releasedBudget) {
      run.holdsBudget = false;
      entry.pendingCounted--;
    }
    run.phase = 'ended';
    run.record = record;
    entry.forget(run);
    entry.lastRun = record;
    this.#runs.end(record, run);
    this.#host.emitter.emit(event, record);
    if (releasedBudget) this.#host.budgetReleased(entry);
  }
}
