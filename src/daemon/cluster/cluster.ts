/**
 * Cluster mode's one entry for the daemon (../shared/CLUSTER.md): `startCluster` connects,
 * registers this incarnation, publishes the tasks and takes run ids before the engine exists; the
 * link it returns gives the engine its clock, ids, jitter and claim, then `attach` wires the rest
 * to the running engine (control sync, reaper, queued retries, the run rows). The daemon's local
 * SQLite store goes on as in single-host mode: its journal of the runs this host ran.
 */
import { hostname as osHostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { clusterFingerprint } from '../../config/cluster-fingerprint.js';
import { taskScope } from '../../config/scope.js';
import type { TaskSpec } from '../../config/types.js';
import type { DaemonControl } from '../../control/handlers.js';
import type { RestoredTaskState, RunClaim } from '../../engine/ports.js';
import type { RunRecord } from '../../engine/run.js';
import { instantJitter, jitterDelay } from '../../engine/policies/jitter.js';
import { DEFAULT_MAX_CONCURRENT, type Scheduler } from '../../engine/scheduler.js';
import type { HistoryControl } from '../history.js';
import type { Logger } from '../log.js';
import { createClusterClaim } from './claim-hook.js';
import { clusterControlHooks } from './control-hooks.js';
import { createClusterClock, testClockShift, type ClusterClock } from './clock.js';
import type { ClusterDb, RunIdSource, RunOwner } from './cluster-db.js';
import { clusterHistory, type ClusterHistoryAnswers } from './history-source.js';
import { startLiveness, type Liveness } from './liveness.js';
import { clusterRestore, publishTasks } from './publish.js';
import { startQueuedPickup, type QueuedPickup } from './queued-pickup.js';
import { startReaper } from './reaper-loop.js';
import { clusterStatusReader, taskClusterView } from './status.js';
import { runIdsWithFallback } from './run-ids.js';
import { TaskRows } from './task-rows.js';
import { startTaskSync, type TaskSync } from './task-sync.js';
import { startWatchdog, type Watchdog } from './watchdog.js';

/** `settings.cluster`, resolved (the store URL read from the environment where it named a variable). */
export interface ClusterSettings {
  readonly store: string;
  readonly name: string;
  readonly beatMs: number;
  readonly goneAfterMs: number;
  readonly leaseMs: number;
}

export interface ClusterStartOptions {
  readonly settings: ClusterSettings;
  readonly env: NodeJS.ProcessEnv;
  readonly tasks: readonly TaskSpec[];
  readonly fileDigest: string;
  /** The tasks file's folder: paths inside it count relative to it in the cluster's fingerprint. */
  readonly baseDir: string;
  readonly pid: number;
  /** `max-concurrent`: queued retries are taken only while a slot is free (fixed at start). */
  readonly maxConcurrent?: number;
  readonly log: Logger;
  /** Opens the database (pg-db.ts openClusterDb; a fake in tests). */
  readonly openDb: (settings: ClusterSettings, log: Logger) => Promise<ClusterDb>;
}

export interface ClusterLink {
  readonly clock: ClusterClock;
  readonly hostname: string;
  nextRunId(): number;
  /** The engine's claim: cluster claims, with `local` (the journal) for won and host-scoped runs. */
  claim(local: RunClaim, specOf: (task: string) => TaskSpec | undefined): RunClaim;
  /** The restore of a task at start and at reload: the local store's, with the cluster row's shared state. */
  restore(local: (spec: TaskSpec) => RestoredTaskState): (spec: TaskSpec) => RestoredTaskState;
  /** Wire the running engine: control sync, reaper, run rows. */
  attach(engine: Scheduler): void;
  /** After a reload: publish (last writer wins) and tell the cluster this host's task names. */
  reloaded(tasks: readonly TaskSpec[]): Promise<void>;
  /** The control socket's history: the cluster's, the local store's while PostgreSQL is down. */
  history(local: HistoryControl): ClusterHistoryAnswers;
  /** The control socket's cluster hooks: `status`'s cluster section, each task's place in the cluster. */
  controlHooks(
    engine: Pick<Scheduler, 'list' | 'has' | 'get'>,
  ): Required<Pick<DaemonControl, 'taskCluster' | 'clusterStatus' | 'clusterCommitted' | 'cancelElsewhere'>>;
  /** Graceful stop, step 1: `leaving` (no more claims); beats go on while runs drain. */
  leave(): Promise<void>;
  /** Step 2: `gone`, loops stopped, run rows flushed, connections closed. */
  stop(): Promise<void>;
}

/** `scope: host` (and `@reboot`, which is always per host): runs on every host, without a claim. */
export function isHostScoped(spec: TaskSpec): boolean {
  return taskScope(spec) === 'host';
}

export async function startCluster(options: ClusterStartOptions): Promise<ClusterLink> {
  const { settings, log } = options;
  const clock = createClusterClock(testClockShift(options.env));
  const hostname = osHostname();
  // Host-independent: the same file in /srv/a on one host and /opt/b on another is one definition.
  const fingerprintOf = (spec: TaskSpec): string => clusterFingerprint(spec, options.baseDir);
  const rows = new TaskRows(fingerprintOf);
  const db = await options.openDb(settings, log);
  let taskNames = options.tasks.map((task) => task.name);
  // Set once the engine is attached; notifications before that are covered by the first resync.
  let sync: TaskSync | null = null;
  let pickup: QueuedPickup | null = null;
  // Only tasks with retry.interrupted ever have queued runs (reap_v1 queues none for the others).
  let retried = options.tasks.filter(retriesInterrupted);
  let watchdog: Watchdog | null = null;
  let fenced: () => void = () => {};
  let liveness: Liveness;
  try {
    liveness = startLiveness({
      open: () => db.openLiveness(),
      clock,
      beatMs: settings.beatMs,
      leaseMs: settings.leaseMs,
      describe: () => ({
        hostname,
        pid: options.pid,
        version: readVersion(),
        fileDigest: options.fileDigest,
        tasks: taskNames,
      }),
      log,
      onNotify: (payload) => {
        sync?.notified(payload);
        pickup?.notified(payload);
      },
      onConnected: () => void sync?.resync(),
      onFenced: () => fenced(),
    });
    await liveness.ready;
    const publishing = { db, rows, fingerprintOf, isHostScoped, log, hostId: liveness.hostId() };
    await publishTasks(publishing, options.tasks, false);
    for (const row of await db.readTasks()) rows.put(row);
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  const runIds: RunIdSource = db.runIds();
  await runIds.ready;
  const offset = clock.offsetMs();
  log(
    'info',
    `cluster "${settings.name}": registered as ${hostname} (${liveness.hostId()}); ` +
      `clock offset to the database ${offset} ms`,
  );

  const stops: (() => void)[] = [];
  const owner = (spec: TaskSpec | undefined): RunOwner => ({
    hostId: liveness.hostId(),
    hostname,
    scopeHost: spec !== undefined && isHostScoped(spec) ? hostname : null,
  });

  return {
    clock,
    hostname,
    nextRunId: runIdsWithFallback(runIds, log),
    claim: (local, specOf) =>
      createClusterClaim({
        db,
        liveness,
        hostname,
        rows,
        specOf,
        fingerprintOf,
        isHostScoped,
        jitterMsOf: (spec, at) => jitterDelay(spec.jitterMs, instantJitter(spec.name, at)),
        local,
        now: () => clock.now(),
        log,
        onStale: (task) => sync?.refresh(task),
      }),
    restore: (local) => clusterRestore(local, rows, fingerprintOf, isHostScoped),
    attach(engine) {
      const specOf = (task: string): TaskSpec | undefined => (engine.has(task) ? engine.get(task).spec : undefined);
      // Fenced: peers will reap this host and retry the runs of tasks that opt in; this host's copies stop.
      fenced = () => stopRetriedRuns(engine, log);
      sync = startTaskSync({ db, engine, rows, fingerprintOf, hostname, now: () => clock.now(), log });
      stops.push(() => sync?.stop());
      // The cluster's run rows: this host's runs as they start and end (the claim wrote the first
      // row of a claimed run; the upsert by id completes it). Skips and yields are not this host's to write.
      for (const event of ['run-started', 'run-finished'] as const)
        stops.push(engine.on(event, (run) => db.writeRun(run, owner(specOf(run.task)))));
      // A taken run's row is this host's: should it end unstarted (a stop), the row says so.
      const takenIds = new Set<number>();
      stops.push(engine.on('run-started', (run) => takenIds.delete(run.id)));
      stops.push(
        engine.on('run-skipped', (run) => {
          if (takenIds.delete(run.id)) db.writeRun(run, owner(specOf(run.task)));
          else if (isOwnOverlapSkip(run, specOf(run.task)) && liveness.canClaim())
            db.recordInstantSkip(run, owner(specOf(run.task)));
        }),
      );
      const maxConcurrent = options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
      pickup = startQueuedPickup({
        db,
        liveness,
        hostname,
        // Those this host runs with the cluster's definition (another's may differ in what a retry does).
        // One running here already: the taken run waits for it (overlap), never skipped (run-flow.ts).
        tasks: () =>
          retried
            .filter((spec) => !isHostScoped(spec) && rows.get(spec.name)?.fingerprint === fingerprintOf(spec))
            .map((spec) => spec.name),
        freeSlot: () => engine.runsInFlight().filter((run) => run.status === 'running').length < maxConcurrent,
        start: (taken) => {
          takenIds.add(taken.runId);
          engine.startTaken(taken);
        },
        log,
      });
      stops.push(() => pickup?.stop());
      stops.push(
        startReaper({
          db,
          liveness,
          goneAfterMs: settings.goneAfterMs,
          leaseMs: settings.leaseMs,
          log,
          onReaped: () => pickup?.poke(),
        }),
      );
      const watching = { db, engine, rows, fingerprintOf, isHostScoped, now: () => clock.now(), log };
      watchdog = startWatchdog({ ...watching, leaseMs: settings.leaseMs, goneAfterMs: settings.goneAfterMs });
      stops.push(() => watchdog?.stop());
      void sync.resync();
    },
    async reloaded(tasks) {
      taskNames = tasks.map((task) => task.name);
      retried = tasks.filter(retriesInterrupted);
      await db.setHostTasks(liveness.hostId(), taskNames).catch(() => {});
      const publishing = { db, rows, fingerprintOf, isHostScoped, log, hostId: liveness.hostId() };
      await publishTasks(publishing, tasks, true).catch((error: unknown) =>
        log('warn', `cluster: the reloaded definitions were not published: ${describe(error)}`),
      );
    },
    history: (local) => clusterHistory(local, db, log, (stop) => stops.push(stop)),
    controlHooks: (engine) => {
      const missed = () => watchdog?.missed() ?? [];
      const status = clusterStatusReader({ db, liveness, rows, name: settings.name, hostname, isHostScoped, missed });
      return {
        taskCluster: (task) =>
          engine.has(task) ? taskClusterView(engine.get(task).spec, { rows, isHostScoped }, fingerprintOf) : null,
        clusterStatus: () => status(engine.list().map((task) => task.spec)),
        ...clusterControlHooks({ db, sync: () => sync }),
      };
    },
    leave: () => liveness.leave(),
    async stop() {
      for (const stop of stops.splice(0)) stop();
      await db.flushRuns().catch(() => {});
      await liveness.stop();
      await db.close().catch(() => {});
    },
  };
}

let version: string | undefined;

/** taskkit's version for the host row (upgrade rules and `status`); the bundle sits two levels below the package. */
function readVersion(): string {
  try {
    version ??= (
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    ).version;
  } catch {
    version = 'unknown';
  }
  return version;
}

/**
 * Past the fence, the runs of tasks with `retry: { interrupted: true }` are cancelled (SIGTERM, then
 * SIGKILL after kill-after), since a peer will run them again; other runs finish and nobody reruns them.
 */
function stopRetriedRuns(engine: Scheduler, log: Logger): void {
  for (const run of engine.runsInFlight()) {
    if (!engine.has(run.task) || !retriesInterrupted(engine.get(run.task).spec)) continue;
    try {
      engine.cancelRun(run.id);
      log('warn', `cluster: run #${run.id} of ${run.task} stopped: this host is fenced and a peer retries it`);
    } catch {
      // ended meanwhile
    }
  }
}

/** A scheduled instant of a claimed task that this host skipped because its own run was still going. */
function isOwnOverlapSkip(run: RunRecord, spec: TaskSpec | undefined): boolean {
  return (
    spec !== undefined &&
    !isHostScoped(spec) &&
    run.skip?.reason === 'overlap' &&
    run.scheduledAt !== null &&
    run.attempt === 1 &&
    (run.trigger === 'schedule' || run.trigger === 'catch-up')
  );
}

function retriesInterrupted(spec: TaskSpec): boolean {
  return (spec.retry as { interrupted?: boolean }).interrupted === true;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
