/**
 * Three real daemons on one tasks file and one database (../shared/CLUSTER.md section 11): one dies
 * by `kill -9` with its task process groups, or freezes (`kill -STOP`) past its lease and thaws.
 * Every instant of the counted window runs once (no gap, no duplicate start); only the dead or
 * frozen host's runs are interrupted; retries wait for its lease end + kill-after; detection and
 * failover times are printed against the bar (process death <= gone-after + reaper, freeze
 * <= lease + reaper). The long form (TASKKIT_CLUSTER_LONG=1) repeats the fault, >= 60 s each.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { skipWithoutPg, startPgCluster, type PgCluster } from '../support/pg-cluster.js';
import { describeCount, problemsOf, type HostRow } from './counting.js';
import { ClusterRig, type Daemon } from './harness.js';
import {
  BOUNDS,
  PACE,
  daemonRunning,
  describeMs,
  pass,
  report,
  scenarioDatabase,
  startThree,
  winsPerDaemon,
} from './scenario.js';
import { RETRIED, RETRIED_SLOW, TIMINGS } from './tasks-file.js';

let server: PgCluster | null = null;
let rig: ClusterRig | null = null;

beforeAll(async () => {
  if (!skipWithoutPg) server = await startPgCluster();
}, 60_000);

afterEach(async () => {
  await rig?.close();
  rig = null;
});

afterAll(() => server?.stop());

/** The victim's host row once the reaper marked it dead. */
async function reaped(r: ClusterRig, host: HostRow, timeoutMs: number): Promise<HostRow> {
  return await r.until(`host ${host.hostId} (pid ${host.pid}) reaped`, timeoutMs, async () =>
    (await r.hosts()).find((row) => row.hostId === host.hostId && row.state === 'dead'),
  );
}

/**
 * The retries the reaper queued for the victim's interrupted runs of retried tasks, and when the
 * first of them started (null: none started within `timeoutMs`).
 */
async function retriesOf(
  r: ClusterRig,
  hostId: string,
  timeoutMs: number,
): Promise<{ queued: number; firstStart: number | null }> {
  const cut = (await r.runs()).filter(
    (run) => run.hostId === hostId && run.status === 'interrupted' && RETRIED.includes(run.task),
  );
  if (cut.length === 0 || !r.keys.retryInterrupted) return { queued: 0, firstStart: null };
  const retriesOfCut = async () =>
    (await r.runs())
      .filter((run) => run.attempt === 2)
      .filter((run) => cut.some((c) => c.task === run.task && c.scheduledAt === run.scheduledAt));
  const firstStart = await r
    .until('a retry of the interrupted runs to start', timeoutMs, async () => {
      const starts = (await retriesOfCut()).filter((run) => run.startedAt !== null).map((run) => run.startedAt ?? 0);
      return starts.length === 0 ? null : Math.min(...starts);
    })
    .catch(() => null);
  return { queued: (await retriesOfCut()).length, firstStart };
}

async function liveRow(r: ClusterRig, daemon: Daemon): Promise<HostRow> {
  return await r.until(`daemon ${daemon.n}'s live host row`, 10_000, () => r.liveHostOf(daemon));
}

describe.skipIf(skipWithoutPg)('cluster: a daemon dies or freezes', () => {
  test(
    'kill -9 of a daemon and its tasks: no gap, no duplicate, reaped within gone-after + reaper',
    async () => {
      if (server === null) throw new Error('no PostgreSQL cluster');
      rig = await ClusterRig.open(await scenarioDatabase(server, 'kill'));
      const r = rig;
      const from = await startThree(r);
      const killed: string[] = [];
      const detections: number[] = [];
      const failovers: number[] = [];
      let queuedRetries = 0;
      for (let cycle = 0; cycle < PACE.cycles; cycle++) {
        await pass(PACE.warmMs);
        const victim = await daemonRunning(r, RETRIED_SLOW);
        const host = await liveRow(r, victim);
        const killAt = r.kill9(victim);
        killed.push(host.hostId);
        const dead = await reaped(r, host, BOUNDS.processDeathMs + 10_000);
        detections.push(Math.round((dead.endedAt ?? NaN) - killAt));
        const retry = await retriesOf(r, host.hostId, TIMINGS.leaseMs + TIMINGS.killAfterMs + 10_000);
        queuedRetries += retry.queued;
        if (retry.firstStart !== null) failovers.push(Math.round(retry.firstStart - killAt));
        const started = retry.firstStart === null ? 'none started' : `the first started ${failovers.at(-1)} ms after`;
        report(
          'kill -9',
          `cycle ${cycle + 1}: daemon ${victim.n} reaped ${detections.at(-1)} ms after the kill (${dead.endReason}); ` +
            `${retry.queued} retries queued, ${started}`,
        );
        if (cycle < PACE.cycles - 1) await r.startDaemon(victim.n);
      }
      await pass(PACE.afterMs);
      const to = Date.now() - 3000;
      await r.stopAll();
      const result = await r.count({ from, to, killedHostIds: killed });
      report('kill -9', describeCount(result));
      report(
        'kill -9',
        `detection ${describeMs(detections).text} (bound ${BOUNDS.processDeathMs} ms); first retries ` +
          `${describeMs(failovers).text} after the kill (not before lease + kill-after past the last beat, ` +
          `${TIMINGS.leaseMs + TIMINGS.killAfterMs} ms); wins per daemon ${await winsPerDaemon(r, from, to)}`,
      );
      expect(problemsOf(result)).toEqual([]);
      expect(result.instants).toBeGreaterThan(0);
      expect(result.interrupted).toBeGreaterThan(0);
      if (!r.keys.retryInterrupted) report('kill -9', 'retry: { interrupted: true } is not in this build: no retries');
      else {
        expect(queuedRetries).toBeGreaterThan(0);
        // A survivor takes them (daemon/cluster/queued-pickup.ts); their start is checked above.
        expect(failovers.length).toBeGreaterThan(0);
      }
      for (const ms of detections) expect(ms).toBeLessThanOrEqual(BOUNDS.processDeathMs);
    },
    PACE.cycles * 60_000 + 60_000,
  );

  test(
    'kill -STOP past the lease, then -CONT: reaped on its lease, finds itself fenced, registers anew; no duplicate',
    async () => {
      if (server === null) throw new Error('no PostgreSQL cluster');
      rig = await ClusterRig.open(await scenarioDatabase(server, 'stop'));
      const r = rig;
      const from = await startThree(r);
      const frozen: string[] = [];
      const detections: number[] = [];
      const comebacks: number[] = [];
      for (let cycle = 0; cycle < PACE.cycles; cycle++) {
        await pass(PACE.warmMs);
        const victim = await daemonRunning(r, RETRIED_SLOW);
        const host = await liveRow(r, victim);
        const stopAt = r.freeze(victim);
        frozen.push(host.hostId);
        const dead = await reaped(r, host, BOUNDS.freezeMs + 10_000);
        detections.push(Math.round((dead.endedAt ?? NaN) - stopAt));
        await pass(1000);
        const contAt = r.thaw(victim);
        const again = await r.until(`daemon ${victim.n} to register anew`, 20_000, async () =>
          (await r.hosts()).find((row) => row.pid === victim.pid && row.state === 'live' && row.hostId !== host.hostId),
        );
        const comeback = Date.now() - contAt;
        comebacks.push(comeback);
        report(
          'SIGSTOP',
          `cycle ${cycle + 1}: daemon ${victim.n} reaped ${detections.at(-1)} ms after SIGSTOP (${dead.endReason}); ` +
            `after SIGCONT live again as ${again.hostId} within ${comeback} ms`,
        );
      }
      await pass(PACE.afterMs);
      const to = Date.now() - 3000;
      await r.stopAll();
      const result = await r.count({ from, to, killedHostIds: frozen });
      report('SIGSTOP', describeCount(result));
      report(
        'SIGSTOP',
        `detection ${describeMs(detections).text} (bounds ${BOUNDS.freezeAtLeastMs}..${BOUNDS.freezeMs} ms); ` +
          `registered anew ${describeMs(comebacks).text} after SIGCONT; ` +
          `wins per daemon ${await winsPerDaemon(r, from, to)}`,
      );
      expect(problemsOf(result)).toEqual([]);
      expect(result.instants).toBeGreaterThan(0);
      for (const ms of detections) {
        expect(ms).toBeGreaterThanOrEqual(BOUNDS.freezeAtLeastMs);
        expect(ms).toBeLessThanOrEqual(BOUNDS.freezeMs);
      }
    },
    PACE.cycles * 60_000 + 60_000,
  );
});
