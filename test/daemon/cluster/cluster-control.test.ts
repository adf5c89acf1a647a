/**
 * Control across hosts on real daemons (issue 21, ../shared/CLUSTER.md sections 5 and 9): `hold`
 * replies after the task row's COMMIT (a row lock held by the test delays the write: the reply
 * waits for it, and the row says held the moment the reply is in); when PostgreSQL does not take
 * the write in time the reply says the change is in effect on this host, and the write is retried
 * until the row has it; `cancel` given to host A of a run on host B ends it as cancelled (by its id,
 * or by the task name, with A's own run), and a run that outlives the wait is reported as
 * requested and still running.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { connectClient } from '../../../src/store/postgres/connect.js';
import { instantsWithRows } from '../../../src/store/postgres/watchdog.js';
import { ClusterHosts, type ClusterHost, type TestCluster } from '../../support/cluster-hosts.js';
import { type PgCluster, skipWithoutPg, startPgCluster } from '../../support/pg-cluster.js';
import { waitUntil } from '../../support/process-state.js';

let pg: PgCluster | null = null;
const daemons = new ClusterHosts();

beforeAll(async () => {
  if (!skipWithoutPg) pg = await startPgCluster();
}, 60_000);
afterAll(() => pg?.stop());
afterEach(() => daemons.killAll());

const TASKS = [
  '  tick:',
  '    every: 1s',
  '    run: "true"',
  '  quiet:',
  '    every: 1h',
  '    run: "true"',
  '  slow:',
  '    every: 1h',
  '    hold: true',
  '    run: echo $$ > slow.pid; exec sleep 30',
  '  both:',
  '    every: 1h',
  '    hold: true',
  '    overlap: allow',
  '    run: echo $$ > both-$HOSTLABEL.pid; exec sleep 30',
  '  stubborn:',
  '    every: 1h',
  '    hold: true',
  '    kill-after: 20s',
  "    run: echo $$ > stubborn.pid; trap '' TERM; while :; do sleep 0.2; done",
];

/** Holds `task`'s row locked for `ms` (the control write waits on it, as on a slow server). */
async function lockRow(cluster: TestCluster, task: string, ms: number): Promise<{ released: Promise<void> }> {
  const client = await connectClient({ url: (pg as PgCluster).url(cluster.db) });
  await client.query('BEGIN');
  await client.query(`SELECT 1 FROM taskkit.task WHERE name = $1 FOR UPDATE`, [task]);
  // Wrapped: a promise returned from an async function would be awaited with it.
  const released = new Promise((resolve) => setTimeout(resolve, ms)).then(async () => {
    await client.query('COMMIT');
    await client.end();
  });
  return { released };
}

const heldRow = (cluster: TestCluster, task: string): string =>
  cluster.sql(`SELECT held FROM taskkit.task WHERE name = '${task}'`);

/** Starts `task` on `host` by run-now; its run id once its row says running (its pid in `pidName`). */
async function startOn(
  cluster: TestCluster,
  host: ClusterHost,
  task: string,
  pidName = `${task}.pid`,
): Promise<number> {
  const started = await host.taskkit(['run-now', task, '--json']);
  expect(started.code, started.stderr).toBe(0);
  const id = (JSON.parse(started.stdout) as { run: { id: number } }).run.id;
  const state = () => cluster.sql(`SELECT status FROM taskkit.run WHERE id = ${id}`);
  await waitUntil(() => state() === 'running', 10_000, `run #${id} running in the cluster`);
  const pidFile = join(cluster.dir, pidName);
  await waitUntil(() => readPid(pidFile) > 0, 5_000, `${task}'s pid`);
  daemons.track(readPid(pidFile));
  return id;
}

function readPid(path: string): number {
  try {
    return Number(readFileSync(path, 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

describe.skipIf(skipWithoutPg)('control across hosts', () => {
  test(
    'hold replies after the row is committed: held in the row when the reply is in',
    { timeout: 60_000 },
    async () => {
      const cluster = await daemons.start(pg as PgCluster, TASKS, ['a']);
      const [a] = cluster.hosts as [ClusterHost];
      const { released } = await lockRow(cluster, 'quiet', 1_500);
      const asked = Date.now();
      const held = await a.taskkit(['hold', 'quiet']);
      const repliedMs = Date.now() - asked;
      expect(held.code, held.stderr).toBe(0);
      expect(heldRow(cluster, 'quiet')).toBe('t');
      expect(held.stderr).toBe('');
      // The write waited on the lock, so did the reply.
      expect(repliedMs).toBeGreaterThanOrEqual(1_200);
      await released;
      process.stdout.write(`[cluster] hold replied after ${repliedMs} ms (row locked 1500 ms)\n`);
    },
  );

  test(
    'a write PostgreSQL does not take in time: the reply says so, the write is retried until the row has it',
    { timeout: 60_000 },
    async () => {
      const cluster = await daemons.start(pg as PgCluster, TASKS, ['a']);
      const [a] = cluster.hosts as [ClusterHost];
      // Longer than statement_timeout (5 s): the UPDATE is cancelled by the server.
      const { released } = await lockRow(cluster, 'quiet', 7_000);
      const held = await a.taskkit(['hold', 'quiet']);
      expect(held.code, held.stderr).toBe(0);
      expect(held.stderr).toMatch(
        /cluster: in effect on this host; it reaches the other hosts when PostgreSQL answers/,
      );
      expect(heldRow(cluster, 'quiet')).toBe('f');
      await released;
      await waitUntil(() => heldRow(cluster, 'quiet') === 't', 15_000, 'the hold written again');
      expect(a.log()).toMatch(/quiet: the change is in effect here, not yet in the cluster/);
    },
  );

  test('cancel on host A of a run on host B: B cancels it, A replies with its end', { timeout: 60_000 }, async () => {
    const cluster = await daemons.start(pg as PgCluster, TASKS, ['a', 'b']);
    const [a, b] = cluster.hosts as [ClusterHost, ClusterHost];
    const id = await startOn(cluster, b, 'slow');
    const asked = Date.now();
    const cancelled = await a.taskkit(['cancel', '--run', String(id)]);
    const repliedMs = Date.now() - asked;
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`^slow #${id}: cancelled on \\S+`, 'm'));
    expect(cluster.sql(`SELECT status FROM taskkit.run WHERE id = ${id}`)).toBe('cancelled');
    expect(b.log()).toContain(`run #${id} cancelled at another host's request`);
    expect(repliedMs).toBeLessThan(5_000);
    process.stdout.write(`[cluster] remote cancel answered in ${repliedMs} ms\n`);
  });

  test('cancel NAME on host A: its run on A and its run on B both end cancelled', { timeout: 60_000 }, async () => {
    const cluster = await daemons.start(pg as PgCluster, TASKS, ['a', 'b']);
    const [a, b] = cluster.hosts as [ClusterHost, ClusterHost];
    const onA = await startOn(cluster, a, 'both', 'both-a.pid');
    const onB = await startOn(cluster, b, 'both', 'both-b.pid');
    const cancelled = await a.taskkit(['cancel', 'both']);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    // This host's run first (cancelling: SIGTERM sent), then the other host's with its end there.
    expect(cancelled.stdout).toMatch(new RegExp(`^both #${onA}: cancelling\\nboth #${onB}: cancelled on \\S+$`, 'm'));
    await waitUntil(
      () =>
        cluster.sql(`SELECT string_agg(status, ',') FROM taskkit.run WHERE id IN (${onA}, ${onB})`) ===
        'cancelled,cancelled',
      10_000,
      'both runs cancelled in the cluster',
    );
    expect(b.log()).toContain(`run #${onB} cancelled at another host's request`);
  });

  test('a remote run that outlives the wait: requested, still running', { timeout: 60_000 }, async () => {
    const cluster = await daemons.start(pg as PgCluster, TASKS, ['a', 'b']);
    const [a, b] = cluster.hosts as [ClusterHost, ClusterHost];
    const id = await startOn(cluster, b, 'stubborn');
    const cancelled = await a.taskkit(['cancel', String(id)]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`^stubborn #${id}: requested; still running on \\S+`, 'm'));
    expect(cluster.sql(`SELECT status FROM taskkit.run WHERE id = ${id}`)).toBe('running');
  });

  test("the watchdog's query finds the instants a claim wrote, and only those", { timeout: 60_000 }, async () => {
    const cluster = await daemons.start(pg as PgCluster, TASKS, ['a']);
    const claimed = () =>
      cluster.sql(
        `SELECT ${'(extract(epoch FROM min(scheduled_at)) * 1000)::bigint'} FROM taskkit.run WHERE task = 'tick'`,
      );
    await waitUntil(() => claimed() !== '', 10_000, 'a claimed tick');
    const at = Number(claimed());
    const client = await connectClient({ url: (pg as PgCluster).url(cluster.db) });
    try {
      const found = await instantsWithRows(client, 'taskkit', 'tick', [at, at - 1_000, at + 500]);
      expect([...found]).toEqual([at]);
    } finally {
      await client.end();
    }
  });
});
