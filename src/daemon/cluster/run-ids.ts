/**
 * The engine's run ids in cluster mode: from the cluster's blocks (unique across hosts). The
 * engine asks synchronously and cannot be told "no": when PostgreSQL has been away long enough for
 * the prefetched blocks to run out (every instant takes an id, also those that yield), ids come
 * from a random window of this process high above the sequence's range, so that `scope: host`
 * runs go on (also when the daemon started while PostgreSQL was away: offline.ts). Such an id never
 * meets one the sequence hands out, but two hosts' windows could meet: their runs are kept in the
 * local journal only, never written to the cluster's run table (isHostRangeId). Logged once per outage.
 */
import type { Logger } from '../log.js';
import type { RunIdSource } from './cluster-db.js';

/** Far above any sequence value a cluster reaches, below 2^53 with room for 2^31 windows of 2^20. */
const FALLBACK_BASE = 2 ** 52;
const WINDOW = 2 ** 20;

/** An id of a host's own range (no block at hand): its run is not written to the cluster's run table. */
export function isHostRangeId(id: number): boolean {
  return id >= FALLBACK_BASE;
}

export function runIdsWithFallback(source: RunIdSource, log: Logger): () => number {
  let fallback = FALLBACK_BASE + Math.floor(Math.random() * 2 ** 31) * WINDOW;
  let short = false;
  return () => {
    try {
      const id = source.next();
      short = false;
      return id;
    } catch (error) {
      if (!short)
        log(
          'warn',
          `cluster: ${error instanceof Error ? error.message : String(error)}; ` +
            `runs take ids of this host's own range until PostgreSQL answers`,
        );
      short = true;
      return fallback++;
    }
  };
}
