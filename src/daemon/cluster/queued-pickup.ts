/**
 * Queued retries of dead hosts' runs (../shared/CLUSTER.md section 4): a reaper queued them in
 * `run` (status `queued`, no host, due at the dead host's lease end + kill-after + the retry
 * delay); any free live host takes one with take_queued_v1 and its engine starts it as attempt
 * N+1 of the same instant (Scheduler.startTaken: the row is this host's already, no claim). Asked
 * every 1-2 s with jitter, so that hosts do not ask in step, and at once after a host died.
 */
import type { TakenRun } from '../../engine/ports.js';
import type { Logger } from '../log.js';
import type { ClusterDb } from './cluster-db.js';
import type { Liveness } from './liveness.js';

export interface QueuedPickupOptions {
  readonly db: Pick<ClusterDb, 'takeQueued'>;
  readonly liveness: Pick<Liveness, 'hostId' | 'canClaim'>;
  readonly hostname: string;
  /** The tasks whose queued runs this host may take: it runs them with the cluster's definition. */
  readonly tasks: () => readonly string[];
  /** A max-concurrent slot is free here: a taken run starts at once rather than wait in this host's queue. */
  readonly freeSlot: () => boolean;
  /** Start the taken run (Scheduler.startTaken); throws when the engine cannot (stopping, task gone). */
  readonly start: (taken: TakenRun) => void;
  readonly log: Logger;
}

export interface QueuedPickup {
  /** A NOTIFY payload: `host-dead` asks at once (its freed queued rows may be due already). */
  notified(payload: string): void;
  /** Ask now (a reap on this host found dead hosts). */
  poke(): void;
  stop(): void;
}

const PICKUP_EVERY_MS = 1_000;

export function startQueuedPickup(options: QueuedPickupOptions): QueuedPickup {
  const { db, liveness, log } = options;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let asking = false;
  let askAgain = false;

  const arm = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void round().finally(arm), PICKUP_EVERY_MS + Math.random() * PICKUP_EVERY_MS);
  };

  /** Take due runs while this host may and has room; one round at a time. */
  const round = async (): Promise<void> => {
    if (asking) {
      askAgain = true;
      return;
    }
    asking = true;
    try {
      do {
        askAgain = false;
        while (!stopped && liveness.canClaim() && options.freeSlot()) {
          const tasks = options.tasks();
          if (tasks.length === 0) break;
          const taken = await db.takeQueued(liveness.hostId(), options.hostname, tasks);
          if (taken === null || stopped) break;
          startTaken(taken);
        }
      } while (askAgain && !stopped);
    } catch {
      // The liveness connection reports an outage once; the next round asks again.
    } finally {
      asking = false;
    }
  };

  const startTaken = (taken: TakenRun): void => {
    const instant = taken.scheduledAt === null ? 'no instant' : new Date(taken.scheduledAt).toISOString();
    try {
      options.start(taken);
      log(
        'info',
        `cluster: run #${taken.runId} of ${taken.task} (${instant}, attempt ${taken.attempt}) taken from the queue`,
      );
    } catch (error) {
      // Its row stays running under this host: when this host goes, a reaper interrupts it.
      log('warn', `cluster: run #${taken.runId} of ${taken.task} was taken but could not start: ${describe(error)}`);
    }
  };

  arm();
  return {
    notified(payload) {
      let message: { k?: unknown };
      try {
        message = JSON.parse(payload) as typeof message;
      } catch {
        return;
      }
      if (message.k === 'host-dead') void round();
    },
    poke: () => void round(),
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
