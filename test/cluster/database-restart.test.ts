/**
 * Three real daemons through a PostgreSQL fast restart, then a crash restart (immediate stop, then
 * start: every backend killed, every advisory lock freed, no shutdown checkpoint). No host is
 * reaped for it (the reaper's trust rule: not trusted until its own connection has been up for a
 * lease), no run is interrupted, no instant runs twice; instants while the database was away may
 * lack a row (the daemon starts no cluster run it cannot claim): they are counted apart, and every
 * instant outside those spans has its row. The long form repeats both restarts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { skipWithoutPg, startPgCluster, type PgCluster } from '../support/pg-cluster.js';
import { describeCount, problemsOf, type Excused } from './counting.js';
import { ClusterRig } from './harness.js';
import { PACE, pass, report, scenarioDatabase, startThree, winsPerDaemon } from './scenario.js';

/** Past the database's return, the daemons reconnect (backoff from 100 ms) and claim again. */
const RECONNECT_SLACK_MS = 5000;

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

describe.skipIf(skipWithoutPg)('cluster: PostgreSQL restarts under three daemons', () => {
  test(
    'fast restart, then crash restart: no false reap, no interrupted run, no duplicate, no gap outside the outages',
    async () => {
      if (server === null) throw new Error('no PostgreSQL cluster');
      rig = await ClusterRig.open(await scenarioDatabase(server, 'restart'));
      const r = rig;
      const from = await startThree(r);
      const incarnations = await Promise.all(
        r.daemons.map((daemon) => r.until(`daemon ${daemon.n} live`, 10_000, () => r.liveHostOf(daemon))),
      );
      const excused: Excused[] = [];
      const outages: string[] = [];
      for (let cycle = 0; cycle < PACE.cycles; cycle++) {
        for (const how of ['fast', 'crash'] as const) {
          await pass(PACE.warmMs);
          const downAt = Date.now();
          if (how === 'fast') await r.db.restartFast();
          else {
            await r.db.crash();
            await pass(500);
            await r.db.start();
          }
          const upAt = Date.now();
          excused.push({ from: downAt - 1000, to: upAt + RECONNECT_SLACK_MS, why: `${how} restart` });
          // The first claim after the database is back: how long the cluster took to run again.
          const resumed = await r.until('a claim after the restart', 30_000, async () => {
            const created = (await r.runs())
              .filter((run) => run.createdAt > upAt && run.scheduledAt !== null && run.attempt === 1)
              .map((run) => run.createdAt);
            return created.length === 0 ? null : Math.min(...created);
          });
          outages.push(`${how}: down ${upAt - downAt} ms, first claim ${Math.round(resumed - upAt)} ms after`);
        }
      }
      await pass(PACE.afterMs);
      const to = Date.now() - 3000;
      const hostsBefore = await r.hosts();
      await r.stopAll();
      const result = await r.count({ from, to, killedHostIds: [], excused });
      report('pg restart', outages.join('; '));
      report('pg restart', `${describeCount(result)}; wins per daemon ${await winsPerDaemon(r, from, to)}`);
      const falseReaps = hostsBefore.filter((host) => host.state === 'dead');
      report(
        'pg restart',
        `false reaps: ${falseReaps.length}; incarnations kept: ${
          incarnations.filter((first) =>
            hostsBefore.some((host) => host.hostId === first.hostId && host.state === 'live'),
          ).length
        }/3`,
      );
      expect(falseReaps).toEqual([]);
      expect(problemsOf(result)).toEqual([]);
      expect(result.interrupted).toBe(0);
      expect(result.instants).toBeGreaterThan(0);
      // Instants outside the outages outnumber the excused ones: the window is not all excuse.
      expect(result.instants - result.excusedGaps.length).toBeGreaterThan(result.excusedGaps.length);
    },
    PACE.cycles * 90_000 + 60_000,
  );
});
