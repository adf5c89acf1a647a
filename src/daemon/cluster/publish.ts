/**
 * One published definition per task (../shared/CLUSTER.md section 6). `start` publishes without
 * force (only new tasks, and those whose publisher is no longer live: a crash-looping host with
 * an old file cannot flip definitions), `reload` with force (last writer wins). The rows read back
 * say which tasks run another host's definition (they are not claimed here; `status` says so), and
 * give each task its cluster-wide state at start: catch-up from the cluster's `last_scheduled_at`,
 * the cluster's max-runs count, hold and run-time reschedule.
 */
import type { TaskSpec } from '../../config/types.js';
import type { RestoredTaskState } from '../../engine/ports.js';
import { checkScheduleSpec } from '../../schedule/spec-check.js';
import type { Logger } from '../log.js';
import type { ClusterDb, PublishRequest } from './cluster-db.js';
import type { TaskRows } from './task-rows.js';

export interface PublishOptions {
  readonly db: Pick<ClusterDb, 'publish' | 'readTask'>;
  readonly rows: TaskRows;
  readonly hostId: string;
  readonly fingerprintOf: (spec: TaskSpec) => string;
  readonly isHostScoped: (spec: TaskSpec) => boolean;
  readonly log: Logger;
}

/** Publish `tasks` (cluster-scoped ones) and read their rows back into `rows`. */
export async function publishTasks(options: PublishOptions, tasks: readonly TaskSpec[], force: boolean): Promise<void> {
  const { db, rows, log } = options;
  for (const spec of tasks) {
    if (options.isHostScoped(spec)) continue;
    const fingerprint = options.fingerprintOf(spec);
    const inForce = await db.publish(publishRequest(spec, fingerprint, options.hostId, force));
    const row = await db.readTask(spec.name);
    if (row !== null) rows.put(row);
    if (inForce !== fingerprint) {
      const by = row?.publishedByHostname ?? row?.publishedBy ?? 'another host';
      log(
        'warn',
        `cluster: ${spec.name}: this host's definition differs from the cluster's (published by ${by}); ` +
          `it does not run here until the files agree (taskkit reload on the host with the file to keep)`,
      );
    }
  }
}

/** How often a host re-offers its definition of tasks whose definition is another host's. */
export const ORPHAN_CHECK_MS = 30_000;

export interface OrphanRepublish {
  /** Check now (a host was reaped or declared dead). */
  poke(): void;
  stop(): void;
}

/**
 * Tasks whose published definition is another host's are offered again without force, every
 * ORPHAN_CHECK_MS and when a host dies: publish_v1 takes this host's definition once that
 * publisher is no longer live. Without it, a task whose publisher died while the others' files
 * differed ran nowhere until a host reloaded (seen by the user review of issue 21). Quiet when
 * nothing changes; a failure waits for the next check.
 */
export function startOrphanRepublish(options: PublishOptions, tasks: () => readonly TaskSpec[]): OrphanRepublish {
  let busy = false;
  const check = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      for (const spec of tasks()) {
        const row = options.rows.get(spec.name);
        const fingerprint = options.fingerprintOf(spec);
        if (options.isHostScoped(spec) || row === undefined || row.fingerprint === fingerprint) continue;
        if ((await options.db.publish(publishRequest(spec, fingerprint, options.hostId, false))) !== fingerprint)
          continue;
        const fresh = await options.db.readTask(spec.name);
        if (fresh !== null) options.rows.put(fresh);
        options.log(
          'info',
          `cluster: ${spec.name}: the host that published its definition is gone; this host's is the cluster's now`,
        );
      }
    } catch {
      // PostgreSQL away: the liveness connection says so; the next check tries again.
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void check(), ORPHAN_CHECK_MS);
  timer.unref();
  return {
    poke: () => void check(),
    stop: () => clearInterval(timer),
  };
}

function publishRequest(spec: TaskSpec, fingerprint: string, hostId: string, force: boolean): PublishRequest {
  const { retry } = spec;
  return {
    task: spec.name,
    fingerprint,
    hostId,
    fileHold: spec.hold,
    retryAttempts: retry.attempts,
    retryDelayMs: retry.delayMs,
    retryBackoff: retry.backoff,
    retryMaxDelayMs: retry.maxDelayMs,
    retryInterrupted: retry.interrupted === true,
    killGraceMs: spec.killAfterMs,
    force,
  };
}

/**
 * A task's state at start in cluster mode: the local store's (alerts, failed slots, joins), with
 * what the cluster shares taken from its row when this host runs the published definition.
 */
export function clusterRestore(
  local: (spec: TaskSpec) => RestoredTaskState,
  rows: TaskRows,
  fingerprintOf: (spec: TaskSpec) => string,
  isHostScoped: (spec: TaskSpec) => boolean,
): (spec: TaskSpec) => RestoredTaskState {
  return (spec) => {
    const state = local(spec);
    const row = rows.get(spec.name);
    if (isHostScoped(spec) || row === undefined || row.fingerprint !== fingerprintOf(spec)) return state;
    const checked = row.reschedule === null ? null : checkScheduleSpec(row.reschedule);
    const held = row.held ? { note: row.holdNote, at: row.heldAt ?? row.publishedAt, until: row.heldUntil } : null;
    return {
      ...state,
      // The cluster's high-water mark: instants peers ran while this host was down are not caught up here.
      lastScheduledAt: row.lastScheduledAt ?? state.lastScheduledAt ?? null,
      scheduledRuns: row.scheduledRuns,
      hold: held,
      schedule: checked !== null && checked.ok ? checked.value : null,
    };
  };
}
