/**
 * How the engine books what the fast path (fast-fire.ts) entered: a run's ordinary fire
 * (engine-loop.ts fireUpToRun, fireAfterRun) replayed with the run pre-entered and the clock pinned
 * to the instants its function started and ended at. Set up only when asked (SchedulerOptions
 * fastFunctions) and no claim hook is given: a claim must answer before a run starts.
 */
import { EngineLoop } from './engine-loop.js';
import { FastFire } from './fast-fire.js';
import { hasDependents } from './joins.js';
import type { FastRun } from './fast-run.js';
import { describeError } from './launch.js';
import type { SchedulerOptions } from './scheduler-options.js';
import { createTaskHandle } from './task-handle.js';

export abstract class FastBookingLoop extends EngineLoop {
  constructor(options: SchedulerOptions) {
    super(options);
    if (options.fastFunctions !== true || options.claim !== undefined || options.claimCommit !== undefined) return;
    const { flow, emitter } = this;
    this.fast = new FastFire({
      clock: this.pinnedClock,
      runner: options.runner,
      spans: this.spans,
      nextRunId: this.takeRunId,
      quiet: () => emitter.quiet,
      startsAtOnce: (held) => flow.startsAtOnce(held),
      hasDependents: (entry) => hasDependents(entry.spec, this.afterIndex, this.joinIndex),
      dependentsVersion: () => this.afterIndex.version + this.joinIndex.version,
      book: (run) => this.#book(run, true),
      bookStart: (run) => this.#book(run, false),
      bookEnd: (run) => this.#bookEnd(run),
      createHandle: (run) => createTaskHandle(run, this, this.log),
    });
  }

  /**
   * Someone is about to act on or look at the engine (the library's Scheduler methods): the runs the
   * fast path entered so far are booked first (fast-fire.ts settle).
   */
  settleEntered(): void {
    this.fast?.settle();
  }

  /**
   * Book a run the fast path entered: its ordinary fire, with the run pre-entered and the clock
   * reading the instant it started at (its end, once entered). `whole` false: its function is still
   * going (it called the Scheduler), so the fire stops at the run's entry; #bookEnd does the rest.
   */
  #book(run: FastRun, whole: boolean): void {
    const fast = this.fast as FastFire;
    const { entry } = run;
    const schedule = entry.schedule;
    this.pinnedClock.pin(run.startedAt);
    this.flow.preEntered = run;
    try {
      const plan = this.fireUpToRun(entry, run.due, fast.wakeNow, fast.lateBefore);
      if (!whole) {
        run.plan = plan;
        run.schedule = schedule;
      } else if (plan !== null) this.fireAfterRun(entry, plan, schedule);
      // What the next fire's fast path asks first and the run it enters (fast-fire.ts): made here,
      // outside its entries.
      if (whole && entry.nextAt !== null) {
        entry.scheduleNextRemembered(entry.nextAt);
        fast.prepare(entry, entry.nextAt);
      }
    } catch (error) {
      this.log('error', `internal error booking run #${run.runId} of ${entry.spec.name}: ${describeError(error)}`);
    } finally {
      this.flow.preEntered = null;
      this.pinnedClock.unpin();
    }
  }

  /** A function booked while it went has returned: its run ends as one over at once does; its fire goes on. */
  #bookEnd(run: FastRun): void {
    const booked = run.run;
    this.pinnedClock.pin(run.endedAt);
    try {
      if (booked !== null && run.outcome !== undefined) {
        this.flow.finish(booked, run.outcome);
        this.drain();
      }
      if (run.plan !== null && run.schedule !== null) this.fireAfterRun(run.entry, run.plan, run.schedule);
    } finally {
      this.pinnedClock.unpin();
    }
  }
}
