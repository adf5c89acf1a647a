/**
 * A hold's life in the engine (`hold`, `resume`, `hold --for/--until`, auto-hold, `hold:` in the
 * file): it begins (the task parked off the timeline, its scheduled runs not started dropped), its
 * end waits on the timeline, and it ends (by resume, or by itself). The hold's value is task-hold.ts's
 * (kept by TaskEntry); the instants a held task passes are counted by skipped-spans.ts.
 */
import { TaskkitError } from '../errors.js';
import type { Instant } from '../schedule/types.js';
import type { Task } from './active-run.js';
import { FastBookingLoop } from './fast-booking.js';

export abstract class HoldLifecycle extends FastBookingLoop {
  /** Hold `entry` from now until `until` (null: until resume; absent: a held task keeps its end), after now. */
  protected holdFromNow(entry: Task, note: string | undefined, until: Instant | null | undefined): void {
    const now = this.clock.now();
    if (until != null && until <= now) {
      throw new TaskkitError('USAGE', `a hold's end must be after now; ${new Date(until).toISOString()} is not`);
    }
    entry.hold(note, now, until);
    this.beginHold(entry);
  }

  /** End the hold now (resume): from the next instant strictly after now; the held time is not caught up. */
  protected releaseNow(entry: Task): void {
    const now = this.clock.now();
    this.spans.endHeld(entry, now, now);
    if (!entry.release()) return;
    this.syncHoldEnd(entry);
    this.setNext(entry, entry.computeNext(now));
    this.announce(entry, true);
  }

  /**
   * The task is held from now (hold, auto-hold, `hold:` in the file): parked, its instants counted,
   * its hold's end on the timeline, and its scheduled runs not started yet dropped (RunFlow.dropHeld).
   */
  protected beginHold(entry: Task): void {
    this.spans.begin(entry, this.clock.now());
    this.setNext(entry, entry.nextAt);
    this.syncHoldEnd(entry);
    this.flow.dropHeld(entry);
    this.drain();
  }

  /** Put the end of the task's hold on the timeline, or take it off when the hold has none (or is over). */
  protected syncHoldEnd(entry: Task): void {
    const until = entry.holdEndsAt;
    if (until !== null && !entry.removed) this.timeline.set(entry.holdEndNode, until);
    else if (entry.madeHoldEndNode !== null) this.timeline.delete(entry.madeHoldEndNode);
  }

  /**
   * A hold with an `until` (`hold --for/--until`) ends by itself once that time has come: its
   * instants before the end are its held row, and the first instant at or after the end is next
   * (it runs then, or at once when this wake is late: planFire says how).
   */
  protected endHoldIfDue(entry: Task, now: Instant): void {
    const until = entry.holdEndsAt;
    if (until === null || until > now || entry.removed) return;
    this.spans.endHeld(entry, Math.min(now, until - 1), now);
    entry.release();
    this.timeline.delete(entry.holdEndNode); // made: the hold's end was on the timeline
    this.log('info', `${entry.spec.name}: hold ended (it was held until ${new Date(until).toISOString()})`);
    this.setNext(entry, entry.computeNext(until - 1));
    this.announce(entry, true);
  }
}
