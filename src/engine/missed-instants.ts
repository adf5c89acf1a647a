/**
 * Find the instants a schedule had in (after, upTo]: what a late wake, a clock step or a restart
 * skipped over. Only the latest `limit` matter (catch-up runs at most 100), so a task that fires
 * every second and was down for a month must not cost 2.6 million next() calls: the search
 * looks back from `upTo` through windows that double until they hold enough instants.
 */
import type { CatchUpPolicy } from '../config/types.js';
import { countTaskInstants, nextTaskInstant, type TaskTiming } from '../schedule/task-instants.js';
import type { Instant } from '../schedule/types.js';
import type { MissedInstants } from './policies/catch-up.js';
import type { SkipFacts } from './run.js';

const FIRST_WINDOW_MS = 1_000;

/** The latest `limit` instants of `next` in (after, upTo], ascending. */
export function collectMissed(
  next: (after: Instant) => Instant | null,
  after: Instant,
  upTo: Instant,
  limit: number,
): MissedInstants {
  if (upTo <= after || limit <= 0) return { latest: [], more: false };
  for (let window = FIRST_WINDOW_MS; ; window *= 2) {
    const from = Math.max(after, upTo - window);
    const found = listBetween(next, from, upTo, limit);
    // Enough instants, or the window reached `after`: nothing earlier is left to look at.
    if (found.count > limit || from === after) {
      return { latest: found.latest, more: found.count > limit };
    }
  }
}

/** Instants in (from, upTo]: the last `limit` of them and how many there were. */
function listBetween(
  next: (after: Instant) => Instant | null,
  from: Instant,
  upTo: Instant,
  limit: number,
): { latest: Instant[]; count: number } {
  const latest: Instant[] = [];
  let count = 0;
  for (let at = next(from); at !== null && at <= upTo; at = next(at)) {
    count++;
    latest.push(at);
    if (latest.length > limit) latest.shift();
  }
  return { latest, count };
}

/** The skipped record of missed instants that were not run: its first instant, words and facts. */
export interface NotRun {
  readonly first: Instant;
  readonly reason: string;
  readonly skip: SkipFacts;
}

/**
 * The missed instants `catch-up` did not run (all of them under `skip`, all but the latest under
 * `once`, those past the latest 100 under `all`), as one skipped record, reason `missed`, with their
 * count and range (issue 16.7); null when every missed instant runs.
 */
export function notRunFacts(
  timing: TaskTiming,
  policy: CatchUpPolicy,
  missed: MissedInstants,
  runs: readonly Instant[],
): NotRun | null {
  const { range } = missed;
  // Counted afresh in the range: the instants are dealt with already, so lastScheduledAt is left out.
  const plain: TaskTiming = {
    schedule: timing.schedule,
    until: timing.until,
    runsLeft: Infinity,
    lastScheduledAt: null,
    exclusion: timing.exclusion ?? null,
  };
  const all =
    range === undefined
      ? { count: missed.latest.length, more: missed.more, first: missed.latest[0] ?? null }
      : countTaskInstants(plain, range.after, range.upTo);
  const count = all.count - runs.length;
  if (all.first === null || (count <= 0 && !all.more)) return null;
  // Runs are the newest missed instants: the last not run is just before the first of them.
  const index = missed.latest.length - 1 - runs.length;
  const firstRun = runs[0];
  const last =
    index >= 0
      ? (missed.latest[index] ?? null)
      : range === undefined || firstRun === undefined
        ? null
        : (collectMissed((after) => nextTaskInstant(plain, after), range.after, firstRun - 1, 1).latest[0] ?? null);
  const total = Math.max(count, 1);
  const instants = `${all.more ? 'more than ' : ''}${total} ${total === 1 && !all.more ? 'instant' : 'instants'}`;
  const ran = runs.length === 0 ? '' : runs.length === 1 ? ', ran the latest' : `, ran the latest ${runs.length}`;
  const down = range?.down === true ? ' while taskkit was down' : '';
  const reason = `missed ${instants}${down} (catch-up: ${policy}${ran})`;
  return {
    first: all.first,
    reason,
    skip: { reason: 'missed', count: total, more: all.more, lastAt: last },
  };
}
