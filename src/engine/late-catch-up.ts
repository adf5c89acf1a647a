/**
 * Catch-up the caller asks for (issue 21 point 7): instants the engine passed whose runs did not
 * happen (cluster claims that could not be made while the store was away) run per the task's
 * `catch-up`, as a restart's missed instants would (restore.ts catchUpRunsSince).
 */
import { TaskkitError } from '../errors.js';
import type { Instant } from '../schedule/types.js';
import { HoldLifecycle } from './hold-lifecycle.js';
import { catchUpRunsSince } from './restore.js';

export abstract class LateCatchUp extends HoldLifecycle {
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
}
