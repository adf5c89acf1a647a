/**
 * Cluster mode's one entry for the daemon (../shared/CLUSTER.md): `startCluster` connects,
 * registers this incarnation, publishes the tasks and takes run ids before the engine exists; the
 * link it returns gives the engine its clock, ids, jitter and claim, then `attach` wires the rest
 * to the running engine (control sync, reaper, queued retries, the run rows). The daemon's local
 * SQLite store goes on as in single-host mode: its journal of the runs this host ran.
 */
import { randomUUID } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { clusterFingerprint } from '../../config/cluster-fingerprint.js';
import { taskScope } from '../../config/scope.js';
import type { ClusterSettings as ConfigClusterSettings, TaskSpec } from '../../config/types.js';
import { instantJitter, jitterDelay } from '../../engine/policies/jitter.js';
import { DEFAULT_MAX_CONCURRENT, type Scheduler } from '../../engine/scheduler.js';
import type { Logger } from '../log.js';
import { createClusterClaim } from './claim-hook.js';
import { clusterControlHooks } from './control-hooks.js';
import { createClusterClock, testClockShift } from './clock.js';
import type { ClusterDb, RunOwner } from './cluster-db.js';
import type { ClusterLink } from './cluster-link.js';
import { clusterHistory } from './history-source.js';
import { startLiveness, type Liveness } from './liveness.js';
import { offlineDb, offlineLiveness, switchable, type Connected } from './offline.js';
import { readVersion } from './version.js';
import { ReconnectBackoff } from '../../store/postgres/backoff.js';
import type { Instant } from '../../schedule/types.js';
import { isOwnOverlapSkip } from './own-skips.js';
import { clusterRestore, publishTasks, startOrphanRepublish } from './publish.js';
import { startQueuedPickup, type QueuedPickup } from './queued-pickup.js';
import { startReaper } from './reaper-loop.js';
import { restartCatchUps } from './restart-catch-up.js';
import { clusterStatusReader, taskClusterView } from './status.js';
import { isHostRangeId, runIdsWithFallback } from './run-ids.js';
import { retriesInterrupted, stopRetriedRuns } from './retried-runs.js';
import { TaskRows } from './task-rows.js';
import { within } from './timeout.js';
import { startTaskSync, type TaskSync } from './task-sync.js';
import { startWatchdog, type Watchdog } from './watchdog.js';

export type { ClusterLink } from './cluster-link.js';

/**
 * `settings.cluster` (config/types.ts) resolved: `store` is the URL itself (read from the environment
 * or env-file where it named a variable), so `envFile` is done with.
 */
export type ClusterSettings = Omit<ConfigClusterSettings, 'envFile'>;

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
  /** Whether a failed connection is PostgreSQL being away (start anyway, retry) or a mistake (fail). */
  readonly isOutage: (error: unknown) => boolean;
  /** The store as a message names it (no password). */
  readonly target: string;
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
  // Asked at every claim, by the watchdog and the orphan check for every task: a sha256 of the whole
  // definition each time. A spec is immutable and replaced at reload, so its fingerprint is kept with it.
  const fingerprints = new WeakMap<TaskSpec, string>();
  const fingerprintOf = (spec: TaskSpec): string => {
    let fingerprint = fingerprints.get(spec);
    if (fingerprint === undefined) fingerprints.set(spec, (fingerprint = clusterFingerprint(spec, options.baseDir)));
    return fingerprint;
  };
  const rows = new TaskRows(fingerprintOf);
  let tasks = options.tasks;
  let taskNames = tasks.map((task) => task.name);
  // Set once the engine is attached; notifications before that are covered by the first resync.
  let sync: TaskSync | null = null;
  let pickup: QueuedPickup | null = null;
  // Only tasks with retry.interrupted ever have queued runs (reap_v1 queues none for the others).
  let retried = options.tasks.filter(retriesInterrupted);
  let watchdog: Watchdog | null = null;
  let fenced: () => void = () => {};
  let engine: Scheduler | null = null;
  let closed = false;
  const stops: (() => void)[] = [];
  // Per cluster task, the first instant whose claim could not be made (PostgreSQL away): caught up
  // per its `catch-up` when claims work again (issue 21 point 7). Every host that missed an instant
  // asks for it; the claim's unique key lets one run it, the others are told `lost`.
  const unclaimed = new Map<string, Instant>();
  const catchUpUnclaimed = (): void => {
    const running = engine;
    if (running === null) return;
    for (const [task, first] of [...unclaimed]) {
      unclaimed.delete(task);
      if (!running.has(task)) continue;
      const started = running.catchUpSince(task, first - 1);
      if (started.length > 0)
        log(
          'info',
          `cluster: ${task}: ${started.length} instant(s) due while PostgreSQL was away caught up ` +
            `(catch-up: ${running.get(task).spec.catchUp}); each runs on the host that claims it`,
        );
    }
  };

  /**
   * Back from an outage: the run rows queued meanwhile go out first (a row still `running` of a
   * run that ended would make a claim skip the task as busy), then the unclaimed instants' catch-up.
   */
  const afterOutage = (): void => {
    current.db.retryRunWritesNow?.();
    void within(current.db.flushRuns(), FLUSH_BEFORE_CATCH_UP_MS, 'writing the run rows')
      .catch(() => undefined)
      .then(catchUpUnclaimed);
  };

  /** Connect, register, publish, read the task rows and the first run-id block. */
  const connect = async (): Promise<Connected> => {
    const db = await options.openDb(settings, log);
    let liveness: Liveness | null = null;
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
        // A reconnection (the first connection is followed by wentOnline or the start's own steps).
        onConnected: () => {
          if (current === offline) return;
          void sync?.resync();
          afterOutage();
        },
        onFenced: () => fenced(),
      });
      await liveness.ready;
      const publishing = { db, rows, fingerprintOf, isHostScoped, log, hostId: liveness.hostId() };
      await publishTasks(publishing, tasks, false);
      for (const row of await db.readTasks()) rows.put(row);
      const runIds = db.runIds();
      await runIds.ready;
      return { db, liveness, runIds };
    } catch (error) {
      await liveness?.stop().catch(() => {});
      await db.close().catch(() => {});
      throw error;
    }
  };

  // PostgreSQL away at start is an outage, not a failed start: scope: host tasks run, claims
  // yield, and the connection is tried again with backoff. A bad URL or schema still fails here.
  let outage = { since: Date.now(), error: '' };
  const offline: Connected = {
    db: offlineDb(() => `PostgreSQL at ${options.target} was not reached yet (${outage.error})`),
    liveness: offlineLiveness(randomUUID(), () => outage),
    runIds: { ready: Promise.resolve(), next: () => offline.db.runIds().next() },
  };
  let current: Connected = offline;
  const db = switchable(() => current.db);
  const liveness = switchable(() => current.liveness);
  const runIds = switchable(() => current.runIds);
  const restarts = restartCatchUps({ db, isHostScoped, now: () => clock.now() });
  stops.push(() => restarts.stop());
  const registered = (): void =>
    log(
      'info',
      `cluster "${settings.name}": registered as ${hostname} (${liveness.hostId()}); ` +
        `clock offset to the database ${clock.offsetMs()} ms`,
    );
  const backoff = new ReconnectBackoff();
  let retryTimer: NodeJS.Timeout | null = null;
  let laterError: string | null = null;
  const retryLater = (): void => {
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect().then(wentOnline, (error: unknown) => {
        if (closed) return;
        // Reached but refused (a schema too new, a login refused): said once, and tried again.
        const why = describe(error);
        if (!options.isOutage(error) && why !== laterError)
          log('error', `cluster: PostgreSQL at ${options.target} answered but cannot be used: ${why}; retrying`);
        laterError = why;
        retryLater();
      });
    }, backoff.next());
  };
  const wentOnline = (connected: Connected): void => {
    if (closed) {
      void connected.liveness.stop().then(() => connected.db.close());
      return;
    }
    current = connected;
    registered();
    if (engine !== null) wireOnline(engine);
    afterOutage();
  };
  try {
    current = await connect();
    registered();
  } catch (error) {
    if (!options.isOutage(error)) throw error;
    outage = { since: Date.now(), error: describe(error) };
    log(
      'warn',
      `cluster: PostgreSQL at ${options.target} unreachable (${outage.error}); ` +
        `running scope: host tasks only, retrying`,
    );
    retryLater();
  }

  const owner = (spec: TaskSpec | undefined): RunOwner => ({
    hostId: liveness.hostId(),
    hostname,
    scopeHost: spec !== undefined && isHostScoped(spec) ? hostname : null,
  });

  // Queued runs taken for this host (a dead host's retries) until they start.
  const takenIds = new Set<number>();
  /** What needs PostgreSQL: control sync, queued pickup, the reaper (at attach, or once connected). */
  const wireOnline = (running: Scheduler): void => {
    sync = startTaskSync({ db, engine: running, rows, fingerprintOf, hostname, now: () => clock.now(), log });
    stops.push(() => sync?.stop());
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
      freeSlot: () => running.runsInFlight().filter((run) => run.status === 'running').length < maxConcurrent,
      start: (taken) => {
        takenIds.add(taken.runId);
        running.startTaken(taken);
      },
      log,
    });
    stops.push(() => pickup?.stop());
    const publishing = { db, rows, fingerprintOf, isHostScoped, log, hostId: liveness.hostId() };
    const orphans = startOrphanRepublish(publishing, () => tasks);
    stops.push(() => orphans.stop());
    stops.push(
      startReaper({
        db,
        liveness,
        goneAfterMs: settings.goneAfterMs,
        leaseMs: settings.leaseMs,
        log,
        onReaped: () => {
          pickup?.poke();
          orphans.poke();
        },
      }),
    );
    const watching = { db, engine: running, rows, fingerprintOf, isHostScoped, now: () => clock.now(), log };
    watchdog = startWatchdog({ ...watching, leaseMs: settings.leaseMs, goneAfterMs: settings.goneAfterMs });
    stops.push(() => watchdog?.stop());
    void sync.resync();
  };

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
        onUnclaimable: (run) => {
          if (run.scheduledAt === null || run.attempt > 1) return;
          const first = unclaimed.get(run.task);
          if (first === undefined || run.scheduledAt < first) unclaimed.set(run.task, run.scheduledAt);
        },
      }),
    restore: (local) => clusterRestore(local, rows, fingerprintOf, isHostScoped),
    restartCatchUp: (spec, range) => restarts.take(spec, range),
    attach(attached) {
      engine = attached;
      const specOf = (task: string): TaskSpec | undefined => (attached.has(task) ? attached.get(task).spec : undefined);
      // Fenced: peers will reap this host and retry the runs of tasks that opt in; this host's copies stop.
      fenced = () => stopRetriedRuns(attached, log);
      restarts.attach(attached);
      // The cluster's run rows: this host's runs as they start and end (the claim wrote the first
      // row of a claimed run; the upsert by id completes it). Skips and yields are not this host's to write.
      // Runs with ids of this host's own range (PostgreSQL not reached) stay in the local journal (offline.ts).
      for (const event of ['run-started', 'run-finished'] as const)
        stops.push(
          attached.on(event, (run) => {
            if (!isHostRangeId(run.id)) db.writeRun(run, owner(specOf(run.task)));
          }),
        );
      // A taken run's row is this host's: should it end unstarted (a stop), the row says so.
      stops.push(attached.on('run-started', (run) => takenIds.delete(run.id)));
      stops.push(
        attached.on('run-skipped', (run) => {
          if (takenIds.delete(run.id)) db.writeRun(run, owner(specOf(run.task)));
          else if (isOwnOverlapSkip(run, specOf(run.task)) && liveness.canClaim())
            db.recordInstantSkip(run, owner(specOf(run.task)));
        }),
      );
      if (current !== offline) wireOnline(attached);
    },
    async reloaded(reloadedTasks) {
      tasks = reloadedTasks;
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
        ...clusterControlHooks({ db, sync: () => sync, hostId: () => liveness.hostId() }),
      };
    },
    leave: () => liveness.leave(),
    async stop() {
      closed = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      for (const stop of stops.splice(0)) stop();
      await db.flushRuns().catch(() => {});
      await liveness.stop();
      await db.close().catch(() => {});
    },
  };
}

/** How long the catch-up after an outage waits for the queued run rows to be written. */
const FLUSH_BEFORE_CATCH_UP_MS = 2_000;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
