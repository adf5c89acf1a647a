/**
 * The cluster port (cluster-db.ts) over store/postgres, the code that speaks SQL: the glue calls
 * these, never `pg` or SQL of its own. Loaded with `await import()` only in cluster mode, so a
 * single-host daemon never loads node-postgres.
 */
import type { RunRecord } from '../../engine/run.js';
import { claim as claimV1, type ClaimOutcome } from '../../store/postgres/claims.js';
import {
  checkReachable,
  connectClient,
  createPool,
  isConnectionFailure,
  type Client,
} from '../../store/postgres/connect.js';
import { describeTarget } from '../../store/postgres/store-url.js';
import { migrate } from '../../store/postgres/migrations.js';
import { holdTask, notifyCancel, rescheduleTask, resumeTask } from '../../store/postgres/control.js';
import { beat, goneHost, leaveHost, listHosts, registerHost, setHostTasks } from '../../store/postgres/hosts.js';
import { getRun, lastRuns, latestRun, listRuns, runningElsewhere, runStats } from '../../store/postgres/history.js';
import { publishTask } from '../../store/postgres/publish.js';
import { recordInstantSkip } from '../../store/postgres/instant-skip.js';
import { reattachHost } from '../../store/postgres/reattach.js';
import { takeQueued } from '../../store/postgres/queued.js';
import { reap } from '../../store/postgres/reaper.js';
import { fetchRunIdBlock, RunIdBlocks } from '../../store/postgres/run-ids.js';
import { RunWriter } from '../../store/postgres/run-writer.js';
import { instantsWithRows, latestInstantWithRow } from '../../store/postgres/watchdog.js';
import { type ClusterTask, loadAllTasks, readTask, resyncTasks } from '../../store/postgres/task-rows.js';
import type { ScheduleSpec } from '../../schedule/types.js';
import type { Logger } from '../log.js';
import type { ClaimAnswer, ClusterDb, LivenessSession, TaskRow } from './cluster-db.js';
import { isStoreOutage } from './offline.js';

/** PostgreSQL away (a failed connection, a server starting or stopping), not a mistake to report. */
export const isPgOutage = (error: unknown): boolean => isStoreOutage(error, isConnectionFailure);

/** The store as messages name it, without a password. */
export const storeTarget = (url: string): string => describeTarget(url);

export interface PgDbSettings {
  readonly store: string;
  readonly name: string;
}

/** How long a `history` request waits for this host's queued run rows before reading PostgreSQL. */
const FLUSH_WAIT_MS = 2_000;
/** How long a stopping daemon waits for its queued run rows (its local store keeps them all anyway). */
const CLOSE_WAIT_MS = 5_000;

export async function openClusterDb(settings: PgDbSettings, log: Logger): Promise<ClusterDb> {
  const schema = settings.name;
  // Connection-level errors: the liveness connection says an outage once; these would repeat it.
  const connect = { url: settings.store, onError: () => undefined };
  const pool = await createPool(connect);
  try {
    await checkReachable(pool, settings.store);
    const migrated = await migrate(pool, schema);
    if (migrated.applied.length > 0)
      log('info', `cluster "${schema}": schema migrated to version ${migrated.to} (from ${migrated.from})`);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const writer = new RunWriter({ db: pool, schema, log });
  const closing: (() => void)[] = [];
  return {
    openLiveness: async () => livenessSession(await connectClient(connect), schema),
    claim: async (request) =>
      answerOf(
        await claimV1(pool, schema, {
          ...request,
          trigger: request.trigger as RunRecord['trigger'],
        }),
      ),
    publish: (request) =>
      publishTask(pool, schema, {
        task: request.task,
        fingerprint: request.fingerprint,
        hostId: request.hostId,
        fileHold: request.fileHold,
        force: request.force,
        policy: {
          retryAttempts: request.retryAttempts,
          retryDelayMs: request.retryDelayMs,
          retryBackoff: request.retryBackoff,
          retryMaxDelayMs: request.retryMaxDelayMs,
          retryInterrupted: request.retryInterrupted,
          killGraceMs: request.killGraceMs,
        },
      }),
    readTasks: async (since) =>
      (since === undefined ? await loadAllTasks(pool, schema) : await resyncTasks(pool, schema, since)).map(rowOf),
    readTask: async (name) => {
      const task = await readTask(pool, schema, name);
      return task === null ? null : rowOf(task);
    },
    control: async (task, change) => {
      if (change.kind === 'hold') await holdTask(pool, schema, task, change);
      else if (change.kind === 'resume') await resumeTask(pool, schema, task);
      else await rescheduleTask(pool, schema, task, change.schedule as ScheduleSpec | null);
    },
    notifyCancel: (runId) => notifyCancel(pool, schema, runId),
    runningElsewhere: (task, hostId) => runningElsewhere(pool, schema, task, hostId),
    reap: (goneAfterMs, trusted) => reap(pool, schema, goneAfterMs, trusted),
    takeQueued: (hostId, hostname, tasks) => takeQueued(pool, schema, hostId, hostname, tasks),
    listHosts: async () =>
      (await listHosts(pool, schema)).map((host) => ({
        hostId: host.hostId,
        hostname: host.hostname,
        pid: host.pid,
        version: host.version,
        fileDigest: host.fileDigest,
        state: host.state,
        startedAt: host.startedAt,
        beatAt: host.beatAt,
        leaseLeftMs: host.leaseLeftMs,
        clockOffsetMs: host.clockOffsetMs,
        endReason: host.endReason,
      })),
    setHostTasks: (hostId, tasks) => setHostTasks(pool, schema, hostId, tasks),
    runIds: () => {
      const blocks = new RunIdBlocks({ fetchBlock: () => fetchRunIdBlock(pool, schema), log });
      closing.push(() => blocks.close());
      return { ready: blocks.start(), next: () => blocks.next() };
    },
    instantsWithRows: (task, instants) => instantsWithRows(pool, schema, task, instants),
    latestInstantWithRow: (task, after, upTo) => latestInstantWithRow(pool, schema, task, after, upTo),
    writeRun: (run, owner) => writer.save(run, owner),
    recordInstantSkip: (run, owner) =>
      void recordInstantSkip(pool, schema, run, owner).catch((error: unknown) =>
        log(
          'warn',
          `cluster history: the skip of ${run.task} at ${new Date(run.scheduledAt ?? 0).toISOString()} ` +
            `was not recorded: ${error instanceof Error ? error.message : String(error)}`,
        ),
      ),
    // Bounded: through an outage the rows stay queued (and are retried) instead of hanging the caller.
    flushRuns: () => writer.flushWithin(FLUSH_WAIT_MS).then(() => undefined),
    retryRunWritesNow: () => writer.retryNow(),
    history: {
      listRuns: (task, limit) => listRuns(pool, schema, { task, limit }),
      getRun: (id) => getRun(pool, schema, id),
      latestRun: (task) => latestRun(pool, schema, task),
      runStats: (task) => runStats(pool, schema, task),
      lastRuns: () => lastRuns(pool, schema),
    },
    close: async () => {
      for (const close of closing) close();
      await writer.close(CLOSE_WAIT_MS).catch(() => {});
      await pool.end().catch(() => undefined);
    },
  };
}

function livenessSession(client: Client, schema: string): LivenessSession {
  return {
    register: async (host) => (await registerHost(client, schema, host)).lockKey,
    reattach: (lockKey) => reattachHost(client, schema, lockKey),
    beat: async (hostId, leaseMs, offset) => {
      const answer = await beat(client, schema, hostId, leaseMs, offset);
      return { updated: answer.updated > 0, dbNow: answer.dbNowMs ?? Date.now() };
    },
    setState: async (hostId, state) => {
      if (state === 'leaving') await leaveHost(client, schema, hostId);
      else await goneHost(client, schema, hostId);
    },
    onNotify: (listener) =>
      client.on('notification', (message) => {
        if (message.channel === schema && message.payload !== undefined) listener(message.payload);
      }),
    onLost: (listener) => {
      client.on('error', (error: Error) => listener(error));
      client.on('end', () => listener(new Error('the connection ended')));
    },
    close: () => client.end(),
  };
}

function rowOf(task: ClusterTask): TaskRow {
  return {
    name: task.name,
    fingerprint: task.fingerprint,
    publishedBy: task.publishedBy,
    publishedByHostname: task.publishedByHost,
    publishedAt: task.publishedAt,
    held: task.hold !== null,
    heldUntil: task.hold?.until ?? null,
    holdNote: task.hold?.note ?? null,
    heldAt: task.hold?.at ?? null,
    reschedule: task.reschedule,
    scheduleRev: task.scheduleRev,
    lastScheduledAt: task.lastScheduledAt,
    scheduledRuns: task.scheduledRuns,
    revision: task.revision,
  };
}

function answerOf(outcome: ClaimOutcome): ClaimAnswer {
  switch (outcome.kind) {
    case 'won':
      return { outcome: 'won', runId: outcome.runId, detail: null };
    case 'lost':
      return { outcome: 'lost', runId: outcome.runId, detail: outcome.byHost };
    case 'early':
      return { outcome: 'early', runId: null, detail: String(outcome.dbNowMs) };
    case 'skipped':
      return { outcome: 'skipped', runId: outcome.runId, detail: outcome.detail };
    case 'held':
      return { outcome: 'held', runId: null, detail: outcome.note };
    case 'stale-definition':
      return { outcome: 'stale-definition', runId: null, detail: outcome.fingerprint };
    case 'stale-schedule':
      return { outcome: 'stale-schedule', runId: null, detail: String(outcome.scheduleRev) };
    case 'unknown':
      throw new Error(outcome.error);
    default:
      return { outcome: outcome.kind, runId: null, detail: null };
  }
}
