/**
 * Catch-up: missed instants of a fire, a restart or a clock step run per the task's `catch-up`;
 * and the catch-up the caller asks for (issue 21 point 7): instants the engine passed whose runs did
 * not happen (cluster claims that could not be made while the store was away) run as a restart's
 * missed instants would (restore.ts catchUpRunsSince). A restart's own catch-up may be handed to the
 * caller (SchedulerOptions.restartCatchUp: in cluster mode other hosts may have run those instants),
 * which hands back the instants that were missed (catchUpRestart).
 */
import { TaskkitError } from '../errors.js';
import type { Instant } from '../schedule/types.js';
import type { Task } from './active-run.js';
import { HoldLifecycle } from './hold-lifecycle.js';
import { notRunFacts } from './missed-instants.js';
import { planCatchUp, type MissedInstants } from './policies/catch-up.js';
import { catchUpRunsSince, missedBetween } from './restore.js';
import type { SchedulerOptions } from './scheduler-options.js';

export abstract class LateCatchUp extends HoldLifecycle {
  readonly #restartCatchUp: NonNullable<SchedulerOptions['restartCatchUp']> | null;

  constructor(options: SchedulerOptions) {
    super(options);
    this.#restartCatchUp = options.restartCatchUp ?? null;
  }

  /** Whether the caller took `entry`'s restart catch-up (SchedulerOptions.restartCatchUp). */
  protected handOverRestartCatchUp(entry: Task, missed: MissedInstants): boolean {
    const { range } = missed;
    if (range === undefined || this.#restartCatchUp === null) return false;
    return this.#restartCatchUp(entry.spec, { after: range.after, upTo: range.upTo });
  }

  /**
   * Apply `catch-up` to missed instants: one run (once), each in turn (all), none (skip); those not
   * run are one skipped record, reason `missed`, with their count and range.
   */
  protected catchUp(entry: Task, missed: MissedInstants): void {
    const plan = planCatchUp(entry.spec.catchUp, missed, entry.budget());
    if (plan === null) return;
    // Under once/all, no run means no max-runs budget left: the task is done, it has no instants.
    const done = plan.runs.length === 0 && entry.spec.catchUp !== 'skip';
    const notRun = done ? null : notRunFacts(entry, entry.spec.catchUp, missed, plan.runs);
    if (notRun !== null) {
      this.flow.recordSkip(entry, 'catch-up', notRun.first, notRun.reason, notRun.skip);
      this.drain();
    }
    for (const at of plan.runs) this.trigger(entry, 'catch-up', at, { serial: plan.serial });
    if (plan.notice !== null) this.log('info', `${entry.spec.name}: ${plan.notice}`);
  }

  /**
   * Run `name`'s unrun instants in (after, its latest dealt with] per its `catch-up`, with no
   * skipped record for those not run (they are not this engine's to account for). The instants
   * started; none before start() or once stopping.
   */
  catchUpSince(name: string, after: Instant): Instant[] {
    const entry = this.tasks.get(name);
    if (entry === undefined) throw new TaskkitError('TASK_UNKNOWN', `no task named "${name}"`);
    const runs = this.timeline.started && this.shutdown === null ? catchUpRunsSince(entry, after) : [];
    const serial = entry.spec.catchUp === 'all';
    this.inOneTurn(() => runs.forEach((at) => this.trigger(entry, 'catch-up', at, { serial })));
    return runs;
  }

  /**
   * A restart's catch-up of `name`, handed over at its add (SchedulerOptions.restartCatchUp), for
   * its instants in (after, upTo]: as start() would have caught them up, the skipped record of those
   * not run included. false before start() (ask again later); true once dealt with.
   */
  catchUpRestart(name: string, after: Instant, upTo: Instant): boolean {
    const entry = this.tasks.get(name);
    if (entry === undefined) throw new TaskkitError('TASK_UNKNOWN', `no task named "${name}"`);
    if (this.shutdown !== null) return true;
    if (!this.timeline.started) return false;
    // A task held since has its held span; one without instants in the range missed none.
    const missed = entry.held ? null : missedBetween(entry, after, upTo);
    if (missed !== null) this.inOneTurn(() => this.catchUp(entry, missed));
    return true;
  }
}
