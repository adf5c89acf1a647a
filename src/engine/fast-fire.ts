/**
 * The in-process fast path (issue 20 point 1): at a wake, a due function task is entered at once,
 * before the engine books its run, so that the k-th of 10,000 tasks due on one second waits for
 * k-1 function calls, not for k-1 runs' records, events and timeline moves. Its run is booked after
 * the wake's due functions were entered (or sooner, see below) by replaying the ordinary fire
 * (engine-loop.ts) with the run as pre-entered (run-flow.ts PreEntered): the same code makes the
 * same records, events and state, in the same order, with the id taken at entry and the clock
 * pinned to the instants the function really started and ended at. Only when they are made moves.
 *
 * That holds because the fast path takes only what nothing can tell apart:
 *  - a task whose fire would launch its run at once (eligible below: no hold, no excluded date, no
 *    jitter, no group, nothing of it waiting or running, a max-concurrent slot free, budget left,
 *    within its deadline), with no claim hook (the daemon's journal, cluster mode: SchedulerOptions
 *    fastFunctions is refused with one) and nobody listening to the engine's events (a listener
 *    would see them after later functions ran, and could act on the engine in between);
 *  - whatever would make ids or runs while it is booked (a failure: retry, on-failure, alerts; a
 *    success with dependents; missed instants for catch-up) has it booked before the next task is
 *    entered, so ids come in the same order;
 *  - a function that calls the Scheduler (the library's methods, its ctx.handle) first has every run
 *    entered so far booked, and its own fire booked up to its entry (settle): it sees the engine as
 *    the ordinary fire would show it; the rest of its fire follows when it returns.
 * A function that returns a promise keeps its slot once booked; the fast path counts it meanwhile.
 */
import type { Instant } from '../schedule/types.js';
import type { TaskHandle } from '../task-context.js';
import type { ActiveRun, Task } from './active-run.js';
import { FastRun, type FastRunHost } from './fast-run.js';
import { enterHandle, startRun } from './launch.js';
import type { PinnedClock } from './pinned-clock.js';
import { checkDeadline } from './policies/deadline.js';
import type { RunHandle, RunOutcome, Runner } from './ports.js';
import type { SkippedSpans } from './skipped-spans.js';

/** What the fast path needs of the engine (engine-loop.ts). */
export interface FastFireHost {
  readonly clock: PinnedClock;
  readonly runner: Runner;
  readonly spans: SkippedSpans;
  readonly nextRunId: () => number;
  /** Nobody listens to the engine's events. */
  quiet(): boolean;
  /** A run would start at once: a max-concurrent slot is free with `held` more taken, nobody waits, no stop. */
  startsAtOnce(held: number): boolean;
  /** A success of the task triggers other runs (after, on-success, joins). */
  hasDependents(entry: Task): boolean;
  /** Changes whenever hasDependents might answer otherwise for a task of the same definition. */
  dependentsVersion(): number;
  /** Book the whole fire of `run`, whose function has returned. */
  book(run: FastRun): void;
  /** Book the fire of `run` up to its entry: its function, still going, called the Scheduler. */
  bookStart(run: FastRun): void;
  /** The function of `run`, booked while it went (bookStart), has returned: the rest of its fire. */
  bookEnd(run: FastRun): void;
  createHandle(run: ActiveRun): TaskHandle;
}

export class FastFire implements FastRunHost {
  readonly #host: FastFireHost;
  readonly #now: () => Instant;
  /**
   * Entered, not booked yet, in the order they were entered: the first #pendingCount slots. The
   * array is kept from wake to wake, so that entering allocates no store for it.
   */
  readonly #pending: (FastRun | null)[] = [];
  #pendingCount = 0;
  /** Of #pending, those whose function returned a promise: each takes a slot once booked. */
  #held = 0;
  /** The run whose function is being entered now. */
  #current: FastRun | null = null;
  #booking = false;
  #wakeNow: Instant = 0;
  #lateBefore: Instant = 0;

  constructor(host: FastFireHost) {
    this.#host = host;
    this.#now = () => host.clock.now();
  }

  get clock(): PinnedClock {
    return this.#host.clock;
  }

  /** A wake at `now` begins (no clock step: the engine takes the ordinary path after one). */
  beginWake(now: Instant, lateBefore: Instant): void {
    this.#wakeNow = now;
    this.#lateBefore = lateBefore;
  }

  /** The wake under way: its time, and the instant up to which due instants are late (planFire). */
  get wakeNow(): Instant {
    return this.#wakeNow;
  }

  get lateBefore(): Instant {
    return this.#lateBefore;
  }

  /** The wake is over: every run entered is booked. */
  endWake(): void {
    this.flush();
  }

  /** Enter `entry`'s function due at `due` now, if the fast path may; false: fire it the ordinary way. */
  tryEnter(entry: Task, due: Instant): boolean {
    const prepared = this.#takePrepared(entry, due);
    if (!(prepared !== null && this.#onLane(prepared, entry)) && !this.#eligible(entry, due)) return false;
    const host = this.#host;
    const run = prepared ?? this.#make(entry, due);
    const handle = run.inner as RunHandle;
    run.begin(host.nextRunId(), host.clock.now());
    let outcome: RunOutcome | undefined;
    this.#current = run;
    try {
      outcome = enterHandle(handle, run.startedAt, this.#now);
    } finally {
      this.#current = null;
    }
    // A run over at once ended when its outcome says (read right after the return); else now.
    run.noteReturn(outcome, outcome?.endedAt ?? host.clock.now());
    if (run.run !== null) {
      host.bookEnd(run);
      return true;
    }
    this.#pending[this.#pendingCount++] = run;
    if (outcome === undefined) this.#held++;
    if (this.#hasSequels(run)) this.flush();
    return true;
  }

  /** Book every run entered, in order. */
  flush(): void {
    if (this.#booking || this.#pendingCount === 0) return;
    this.#booking = true;
    const pending = this.#pending;
    const count = this.#pendingCount;
    try {
      for (let i = 0; i < count; i++) {
        const run = pending[i] as FastRun;
        pending[i] = null;
        this.#host.book(run);
      }
    } finally {
      // A throw above leaves the rest unbooked, as before: let them go.
      for (let i = 0; i < count; i++) pending[i] = null;
      this.#pendingCount = 0;
      this.#held = 0;
      this.#booking = false;
    }
  }

  /**
   * Make the run of `entry`'s fire due at `due` now, in the booking of its fire before: its
   * objects (the run, the runner's handle, the ctx) are then no allocation among a wake's entries,
   * where a scavenge would hold up every function after it (issue 20). The ctx is still a fresh
   * object per fire; it is given its run id when entered.
   */
  prepare(entry: Task, due: Instant): void {
    if (entry.spec.action.kind !== 'function') {
      entry.preparedFire = null;
      return;
    }
    const run = this.#make(entry, due);
    run.lane = this.#laneOpen(entry);
    run.dependentsVersion = this.#host.dependentsVersion();
    entry.preparedFire = run;
  }

  /**
   * What #eligible asks that stays as it is until the fire, for a task of this definition: its
   * definition's settings, its calendar span (opened only by its own fire) and its dependents (while
   * dependentsVersion stays); a hold drops the run (TaskEntry.hold). The fire then asks only the rest
   * (#onLane), reading no more than the entry and the run: 10,000 due at once each reached the task's
   * definition, action, rare state, name and two maps, cold after a second of other work (issue 20).
   */
  #laneOpen(entry: Task): boolean {
    const { spec } = entry;
    return (
      spec.jitterMs <= 0 &&
      spec.group === undefined &&
      spec.maxRuns === null &&
      spec.deadlineMs === null &&
      !entry.held &&
      entry.exclusion === null &&
      this.#host.spans.excludedBefore(entry) === null &&
      !this.#host.hasDependents(entry)
    );
  }

  /** `run`, made ahead for `entry`'s fire now, may be entered: #eligible's answer, from what may have changed since. */
  #onLane(run: FastRun, entry: Task): boolean {
    const host = this.#host;
    return (
      run.lane &&
      run.dependentsVersion === host.dependentsVersion() &&
      entry.active.length === 0 &&
      host.quiet() &&
      host.startsAtOnce(this.#held)
    );
  }

  /** A run of `entry` at `due`, its runner's handle made (not entered). */
  #make(entry: Task, due: Instant): FastRun {
    const run = new FastRun(this, entry, due);
    run.inner = startRun(this.#host.runner, run, (chunk) => run.output(chunk), this.#now);
    return run;
  }

  /** The run prepared for `entry`'s fire at `due`, if it was made for this instant and definition. */
  #takePrepared(entry: Task, due: Instant): FastRun | null {
    const run = entry.preparedFire as FastRun | null;
    if (run === null) return null;
    entry.preparedFire = null;
    return run.due === due && run.task === entry.spec ? run : null;
  }

  /**
   * Someone is about to act on or look at the engine: book the runs entered so far, and the one
   * whose function is going, up to its entry. During booking nothing more is booked: what is still
   * pending then had not fired yet in the ordinary order either.
   */
  settle(): void {
    if (this.#booking) return;
    this.flush();
    const current = this.#current;
    if (current !== null && current.run === null) this.#host.bookStart(current);
  }

  createHandle(run: ActiveRun): TaskHandle {
    return this.#host.createHandle(run);
  }

  /** The ordinary fire of `entry` at `due` would launch its run at once, and nobody would see it happen. */
  #eligible(entry: Task, due: Instant): boolean {
    const { spec } = entry;
    const host = this.#host;
    return (
      spec.action.kind === 'function' &&
      spec.jitterMs <= 0 &&
      spec.group === undefined &&
      !entry.held &&
      entry.active.length === 0 &&
      entry.exclusion === null &&
      entry.hasBudget() &&
      checkDeadline('schedule', due, spec.deadlineMs, this.#wakeNow) === null &&
      host.spans.excludedBefore(entry) === null &&
      host.quiet() &&
      host.startsAtOnce(this.#held)
    );
  }

  /** hasDependents(entry), known since `run` was made ahead if nothing it depends on changed (#laneOpen). */
  #dependentsOf(run: FastRun, entry: Task): boolean {
    const known = run.lane && run.task === entry.spec && run.dependentsVersion === this.#host.dependentsVersion();
    return !known && this.#host.hasDependents(entry);
  }

  /** Booking `run` would make ids or runs (or it is not a plain success): it must come before the next entry. */
  #hasSequels(run: FastRun): boolean {
    const { outcome, entry } = run;
    if (outcome !== undefined && (outcome.status !== 'succeeded' || this.#dependentsOf(run, entry))) return true;
    // Instants missed up to now: catch-up records or runs them in the same fire. A wake on the
    // instant (the timer's lead, timeline.ts) missed none: the next instant is after it.
    if (run.due >= this.#wakeNow) return false;
    const following = entry.scheduleNextRemembered(run.due);
    return following !== null && following <= this.#wakeNow;
  }
}
