/**
 * The life of a run, from trigger to end (DESIGN.md "Runs"): overlap decision, jitter wait, a
 * max-concurrent slot and a place in its concurrency group (slot-admission.ts), the store's claim,
 * the runner call, retries, and the bookkeeping that waiters and events see. Phases and their
 * moves: run-phase.ts. The flow never calls back up: what the scheduler must do about a run is
 * queued as FlowEffect data and taken with takeEffects().
 * Runs taken away before their end (cancel, a hold, a removal, shutdown): run-cancel.ts.
 */
import type { Trigger, UpstreamRun } from '../task-context.js';
import { ActiveRun, type PreEntered, type Task } from './active-run.js';
import type { GroupPlaces } from './group-gate.js';
import type { FlowEffect } from './flow-effects.js';
import { askClaim, checkVerdict, isPendingClaim } from './claim.js';
import { launchRun } from './launch.js';
import { MIN_CLAIM_RETRY_MS } from './ports.js';
import type { CancelReason, ClaimVerdict, RunOutcome } from './ports.js';
import type { RunFlowOptions, TriggerOptions } from './run-flow-options.js';
import { checkDeadline } from './policies/deadline.js';
import { scheduledJitter } from './policies/jitter.js';
import { decideOverlap, type OverlapDecision } from './policies/overlap.js';
import { computeRetryDelay } from './policies/retry.js';
import type { Instant } from '../schedule/types.js';
import type { RunRecord, SkipFacts, SkipReason } from './run.js';
import type { RunChain } from './run-chain.js';
import { createRunRecord, markDropped, markFinished, markSkipped, markStarted, withPid } from './run-record.js';
import { RunRegistry } from './run-registry.js';
import { SlotAdmission } from './slot-admission.js';

export type { RunFlowOptions, TriggerOptions } from './run-flow-options.js';

export class RunFlow {
  readonly #options: RunFlowOptions;
  protected readonly runs = new RunRegistry();
  /** Max-concurrent slots and group places: who may start, who waits (slot-admission.ts). */
  readonly #slots: SlotAdmission;
  /** Runs whose handle was asked to cancel, and why (they then neither retry nor run again). */
  readonly #cancelled = new WeakMap<ActiveRun, CancelReason>();
  #effects: FlowEffect[] = [];
  /** Shutdown began (the cancels' beginStop): no new runs, no sequels. */
  protected stopping = false;
  /** The fast path's run being booked: the next trigger of its task is it (fast-fire.ts). */
  preEntered: PreEntered | null = null;

  /** The clock's reading for launchRun, bound once (not a closure per run). */
  readonly #now: () => Instant;

  constructor(options: RunFlowOptions) {
    this.#options = options;
    this.#now = () => options.clock.now();
    this.#slots = new SlotAdmission(options.maxConcurrent, options.groups, {
      start: (run) => this.#start(run),
      waiting: (run) => this.#announceWaiting(run),
    });
  }

  /** A group's limit and places taken (`list`, `show`); undefined for a name without a limit. */
  readonly groupPlaces = (group: string): GroupPlaces | undefined => this.#slots.places(group);

  /** New group limits (reload): a raised one starts waiting runs now; a lowered one lets running runs finish. */
  setGroupLimits(limits: Readonly<Record<string, number>>): void {
    this.#slots.setGroupLimits(limits);
    this.#pump();
  }

  /** Run `apply` (a reload's tasks) with no waiting run starting, then start those that may. */
  withStartsDeferred<T>(apply: () => T): T {
    try {
      return this.#slots.deferStarts(apply);
    } finally {
      this.#pump();
    }
  }

  /** The task's group changed (reload): its runs waiting for the old group's place wait for the new one's. */
  regroup(entry: Task): void {
    const group = entry.spec.group ?? null;
    const moving = entry.active.filter((run) => run.phase === 'grouped' && run.groupPlace !== group);
    for (const run of moving) {
      this.#slots.leave(run);
      this.#slots.admit(run);
    }
    if (moving.length === 0) return;
    this.#pump();
    this.taskChanged(entry);
  }

  /** Runs not yet ended, in any phase. */
  get pending(): number {
    return this.runs.size;
  }

  /** The records of every run not yet ended (waiting or running, orphans' too), in trigger order. */
  inFlight(): RunRecord[] {
    return this.runs.pendingRuns().map((run) => run.record);
  }

  /** A run's record as it stands now, while it has not ended (a claimed run has started since `record`). */
  currentRecord(record: RunRecord): RunRecord {
    return this.runs.pendingRun(record.id)?.record ?? record;
  }

  /** The effects queued since the last call, in order, or null when there are none. */
  takeEffects(): FlowEffect[] | null {
    if (this.#effects.length === 0) return null;
    const effects = this.#effects;
    this.#effects = [];
    return effects;
  }

  /** A new run of `entry`, subject to its overlap policy; returns the record as it stands. */
  trigger(entry: Task, trigger: Trigger, scheduledAt: Instant | null, options: TriggerOptions = {}): RunRecord {
    const now = this.#options.clock.now();
    const { taken } = options;
    const pre = this.preEntered?.entry === entry ? this.preEntered : undefined;
    const given = taken ?? pre;
    const record =
      given === undefined
        ? this.#newRecord(entry.spec.name, trigger, scheduledAt, 1, now)
        : createRunRecord({
            id: given.runId,
            attempt: given.attempt,
            task: entry.spec.name,
            trigger,
            scheduledAt,
            createdAt: now,
          });
    if (this.stopping) return this.#skipUnregistered(entry, record, 'taskkit is stopping', 'stopping');
    const colliding = entry.collidingRun();
    // A taken run is this engine's already (its row says running): it waits its turn, never skipped.
    const decision: OverlapDecision =
      options.serial === true || taken !== undefined
        ? { action: colliding === null ? 'start' : 'queue' }
        : decideOverlap(entry.spec.overlap, colliding?.record ?? null, entry.serialCount);
    if (decision.action === 'skip') return this.#skipUnregistered(entry, record, decision.reason, 'overlap');
    const run = this.#register(entry, record, options.upstream ?? null, options.chain ?? null);
    // Taken from the store's queue: the run is this engine's already (Scheduler.startTaken).
    run.preclaimed = taken !== undefined;
    run.preEntered = pre ?? null;
    this.preEntered = null;
    if (decision.action === 'replace') {
      for (const other of [...entry.active]) {
        if (other === run) continue;
        if (other.phase === 'running') this.cancelHandle(other, 'replace');
        else this.drop(other, `replaced by run #${record.id}`);
      }
    }
    if (decision.action === 'start') {
      const delay = options.jitter === true ? scheduledJitter(entry.spec, scheduledAt, this.#options) : 0;
      if (delay > 0) this.#delay(run, now + delay);
      else this.#slots.admit(run);
    } else {
      run.moveTo('serial');
      entry.queueSerial(run);
      this.#announceWaiting(run);
    }
    this.releaseSerial(entry);
    this.taskChanged(entry);
    return run.record;
  }

  /** A jitter or retry wait is over. */
  delayElapsed(run: ActiveRun): void {
    if (run.phase !== 'delayed') return;
    this.#slots.admit(run);
    this.releaseSerial(run.entry);
    this.taskChanged(run.entry);
  }

  /** Record a trigger that does not run (missed instants not caught up, a held `@reboot`): one record for `skip`. */
  recordSkip(entry: Task, trigger: Trigger, scheduledAt: Instant | null, reason: string, skip: SkipFacts): RunRecord {
    const now = this.#options.clock.now();
    const record = this.#newRecord(entry.spec.name, trigger, scheduledAt, 1, now);
    return this.#skipUnregistered(entry, record, reason, skip);
  }

  /** `next` came back under the name of the removed `previous`: its runs in flight are `next`'s now. */
  adopt(previous: Task, next: Task): readonly ActiveRun[] {
    const runs = next.adoptRuns(previous);
    for (const run of runs) run.belongTo(next);
    if (runs.length > 0) this.taskChanged(next);
    return runs;
  }

  /** The final record of a run: now if it has ended, else when it does. */
  waitFor(runId: number): Promise<RunRecord> {
    return this.runs.waitFor(runId);
  }

  /** The store answered a claim that was a promise (claim.ts claimFailed for a rejection). */
  claimSettled(run: ActiveRun, verdict: ClaimVerdict): void {
    if (run.phase !== 'claiming') return;
    this.#claimed(run, verdict, this.#options.clock.now());
    this.releaseSerial(run.entry);
    this.#pump();
    this.taskChanged(run.entry);
  }

  /** The runner's outcome of a running run. */
  finish(run: ActiveRun, outcome: RunOutcome): void {
    if (run.phase !== 'running') return;
    if (run.startUntold) this.#tellStart(run, null);
    const { entry } = run;
    this.#slots.freed(run);
    const record = markFinished(run.record, outcome, this.#options.clock.now());
    this.#retire(run, record, 'run-finished');
    // One rule (README "Timeouts, cancel and retries"): a run stopped on purpose (cancel, replace,
    // shutdown, its task removed) has no sequel, neither a retry nor on-failure, whatever the runner
    // reports (a timeout overtaken in its kill-after, or a process that failed just before the stop
    // reached it). runner/lifecycle.ts makes such a run's status `cancelled` where it can.
    const stoppedOnPurpose = this.#cancelled.has(run) || this.stopping || entry.removed;
    const retried = !stoppedOnPurpose && this.#scheduleRetry(run, record);
    this.releaseSerial(entry);
    this.#pump();
    if (run.runAgain && !stoppedOnPurpose) this.trigger(entry, 'manual', null);
    const sequel = stoppedOnPurpose ? 'stopped' : retried ? 'retried' : null;
    this.#effects.push({ kind: 'run-ended', run, record, sequel });
    this.taskChanged(entry);
  }

  /** Only when someone listens: the scheduler would drop it anyway, and a fire should allocate nothing for it. */
  protected taskChanged(entry: Task): void {
    if (this.#options.emitter.has('task-changed')) this.#effects.push({ kind: 'task-changed', entry });
  }

  #newRecord(task: string, trigger: Trigger, scheduledAt: Instant | null, attempt: number, now: Instant): RunRecord {
    return createRunRecord({ id: this.#options.nextRunId(), task, trigger, scheduledAt, attempt, createdAt: now });
  }

  #register(entry: Task, record: RunRecord, upstream: UpstreamRun | null, chain: RunChain | null): ActiveRun {
    const run = new ActiveRun(record, entry, this.#options.timeline.nextSeq(), upstream, chain);
    this.runs.add(run);
    entry.addRun(run);
    return run;
  }

  #delay(run: ActiveRun, until: Instant): void {
    run.moveTo('delayed');
    this.#options.timeline.set(run.delayNode, until);
    this.#announceWaiting(run);
  }

  /** A run that does not start at once is stored as `queued` (no listener, no cost). */
  #announceWaiting(run: ActiveRun): void {
    if (this.#options.emitter.has('run-queued')) this.#options.emitter.emit('run-queued', run.record);
  }

  /** Start queued runs while slots are free (none once stopping: every waiting run was dropped). */
  #pump(): void {
    if (!this.stopping) this.#slots.pump((run) => this.releaseSerial(run.entry));
  }

  /** The head of a task's serial queue goes once nothing else of the task is going or waiting. */
  protected releaseSerial(entry: Task): void {
    for (let run = entry.takeReleasedSerial(); run !== undefined; run = entry.takeReleasedSerial())
      this.#slots.admit(run);
  }

  /** Past its deadline it is skipped; else it takes a slot and, once the store's claim says go, runs. */
  #start(run: ActiveRun): void {
    const now = this.#options.clock.now();
    const late = checkDeadline(run.record.trigger, run.record.scheduledAt, run.entry.spec.deadlineMs, now);
    if (late !== null) {
      this.#retire(run, markSkipped(run.record, now, late, 'deadline'), 'run-skipped');
      return;
    }
    this.#slots.taken(run);
    const { claim } = this.#options;
    if (claim === null || run.preclaimed) return this.#launch(run, now);
    const answer = askClaim(claim, markStarted(run.record, now, null));
    if (isPendingClaim(answer)) {
      run.moveTo('claiming');
      this.#effects.push({ kind: 'claim-pending', run, verdict: answer });
      return;
    }
    this.#claimed(run, answer === true ? true : checkVerdict(answer), now);
  }

  /**
   * The claim's verdict (ports.ts ClaimVerdict): run, or give the slot and group place back and be
   * skipped (refused), dropped unrecorded (yielded), or asked again later (retryAt). Waiting for a
   * retry holds no slot: a run whose claim is early must not keep another task's run from starting.
   */
  #claimed(run: ActiveRun, verdict: ClaimVerdict, now: Instant): void {
    if (verdict === true) return this.#options.turn === null ? this.#launch(run, now) : this.#options.turn.hold(run);
    this.#slots.freed(run);
    if ('retryAt' in verdict) return this.#delay(run, Math.max(verdict.retryAt, now + MIN_CLAIM_RETRY_MS));
    if ('yielded' in verdict) return this.#yield(run, verdict.yielded, now);
    this.#retire(run, markSkipped(run.record, now, verdict.refused, 'claimed'), 'run-skipped');
  }

  /** The run is not this engine's: it ends unrecorded, and its reserved `max-runs` unit comes back. */
  #yield(run: ActiveRun, why: string, now: Instant): void {
    const { entry } = run;
    const record = markSkipped(run.record, now, why, 'claimed');
    const releasedBudget = entry.forgetRun(run, record);
    run.moveTo('ended');
    run.record = record;
    this.runs.end(record, run);
    const { emitter } = this.#options;
    if (emitter.has('run-yielded')) emitter.emit('run-yielded', record, why);
    if (releasedBudget) this.#effects.push({ kind: 'budget-released', entry });
    this.#effects.push({ kind: 'run-yielded', run, record });
    this.taskChanged(entry);
  }

  /** The end of an engine turn: commit its claims, then launch their runs (turn-commit.ts); false when none waited. */
  launchClaimed(): boolean {
    return this.#options.turn?.launch((run) => this.#launch(run, this.#options.clock.now())) ?? false;
  }

  #launch(run: ActiveRun, now: Instant): void {
    const { entry } = run;
    const { emitter, runner, createHandle } = this.#options;
    run.moveTo('running');
    entry.spendBudget(run);
    const output = (chunk: Buffer): void => this.#output(run, chunk);
    const launched =
      run.preEntered?.launch(run, output) ?? launchRun(runner, run.request(createHandle(run)), output, this.#now);
    run.handle = launched;
    run.record = markStarted(run.record, now, launched.pid);
    // The daemon's spawner tells the pid a round trip later: run-started comes with it (or before the end).
    if (launched.pidPending === true) {
      run.startUntold = true;
      launched.whenPid?.((pid) => this.#tellStart(run, pid));
    } else emitter.emit('run-started', run.record);
    this.taskChanged(entry);
    this.#effects.push({ kind: 'launched', run, launched });
  }

  #tellStart(run: ActiveRun, pid: number | null): void {
    if (!run.startUntold || run.phase !== 'running') return;
    run.startUntold = false;
    if (pid !== null) run.record = withPid(run.record, pid);
    this.#options.emitter.emit('run-started', run.record);
  }

  #output(run: ActiveRun, chunk: Buffer): void {
    const { emitter } = this.#options;
    if (run.phase === 'running' && emitter.has('run-output')) emitter.emit('run-output', run.record, chunk);
  }

  /** A run would start at once with `held` more slots taken (the fast path's, fast-fire.ts). */
  readonly startsAtOnce = (held: number): boolean => !this.stopping && this.#slots.startsAtOnce(held);

  #scheduleRetry(run: ActiveRun, failed: RunRecord): boolean {
    const delay = computeRetryDelay(run.entry.spec.retry, failed.status, failed.attempt);
    if (delay === null) return false;
    const now = this.#options.clock.now();
    const record = this.#newRecord(failed.task, 'retry', failed.scheduledAt, failed.attempt + 1, now);
    this.#delay(this.#register(run.entry, record, run.upstream, run.chain), now + delay);
    const { emitter } = this.#options;
    if (emitter.has('run-retrying')) emitter.emit('run-retrying', failed, record, now + delay);
    return true;
  }

  protected cancelHandle(run: ActiveRun, reason: CancelReason): void {
    if (this.#cancelled.has(run)) return;
    this.#cancelled.set(run, reason);
    try {
      run.handle?.cancel(reason);
    } catch (error) {
      this.#options.log('error', `${run.record.task} #${run.record.id}: the runner failed to cancel: ${String(error)}`);
    }
  }

  /** Take a waiting run away (recorded as cancelled, event run-finished). */
  protected drop(run: ActiveRun, reason: string): RunRecord {
    const { phase } = run;
    if (phase === 'delayed') this.#options.timeline.delete(run.delayNode);
    if (phase === 'ready' || phase === 'grouped') this.#slots.leave(run);
    const record = markDropped(run.record, this.#options.clock.now(), reason);
    this.#retire(run, record, 'run-finished');
    if (phase === 'claiming') {
      this.#slots.freed(run);
      this.#pump();
    }
    return record;
  }

  #skipUnregistered(entry: Task, record: RunRecord, reason: string, skip: SkipReason | SkipFacts): RunRecord {
    const skipped = markSkipped(record, record.createdAt, reason, skip);
    this.runs.end(skipped);
    entry.noteSkipped(skipped);
    this.#options.emitter.emit('run-skipped', skipped);
    return skipped;
  }

  /** The run is over, one way or another: unregister it, tell waiters and listeners. */
  #retire(run: ActiveRun, record: RunRecord, event: 'run-finished' | 'run-skipped'): void {
    const { entry } = run;
    const releasedBudget = entry.removeRun(run, record);
    run.moveTo('ended');
    run.record = record;
    this.runs.end(record, run);
    this.#options.emitter.emit(event, record);
    if (releasedBudget) this.#effects.push({ kind: 'budget-released', entry });
  }
}
