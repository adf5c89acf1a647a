/**
 * `catch-up:` what happens to instants that passed without firing: a clock step forward, a
 * suspended machine, a late wake, or a daemon that was down (DESIGN.md "Schedule semantics").
 */
import type { CatchUpPolicy } from '../../config/types.js';
import type { Instant } from '../../schedule/types.js';

/** `catch-up: all` runs at most this many missed instants (the latest ones). */
export const MAX_CATCH_UP_RUNS = 100;

/** Missed instants, ascending: the latest ones only, and whether earlier ones were left out. */
export interface MissedInstants {
  readonly latest: readonly Instant[];
  readonly more: boolean;
  /**
   * Where they were looked for: every instant in (after, upTo] was missed (counted for the
   * skipped record of those not run, missed-instants.ts notRunFacts); `down`: the daemon was.
   */
  readonly range?: { readonly after: Instant; readonly upTo: Instant; readonly down: boolean };
}

/** The missed instants to run, ascending: none (`skip`), the latest (`once`), or each (`all`). */
export function selectCatchUpRuns(policy: CatchUpPolicy, missed: MissedInstants): Instant[] {
  const { latest } = missed;
  if (latest.length === 0 || policy === 'skip') return [];
  if (policy === 'once') return [latest[latest.length - 1] as Instant];
  return latest.slice(-MAX_CATCH_UP_RUNS);
}

/** Words for the instants a policy did not run, e.g. "missed 3 instants (catch-up: skip)". */
export function describeMissed(policy: CatchUpPolicy, missed: MissedInstants, ran: number): string {
  const total = missed.latest.length;
  const count = missed.more ? `more than ${total}` : String(total);
  const noun = total === 1 && !missed.more ? 'instant' : 'instants';
  return ran === 0
    ? `missed ${count} ${noun} (catch-up: ${policy})`
    : `missed ${count} ${noun}, ran ${ran} (catch-up: ${policy})`;
}

/**
 * What catch-up does with missed instants: the runs to start (none under `skip`). Those not run
 * are one skipped record, made by engine/missed-instants.ts.
 */
export interface CatchUpPlan {
  /** Instants to run, ascending (`once`: the latest; `all`: each, one after another). */
  readonly runs: readonly Instant[];
  readonly serial: boolean;
  /** A line for the log when missed instants were left out. */
  readonly notice: string | null;
}

/** Plan `policy` for `missed`, within `budget` counted runs (`max-runs`); null when nothing was missed. */
export function planCatchUp(policy: CatchUpPolicy, missed: MissedInstants, budget: number): CatchUpPlan | null {
  const latest = missed.latest[missed.latest.length - 1];
  if (latest === undefined) return null;
  if (policy === 'skip') return { runs: [], serial: false, notice: null };
  const runs = budget === 0 ? [] : selectCatchUpRuns(policy, missed).slice(-budget);
  const leftOut = runs.length < missed.latest.length || missed.more;
  return {
    runs,
    serial: policy === 'all',
    notice: leftOut ? describeMissed(policy, missed, runs.length) : null,
  };
}
