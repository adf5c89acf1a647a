/**
 * What one due instant of a task means at a wake (DESIGN.md "Schedule semantics"): the instant
 * fires once (if the wake was merely late) and every further instant up to now is missed, left
 * to `catch-up`, so a late wake or a clock step never fires a task twice in a burst.
 */
import type { Instant } from '../schedule/types.js';
import { collectMissed } from './missed-instants.js';
import { MAX_CATCH_UP_RUNS, type MissedInstants } from './policies/catch-up.js';

export interface FirePlan {
  /** The instant to run as a `schedule` run, or null when it was jumped over. */
  readonly scheduled: Instant | null;
  readonly missed: MissedInstants;
  /** The task's next instant after this wake. */
  readonly upcoming: Instant | null;
  /** The latest instant dealt with by this wake. */
  readonly latest: Instant;
}

const NONE: MissedInstants = { latest: [], more: false };

/**
 * Plan the wake of a task due at `due`. `lateBefore` splits lateness from a clock step: instants
 * up to it would have fired on time without the step; later ones were jumped over (missed).
 * `runnable` gives the instants that may run (not on a date `except:` excludes): only they can be
 * missed; `next` gives every instant, for the task's place on the timeline.
 */
export function planFire(
  next: (after: Instant) => Instant | null,
  due: Instant,
  now: Instant,
  lateBefore: Instant,
  runnable: (after: Instant) => Instant | null = next,
): FirePlan {
  const following = next(due);
  let missed = NONE;
  let upcoming = following;
  if (following !== null && following <= now) {
    missed = collectMissed(runnable, due, now, MAX_CATCH_UP_RUNS);
    upcoming = next(now);
  }
  const jumpedOver = due > lateBefore;
  if (jumpedOver) {
    const latest = [due, ...missed.latest];
    missed = { latest: latest.slice(-MAX_CATCH_UP_RUNS), more: missed.more || latest.length > MAX_CATCH_UP_RUNS };
  }
  if (missed.latest.length > 0)
    missed = { ...missed, range: { after: jumpedOver ? due - 1 : due, upTo: now, down: false } };
  return {
    scheduled: jumpedOver ? null : due,
    missed,
    upcoming,
    latest: missed.latest[missed.latest.length - 1] ?? due,
  };
}
