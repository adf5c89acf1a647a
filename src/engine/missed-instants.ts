/**
 * Find the instants a schedule had in (after, upTo]: what a late wake, a clock step or a restart
 * skipped over. Only the latest `limit` matter (catch-up runs at most 100), so a task that fires
 * every second and was down for a month must not cost 2.6 million next() calls: the search
 * looks back from `upTo` through windows that double until they hold enough instants.
 */
import type { MissedInstants } from './policies/catch-up.js';
import type { Instant } from '../schedule/types.js';

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
