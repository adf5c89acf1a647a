/**
 * A daemon starting into a live cluster (issue 21's "left out"), with real daemons through
 * bin/taskkit and a throwaway PostgreSQL: the instants its task had before it started that another
 * host runs are not "missed" on it (no log line, no skipped record); once every host was down, the
 * instants no host ran are missed, as on a single host. Daemons are killed by pid (ClusterHosts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { instantJitter, jitterDelay } from '../../../src/engine/policies/jitter.js';
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PERIOD_MS = 10_000;
const JITTER_MS = 8_000;
const TASKS = [
  '  late:',
  '    every: 10s',
  '    jitter: 8s',
  '    run: "true"',
  '  tick:',
  '    every: 1s',
  '    run: "true"',
];
const missedLines = (host: ClusterHost, task: string): string[] =>
  host
    .log()
    .split('\n')
    .filter((line) => line.includes(` ${task} `) && /missed/.test(line));

describe.skipIf(skipWithoutPg)('a daemon starting into a live cluster', () => {
  test('instants another host runs are not missed on it; instants no host ran are', { timeout: 120_000 }, async () => {
    const cluster = await daemons.start(pg as PgCluster, TASKS, ['a', 'c'], { start: false });
    const [a, c] = cluster.hosts as [ClusterHost, ClusterHost];
    await cluster.start(a);
    // An instant of `late` whose jittered start (the same draw on every host) is at least 5 s after
    // it, and whose previous instant came after a started (a claimed that one within its 8 s: the
    // cluster's last instant is before the chosen one): c starts just after it, before a claims it.
    const delayOf = (at: number): number => jitterDelay(JITTER_MS, instantJitter('late', at));
    const aStarted = Date.now();
    let due = (Math.floor(aStarted / PERIOD_MS) + 2) * PERIOD_MS;
    while (delayOf(due) < 5_000) due += PERIOD_MS;
    await sleep(due + 200 - Date.now());
    await cluster.start(c);
    const claimed = () =>
      cluster.sql(
        `SELECT count(*) FROM taskkit.run WHERE task = 'late' AND scheduled_at = to_timestamp(${due / 1000})`,
      );
    expect(claimed(), 'c started before a claimed the instant').toBe('0');
    await waitUntil(() => claimed() === '1', 20_000, `a claim of late at ${new Date(due).toISOString()}`);
    // Past the check of the instants c's start passed over (their jitter and a claim's settling).
    await sleep(JITTER_MS + 3_000 - (Date.now() - due));
    expect(missedLines(c, 'late'), c.log()).toEqual([]);
    expect(missedLines(c, 'tick'), c.log()).toEqual([]);

    // Every host down for about 3 s: those instants of `tick` no host ran are missed on c's start.
    for (const host of [a, c]) expect((await host.taskkit(['stop'])).code).toBe(0);
    await sleep(3_000);
    await cluster.start(c);
    await waitUntil(() => missedLines(c, 'tick').length > 0, 15_000, `c to say tick's instants were missed`);
    expect(missedLines(c, 'tick').join('\n')).toMatch(/missed [2-9] instants while taskkit was down/);
  });
});
