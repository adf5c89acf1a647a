/**
 * What cluster mode gives the daemon (cluster.ts startCluster): the engine's clock, ids, claim,
 * restore and restart catch-up, then the hooks wired once the engine runs.
 */
import type { TaskSpec } from '../../config/types.js';
import type { DaemonControl } from '../../control/handlers.js';
import type { RestoredTaskState, RunClaim } from '../../engine/ports.js';
import type { Scheduler, SchedulerOptions } from '../../engine/scheduler.js';
import type { HistoryControl } from '../history.js';
import type { ClusterClock } from './clock.js';
import type { ClusterHistoryAnswers } from './history-source.js';

export interface ClusterLink {
  readonly clock: ClusterClock;
  readonly hostname: string;
  nextRunId(): number;
  /** The engine's claim: cluster claims, with `local` (the journal) for won and host-scoped runs. */
  claim(local: RunClaim, specOf: (task: string) => TaskSpec | undefined): RunClaim;
  /** The restore of a task at start and at reload: the local store's, with the cluster row's shared state. */
  restore(local: (spec: TaskSpec) => RestoredTaskState): (spec: TaskSpec) => RestoredTaskState;
  /** SchedulerOptions.restartCatchUp: only the instants no host ran are missed (restart-catch-up.ts). */
  readonly restartCatchUp: NonNullable<SchedulerOptions['restartCatchUp']>;
  /** Wire the running engine: control sync, reaper, run rows. */
  attach(engine: Scheduler): void;
  /** After a reload: publish (last writer wins) and tell the cluster this host's task names. */
  reloaded(tasks: readonly TaskSpec[]): Promise<void>;
  /** The control socket's history: the cluster's, the local store's while PostgreSQL is down. */
  history(local: HistoryControl): ClusterHistoryAnswers;
  /** The control socket's cluster hooks: `status`'s cluster section, each task's place in the cluster. */
  controlHooks(
    engine: Pick<Scheduler, 'list' | 'has' | 'get'>,
  ): Required<
    Pick<DaemonControl, 'taskCluster' | 'clusterStatus' | 'clusterCommitted' | 'cancelElsewhere' | 'runningElsewhere'>
  >;
  /** Graceful stop, step 1: `leaving` (no more claims); beats go on while runs drain. */
  leave(): Promise<void>;
  /** Step 2: `gone`, loops stopped, run rows flushed, connections closed. */
  stop(): Promise<void>;
}
