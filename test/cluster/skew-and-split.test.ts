/**
 * Three real daemons where the hosts disagree (../shared/CLUSTER.md sections 5-7, 11): one host's
 * clock runs 3 s fast (TASKKIT_TEST_CLOCK_OFFSET_MS): it starts nothing early and `status` shows
 * its offset; one host has another definition of a task: `status` reports the split and only the
 * published definition runs; a hold given on one host is seen by the others (propagation p50/p99,
 * target p99 < 1 s), and `scope: host` tasks run on every host.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { ControlClient } from '../../src/control/client.js';
import { skipWithoutPg, startPgCluster, type PgCluster } from '../support/pg-cluster.js';
import { describeCount, problemsOf } from './counting.js';
import { ClusterRig, LONG, type Daemon } from './harness.js';
import { BOUNDS, PACE, describeMs, pass, report, scenarioDatabase, startThree, winsPerDaemon } from './scenario.js';
import { PROPAGATION_TASK, SPLIT_TASK } from './tasks-file.js';

const SKEW_MS = 3000;
/** The counted part of each scenario here: 60 s in the long form. */
const RUN_MS = LONG ? 60_000 : 10_000;

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

async function statusJson(r: ClusterRig, daemon: Daemon): Promise<Record<string, unknown>> {
  const result = await r.taskkit(daemon, ['status', '--json']);
  if (result.code !== 0) throw new Error(`status --json on daemon ${daemon.n}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

interface ClusterStatus {
  hosts?: { hostId: string; self: boolean; state: string; clockOffsetMs: number | null; fileDigest: string | null }[];
  splitDefinitions?: { task: string; publishedBy: string; differingHosts: string[] }[];
}

function clusterOf(status: Record<string, unknown>): ClusterStatus {
  const cluster = status['cluster'] as ClusterStatus | undefined;
  if (cluster === undefined) throw new Error(`status --json has no cluster member: ${JSON.stringify(status)}`);
  return cluster;
}

/** Whether daemon `d` lists the propagation task as held. */
async function heldOn(clients: Map<Daemon, ControlClient>, d: Daemon): Promise<boolean> {
  const tasks = await clients.get(d)!.request('list', {});
  return tasks.find((task) => task.name === PROPAGATION_TASK)?.held === true;
}

describe.skipIf(skipWithoutPg)('cluster: skewed clock, split definitions, control across hosts', () => {
  test(
    'a host 3 s fast starts nothing early and shows its offset; no gap, no duplicate',
    async () => {
      if (server === null) throw new Error('no PostgreSQL cluster');
      rig = await ClusterRig.open(await scenarioDatabase(server, 'skew'));
      const r = rig;
      const from = await startThree(r, {
        env: (n): Record<string, string> => (n === 3 ? { TASKKIT_TEST_CLOCK_OFFSET_MS: String(SKEW_MS) } : {}),
      });
      await pass(RUN_MS);
      const fast = r.daemons.find((d) => d.n === 3)!;
      const self = clusterOf(await statusJson(r, fast)).hosts?.find((host) => host.self);
      const to = Date.now() - 3000;
      await r.stopAll();
      const result = await r.count({ from, to, earlyToleranceMs: 50 });
      const fastHost = (await r.hosts()).find((host) => host.pid === fast.pid);
      const leads = (await r.runs())
        .filter((run) => run.hostId === fastHost?.hostId && run.startedAt !== null && run.scheduledAt !== null)
        .map((run) => (run.startedAt ?? 0) - (run.scheduledAt ?? 0));
      report('clock +3 s', describeCount(result));
      report(
        'clock +3 s',
        `the fast host's offset in status: ${self?.clockOffsetMs ?? 'none'} ms; its runs started ` +
          `${describeMs(leads).text} after their instants (min ${Math.min(...leads)} ms); wins per daemon ` +
          `${await winsPerDaemon(r, from, to)}`,
      );
      expect(problemsOf(result)).toEqual([]);
      expect(leads.length).toBeGreaterThan(0);
      expect(Math.abs((self?.clockOffsetMs ?? 0) - SKEW_MS)).toBeLessThan(500);
      expect(result.lateness.p99).toBeLessThan(BOUNDS.latenessP99Ms * 4);
    },
    RUN_MS + 60_000,
  );

  test(
    'two files: the split is reported and only the published definition runs',
    async () => {
      if (server === null) throw new Error('no PostgreSQL cluster');
      rig = await ClusterRig.open(await scenarioDatabase(server, 'split'));
      const r = rig;
      const other = r.writeFile('tasks-v2.yaml', r.tasksFile(true));
      // Hosts 1 and 2 publish first; host 3 starts with the other file (a rolling deploy half done).
      await Promise.all([1, 2].map((n) => r.startDaemon(n)));
      await r.startDaemon(3, { config: other });
      const from = Date.now() + 2000;
      await pass(RUN_MS);
      const stale = r.daemons.find((d) => d.n === 3)!;
      const splitThere = clusterOf(await statusJson(r, stale)).splitDefinitions ?? [];
      // A publisher cannot know which task differs (host rows carry a file digest, not definitions):
      // it shows two digests among the live hosts; the stale host names the task.
      const here = clusterOf(await statusJson(r, r.daemons[0]!));
      const digests = new Set((here.hosts ?? []).filter((h) => h.state === 'live').map((h) => h.fileDigest));
      const text = await r.taskkit(stale, ['status']);
      const to = Date.now() - 3000;
      await r.stopAll();
      const result = await r.count({ from, to });
      const writers = r.startsBy(SPLIT_TASK);
      report('two files', describeCount(result));
      report(
        'two files',
        `${SPLIT_TASK} started by ${[...writers].map(([who, n]) => `${who} x${n}`).join(', ')}; ` +
          `status on the stale host: ${JSON.stringify(splitThere)}; on a publisher: ${digests.size} file digests ` +
          `among the live hosts, split definitions ${JSON.stringify(here.splitDefinitions ?? [])}`,
      );
      expect(problemsOf(result)).toEqual([]);
      expect([...writers.keys()].filter((who) => who.startsWith('v2-'))).toEqual([]);
      expect(writers.size).toBeGreaterThan(0);
      expect(splitThere.map((split) => split.task)).toEqual([SPLIT_TASK]);
      expect(digests.size).toBe(2);
      expect(text.stdout).toContain(SPLIT_TASK);
    },
    RUN_MS + 60_000,
  );

  test(
    'hold and resume on one host are seen by the others within 1 s (p99); scope: host runs on every host',
    async () => {
      if (server === null) throw new Error('no PostgreSQL cluster');
      rig = await ClusterRig.open(await scenarioDatabase(server, 'hold'));
      const r = rig;
      await startThree(r);
      const clients = new Map(await Promise.all(r.daemons.map(async (d) => [d, await r.control(d)] as const)));
      const samples: number[] = [];
      try {
        for (let round = 0; round < PACE.holdRounds; round++) {
          for (const hold of [true, false]) {
            const on = r.daemons[round % 3]!;
            const sent = performance.now();
            if (hold) await clients.get(on)!.request('hold', { names: [PROPAGATION_TASK], note: `round ${round}` });
            else await clients.get(on)!.request('resume', { names: [PROPAGATION_TASK] });
            const others = r.daemons.filter((d) => d !== on);
            await Promise.all(
              others.map(async (d) => {
                const what = `daemon ${d.n} to see ${hold ? 'the hold' : 'the resume'} of round ${round} from ${on.n}`;
                await r
                  .until(what, 10_000, async () => ((await heldOn(clients, d)) === hold ? true : null), 5)
                  .catch((error: unknown) => {
                    throw new Error(`${String(error)}\n${r.logOf(d, 15)}\n-- daemon ${on.n}:\n${r.logOf(on, 15)}`);
                  });
                samples.push(performance.now() - sent);
              }),
            );
          }
        }
      } finally {
        for (const client of clients.values()) client.close();
      }
      const propagation = describeMs(samples);
      // scope: host runs on every daemon, each its own (told apart by N, and by host name when root).
      const everyDaemon = (): string[] | null => {
        const writers = [...r.startsBy('rotate').keys()].sort();
        return writers.length >= 3 ? writers : null;
      };
      const rotate = r.keys.scope ? await r.until('rotate on every daemon', 10_000, async () => everyDaemon()) : [];
      report('hold propagation', `${propagation.text} from the request on one host to the list of another`);
      report('scope: host', `rotate started by ${rotate.join(', ')}`);
      await r.stopAll();
      expect(propagation.summary.p99).toBeLessThan(BOUNDS.holdPropagationP99Ms);
      if (r.keys.scope) expect(rotate.map((who) => who.split('-').pop())).toEqual(['1', '2', '3']);
    },
    LONG ? 300_000 : 90_000,
  );
});
