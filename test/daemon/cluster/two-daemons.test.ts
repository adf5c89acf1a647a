/**
 * Cluster mode end to end (issue 21, ../shared/CLUSTER.md): two real daemons started through
 * bin/taskkit on ONE tasks file and one throwaway PostgreSQL, each with its own state dir and
 * socket (XDG_STATE_HOME). Every instant of a task every 1 s runs exactly once across them
 * (counted from the effects file the task writes); a hold given to host A is seen by host B
 * within 1 s; `kill -9` of one host: the other goes on and the dead host's running run becomes
 * `interrupted` in the cluster's history. Daemons and task process groups are killed by pid.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { TaskView } from '../../../src/control/views.js';
import { ClusterHosts, type ClusterHost } from '../../support/cluster-hosts.js';
import { type PgCluster, skipWithoutPg, startPgCluster } from '../../support/pg-cluster.js';
import { waitUntil } from '../../support/process-state.js';

let pg: PgCluster | null = null;
const daemons = new ClusterHosts();

beforeAll(async () => {
  if (!skipWithoutPg) pg = await startPgCluster();
}, 60_000);
afterAll(() => pg?.stop());
afterEach(() => daemons.killAll());

/** A cluster of `labels` hosts sharing one tasks file (its lines) and a fresh database. */
async function makeCluster(tasks: readonly string[], labels: readonly string[]) {
  const { dir, db, hosts, sql } = await daemons.start(pg as PgCluster, tasks, labels);
  return { dir, db, hosts, effects: join(dir, 'effects.log'), sql };
}

/** The effects file's lines as [task, instant, attempt, host]. */
function effects(path: string): string[][] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split(' '));
}

async function viewOf(host: ClusterHost, task: string): Promise<TaskView | undefined> {
  const listed = await host.taskkit(['list', '--json']);
  return (JSON.parse(listed.stdout) as TaskView[]).find((view) => view.name === task);
}

const TICK = [
  '  tick:',
  '    every: 1s',
  '    run: echo "$TASKKIT_TASK $TASKKIT_SCHEDULED_AT $TASKKIT_ATTEMPT $HOSTLABEL" >> effects.log',
];

describe.skipIf(skipWithoutPg)('two daemons on one tasks file and one PostgreSQL', () => {
  test('each instant runs exactly once across both; both hosts run some', { timeout: 60_000 }, async () => {
    const { hosts, effects: path, sql } = await makeCluster(TICK, ['a', 'b']);
    // ~8 s with both up: count the instants after both started.
    const bothUp = Date.now();
    await waitUntil(
      () => effects(path).filter((e) => Date.parse(e[1] ?? '') > bothUp).length >= 8,
      20_000,
      '8 instants',
    );
    for (const host of hosts) expect((await host.taskkit(['stop'])).code).toBe(0);
    const lines = effects(path);
    const instants = lines.map((e) => e[1]);
    // Exactly once: no instant twice, and no gap between the first and the last.
    expect(new Set(instants).size).toBe(instants.length);
    const times = instants.map((at) => Date.parse(at ?? '')).sort((x, y) => x - y);
    for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBe(1_000);
    // Every run the task wrote has one claimed row in the cluster, which says who ran it.
    const rows = sql(`SELECT count(*), count(DISTINCT scheduled_at) FROM taskkit.run WHERE task = 'tick'`);
    expect(rows).toBe(`${lines.length}|${lines.length}`);
    expect(sql(`SELECT string_agg(DISTINCT state, ',') FROM taskkit.host`)).toBe('gone');
    process.stdout.write(
      `[cluster] ${lines.length} instants, once each; by host: ${hosts
        .map((h) => `${h.label} ${lines.filter((e) => e[3] === h.label).length}`)
        .join(', ')}\n`,
    );
  });

  test(
    'a hold given to host A is in force on host B within 1 s; resume on B reaches A',
    { timeout: 60_000 },
    async () => {
      const { hosts } = await makeCluster(TICK, ['a', 'b']);
      const [a, b] = hosts as [ClusterHost, ClusterHost];
      expect((await a.taskkit(['hold', 'tick', '--note', 'from a'])).code).toBe(0);
      const heldOnA = (await viewOf(a, 'tick'))?.heldAt;
      const asked = Date.now();
      let view = await viewOf(b, 'tick');
      while (view?.held !== true && Date.now() - asked < 5_000) view = await viewOf(b, 'tick');
      expect(view?.held).toBe(true);
      expect(view?.holdNote).toBe('from a');
      // Each engine stamps a hold when it takes it (both on the database clock): B took it from the
      // notification this long after A did. The CLI round trips that observe it do not count.
      const propagationMs = Date.parse(view?.heldAt ?? '') - Date.parse(heldOnA ?? '');
      process.stdout.write(`[cluster] hold on a in force on b ${propagationMs} ms later\n`);
      expect(propagationMs).toBeGreaterThanOrEqual(0);
      expect(propagationMs).toBeLessThan(1_000);
      expect((await b.taskkit(['resume', 'tick'])).code).toBe(0);
      const resumed = Date.now();
      let viewA = await viewOf(a, 'tick');
      while (viewA?.held !== false && Date.now() - resumed < 5_000) viewA = await viewOf(a, 'tick');
      expect(viewA?.held).toBe(false);
    },
  );

  test(
    'kill -9 of one host: the other goes on; the dead host run becomes interrupted',
    { timeout: 60_000 },
    async () => {
      const slow = [
        '  slow:',
        '    every: 2s',
        '    overlap: skip',
        '    hold: true',
        '    run: echo "$TASKKIT_TASK $TASKKIT_SCHEDULED_AT $TASKKIT_ATTEMPT $HOSTLABEL $$" >> slow.log; exec sleep 30',
      ];
      const { dir, hosts, effects: path, sql } = await makeCluster([...TICK, ...slow], ['a', 'b']);
      // A reaper is trusted once its liveness connection has been up a full lease (5 s): only then does
      // it declare a host dead by its free lock. Then the first slow run: its host is the victim.
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      expect((await (hosts[0] as ClusterHost).taskkit(['resume', 'slow'])).code).toBe(0);
      const slowLog = join(dir, 'slow.log');
      await waitUntil(() => effects(slowLog).length >= 1, 15_000, 'a slow run to start');
      const [first] = effects(slowLog);
      const victim = hosts.find((h) => h.label === first?.[3]) as ClusterHost;
      const survivor = hosts.find((h) => h !== victim) as ClusterHost;
      const victimPid = victim.pid();
      const runPid = Number(first?.[4]);
      daemons.track(runPid);
      process.kill(victimPid, 'SIGKILL');
      const killedAt = Date.now();
      // The survivor's reaper: gone-after (2 s) + a reap round (1-2 s) after the last beat.
      // The victim's own run: ids come in blocks per host, so the survivor's skip rows of 'slow' can
      // have lower ids than the victim's run (a first-by-id read then never sees 'interrupted').
      const runState = () =>
        sql(
          `SELECT status FROM taskkit.run WHERE task = 'slow' AND status <> 'skipped' AND host_id = ` +
            `(SELECT host_id FROM taskkit.host WHERE pid = ${victimPid}) ORDER BY id LIMIT 1`,
        );
      await waitUntil(() => runState() === 'interrupted', 15_000, 'the dead host run to be interrupted');
      const detectedMs = Date.now() - killedAt;
      expect(sql(`SELECT state FROM taskkit.host WHERE pid = ${victimPid}`)).toBe('dead');
      expect(survivor.log()).toMatch(/is dead \(connection lost\): \d+ running run\(s\) interrupted/);
      // The survivor goes on alone: three more ticks after the detection, all its own, none twice.
      const detected = Date.now();
      const aloneTicks = () => effects(path).filter((e) => Date.parse(e[1] ?? '') > detected);
      await waitUntil(() => aloneTicks().length >= 3, 15_000, 'the survivor to tick alone');
      expect(aloneTicks().every((e) => e[3] === survivor.label)).toBe(true);
      const instants = effects(path).map((e) => e[1]);
      expect(new Set(instants).size).toBe(instants.length);
      process.stdout.write(`[cluster] kill -9 detected after ${detectedMs} ms\n`);
      // Every slow run's process group (the survivor starts its own once the dead host's is interrupted).
      for (const e of effects(slowLog)) daemons.track(Number(e[4]));
    },
  );
});
