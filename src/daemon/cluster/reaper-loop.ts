/**
 * Every host reaps (../shared/CLUSTER.md section 4): every 1-2 s, jittered so that hosts do not
 * ask in step, reap_v1 declares dead the hosts whose lease ran out or whose process died (lock
 * free, beat older than gone-after), interrupts their running runs and queues the opted-in
 * retries. A reaper is trusted only once its own liveness connection has been up for a full
 * lease: after a PostgreSQL restart every lock is free and every lease looks expired.
 */
import type { Logger } from '../log.js';
import type { ClusterDb, ReapedHost } from './cluster-db.js';
import type { Liveness } from './liveness.js';

export interface ReaperOptions {
  readonly db: Pick<ClusterDb, 'reap'>;
  readonly liveness: Pick<Liveness, 'upForMs' | 'canClaim'>;
  readonly goneAfterMs: number;
  readonly leaseMs: number;
  readonly log: Logger;
  /** After a reap that found hosts: queued retries may be due. */
  readonly onReaped?: (hosts: readonly ReapedHost[]) => void;
}

const REAP_EVERY_MS = 1_000;

/** Start reaping; returns the stop. */
export function startReaper(options: ReaperOptions): () => void {
  const { db, liveness, log } = options;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const arm = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void round().finally(arm), REAP_EVERY_MS + Math.random() * REAP_EVERY_MS);
  };
  const round = async (): Promise<void> => {
    if (!liveness.canClaim()) return;
    const trusted = liveness.upForMs() >= options.leaseMs;
    try {
      const hosts = await db.reap(options.goneAfterMs, trusted);
      for (const host of hosts)
        log(
          'warn',
          `cluster: host ${host.hostname} (${host.hostId}) is dead (${host.how}): ` +
            `${host.runsInterrupted} running run(s) interrupted, ${host.retriesQueued} retry(ies) queued`,
        );
      if (hosts.length > 0) options.onReaped?.(hosts);
    } catch {
      // The liveness connection reports an outage once; a failed reap is tried again next round.
    }
  };
  arm();
  return () => {
    stopped = true;
    if (timer !== null) clearTimeout(timer);
  };
}
