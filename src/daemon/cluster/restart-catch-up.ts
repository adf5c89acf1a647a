/**
 * A daemon starting into a live cluster (issue 21, "left out"): the instants its tasks had while it
 * was down were, on a live cluster, claimed and run by other hosts, so they are not this host's to
 * log or record as missed. The engine hands a restart's missed instants of each cluster task here
 * (SchedulerOptions.restartCatchUp) instead of catching them up at start. Once the latest of them
 * could have been claimed (its task's jitter and CLAIM_SETTLE_MS after it) and PostgreSQL answers,
 * the latest instant of the range with a row in the cluster is asked, and only the instants after
 * it, which no host ran, are caught up as a restart would (Scheduler.catchUpRestart: the task's
 * `catch-up`, the skipped record of those not run). An instant without a row before one with a row
 * is not this host's to account for (the watchdog reports those it sees).
 */
import type { TaskSpec } from '../../config/types.js';
import type { Scheduler } from '../../engine/scheduler.js';
import type { Instant } from '../../schedule/types.js';
import type { ClusterDb } from './cluster-db.js';

/**
 * How long after an instant's jittered start a live host's claim of it has landed: claim lateness
 * was p99 56-492 ms in the harness (issue 21). A claim later than this makes only the skipped record
 * say "missed" for it; under catch-up once/all the claim still lets one host run it.
 */
export const CLAIM_SETTLE_MS = 2_000;
/** PostgreSQL away, or the engine not started yet: asked again this much later. */
const RETRY_MS = 5_000;

type Range = { readonly after: Instant; readonly upTo: Instant };

export interface RestartCatchUpOptions {
  readonly db: Pick<ClusterDb, 'latestInstantWithRow'>;
  readonly isHostScoped: (spec: TaskSpec) => boolean;
  readonly now: () => Instant;
  /** Tests: no timer; they call check(). */
  readonly timer?: boolean;
}

export interface RestartCatchUps {
  /** SchedulerOptions.restartCatchUp: takes a cluster task's restart catch-up (not a `scope: host` one's). */
  take(spec: TaskSpec, range: Range): boolean;
  attach(engine: Pick<Scheduler, 'has' | 'catchUpRestart'>): void;
  /** Hands back the ranges due; those PostgreSQL or the engine cannot take yet wait RETRY_MS. */
  check(): Promise<void>;
  stop(): void;
}

export function restartCatchUps(options: RestartCatchUpOptions): RestartCatchUps {
  const pending = new Map<string, Range & { checkAt: Instant }>();
  let engine: Pick<Scheduler, 'has' | 'catchUpRestart'> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let busy = false;

  /** When the timer is armed for (Infinity: not armed). */
  let armedAt = Infinity;

  /** Arm for `at` unless armed for as early already: a start adds every task, one take() each. */
  const armAt = (at: Instant): void => {
    if (options.timer === false || stopped || engine === null || at >= armedAt) return;
    clearTimeout(timer);
    armedAt = at;
    timer = setTimeout(
      () => {
        armedAt = Infinity;
        void check();
      },
      Math.max(0, at - options.now()),
    );
    timer.unref();
  };

  const arm = (): void => {
    clearTimeout(timer);
    armedAt = Infinity;
    let first = Infinity;
    for (const range of pending.values()) first = Math.min(first, range.checkAt);
    if (first !== Infinity) armAt(first);
  };

  const check = async (): Promise<void> => {
    const running = engine;
    if (running === null || busy || stopped) return;
    busy = true;
    try {
      for (const [task, range] of [...pending]) {
        if (range.checkAt > options.now()) continue;
        let latest: Instant | null;
        try {
          latest = await options.db.latestInstantWithRow(task, range.after, range.upTo);
        } catch {
          range.checkAt = options.now() + RETRY_MS; // PostgreSQL away: when it answers
          continue;
        }
        // Taken anew meanwhile (a reload added the task again): that range is asked on its own.
        if (pending.get(task) !== range || stopped) continue;
        if (!running.has(task) || running.catchUpRestart(task, Math.max(range.after, latest ?? -Infinity), range.upTo))
          pending.delete(task);
        else range.checkAt = options.now() + RETRY_MS;
      }
    } finally {
      busy = false;
      arm();
    }
  };

  return {
    take(spec, range) {
      if (options.isHostScoped(spec)) return false;
      const checkAt = range.upTo + spec.jitterMs + CLAIM_SETTLE_MS;
      pending.set(spec.name, { ...range, checkAt });
      armAt(checkAt);
      return true;
    },
    attach(attached) {
      engine = attached;
      arm();
    },
    check,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
