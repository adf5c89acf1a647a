/**
 * The engine's claim step in cluster mode (engine/ports.ts RunClaim, ../shared/CLUSTER.md
 * section 3). A `scope: host` task (and `@reboot`) claims nothing: its run is this host's, written
 * to the local journal only, also while PostgreSQL is down. Any other run is claimed in one
 * transaction (claim_v1); an answer lost with the connection is asked again with the same id and
 * token, whose fast path tells the truth. Only a won claim is written to the local journal.
 */
import { randomUUID } from 'node:crypto';
import type { TaskSpec } from '../../config/types.js';
import type { ClaimVerdict, RunClaim } from '../../engine/ports.js';
import type { RunRecord } from '../../engine/run.js';
import type { Instant } from '../../schedule/types.js';
import type { Logger } from '../log.js';
import type { ClaimAnswer, ClaimRequest, ClusterDb } from './cluster-db.js';
import type { Liveness } from './liveness.js';
import { within } from './timeout.js';
import type { TaskRows } from './task-rows.js';

export interface ClusterClaimOptions {
  readonly db: Pick<ClusterDb, 'claim'>;
  readonly liveness: Pick<Liveness, 'hostId' | 'whyNot' | 'fenced'>;
  readonly hostname: string;
  readonly rows: TaskRows;
  readonly specOf: (task: string) => TaskSpec | undefined;
  readonly fingerprintOf: (spec: TaskSpec) => string;
  readonly isHostScoped: (spec: TaskSpec) => boolean;
  /** The jitter of `task`'s run at `instant`, in ms (the same on every host). */
  readonly jitterMsOf: (spec: TaskSpec, instant: Instant) => number;
  /** The local journal's claim (store/journal.ts): the won run's row is on disk before it starts. */
  readonly local: RunClaim;
  readonly now: () => Instant;
  readonly log: Logger;
  /** A claim said the task row changed (held, stale-schedule, stale-definition): re-read it. */
  readonly onStale: (task: string) => void;
  /** A run that yielded because no claim could be made (PostgreSQL away, fenced): caught up later. */
  readonly onUnclaimable?: (run: RunRecord) => void;
}

/** How long a claim whose answer was lost is asked again (same id and token) before the run yields. */
const UNKNOWN_OUTCOME_RETRY_MS = 250;
/** Past this a claim counts as unanswered (a frozen server): asked again while the fence allows. */
const CLAIM_TIMEOUT_MS = 5_000;
const TRIGGERS_WITH_INSTANT = new Set(['schedule', 'catch-up', 'retry']);

export function createClusterClaim(options: ClusterClaimOptions): RunClaim {
  const { db, liveness, log } = options;
  // Logged once per outage, not per instant: a host cut off for an hour has thousands.
  let outageLogged = false;

  const unreachable = (run: RunRecord, why: string): ClaimVerdict => {
    options.onUnclaimable?.(run);
    if (!outageLogged) {
      outageLogged = true;
      log('warn', `cluster: runs of cluster tasks yield while ${why} (logged once until claims work again)`);
    }
    return { yielded: `not claimed: ${why}` };
  };

  const ask = async (request: ClaimRequest): Promise<ClaimAnswer | null> => {
    for (;;) {
      try {
        return await within(db.claim(request), CLAIM_TIMEOUT_MS, 'claim');
      } catch {
        // The COMMIT may or may not have happened: ask again with the same id and token while this
        // host may still claim at all (its fence bounds how long a won row can go unstarted).
        if (liveness.whyNot() !== null) return null;
        await new Promise((resolve) => setTimeout(resolve, UNKNOWN_OUTCOME_RETRY_MS));
      }
    }
  };

  return (run: RunRecord) => {
    const spec = options.specOf(run.task);
    if (spec === undefined) return { yielded: 'the task is no longer in the tasks file' };
    if (options.isHostScoped(spec)) return options.local(run);
    const why = liveness.whyNot();
    if (why !== null) return unreachable(run, why);
    // Another host's definition is in force (CLUSTER.md 6): claim_v1 would answer stale-definition;
    // no round trip per instant. A publish notifies, and the resync re-reads the row within 30 s.
    const fingerprint = options.fingerprintOf(spec);
    const row = options.rows.get(run.task);
    if (row !== undefined && row.fingerprint !== fingerprint)
      return { yielded: "this host's definition differs from the cluster's" };
    const at = TRIGGERS_WITH_INSTANT.has(run.trigger) ? run.scheduledAt : null;
    const request: ClaimRequest = {
      task: run.task,
      at,
      attempt: run.attempt,
      hostId: liveness.hostId(),
      hostname: options.hostname,
      runId: run.id,
      token: randomUUID(),
      fingerprint,
      scheduleRev: options.rows.get(run.task)?.scheduleRev ?? 1,
      // catch-up: all runs its instants one after another whatever `overlap` says (the engine's
      // serial runs); across hosts too: the previous instant's run, here or on a peer, skips none.
      overlap: run.trigger === 'catch-up' && spec.catchUp === 'all' ? 'parallel' : spec.overlap,
      maxRuns: spec.maxRuns,
      deadlineMs: spec.deadlineMs,
      jitterMs: at === null || run.attempt > 1 ? 0 : options.jitterMsOf(spec, at),
      trigger: run.trigger,
    };
    return ask(request).then((answer) => {
      if (answer === null) return unreachable(run, 'PostgreSQL is not reachable');
      outageLogged = false;
      return verdictOf(answer, run, request);
    });
  };

  function verdictOf(
    answer: ClaimAnswer,
    run: RunRecord,
    request: ClaimRequest,
  ): ClaimVerdict | PromiseLike<ClaimVerdict> {
    switch (answer.outcome) {
      case 'won':
        return options.local(run);
      case 'skipped':
        return { refused: answer.detail ?? 'skipped by the cluster' };
      case 'early': {
        // The database's clock is behind ours: ask again once the instant (with its jitter) is near on it.
        const dbNow = Number(answer.detail);
        const wait = request.at === null || !Number.isFinite(dbNow) ? 500 : request.at + request.jitterMs - dbNow - 900;
        return { retryAt: options.now() + Math.max(100, wait) };
      }
      case 'fenced':
        liveness.fenced();
        return { yielded: 'this host is fenced (its lease is not current); it claims again after a good heartbeat' };
      case 'lost':
        return { yielded: `claimed by ${answer.detail ?? 'another host'}` };
      case 'held':
      case 'stale-schedule':
      case 'stale-definition':
      case 'unknown-task':
        options.onStale(run.task);
        return { yielded: describeStale(answer) };
      case 'exhausted':
        return { yielded: 'max-runs reached across the cluster' };
      case 'too-old':
        return { yielded: 'the instant is older than the history the cluster keeps' };
    }
  }
}

function describeStale(answer: ClaimAnswer): string {
  switch (answer.outcome) {
    case 'held':
      return 'held in the cluster';
    case 'stale-schedule':
      return 'rescheduled in the cluster; this host re-reads the task';
    case 'stale-definition':
      return "this host's definition differs from the cluster's";
    default:
      return 'the task is not published in the cluster';
  }
}
