/**
 * A reload keeps the cluster the daemon joined at start (taskkit.yaml(5) settings.cluster): a
 * changed `cluster` is reported as waiting for a restart, and a file set back to the one the daemon
 * started with changes nothing (it used to be compared with the previous file, so the log kept
 * saying "cluster.beat changed" about the value the daemon runs with).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ClusterHosts } from '../../support/cluster-hosts.js';
import { type PgCluster, skipWithoutPg, startPgCluster } from '../../support/pg-cluster.js';

let pg: PgCluster | null = null;
const daemons = new ClusterHosts();

beforeAll(async () => {
  if (!skipWithoutPg) pg = await startPgCluster();
}, 60_000);
afterAll(() => pg?.stop());
afterEach(() => daemons.killAll());

const RESTART_WARNING = /settings cluster\.beat changed: they take effect at the next start/g;

describe.skipIf(skipWithoutPg)('reload in cluster mode', () => {
  test('a changed cluster waits for a restart; the file set back changes nothing', { timeout: 60_000 }, async () => {
    const cluster = await daemons.start(pg as PgCluster, ['  a:', '    every: 1h', '    run: "true"'], ['h1']);
    const host = cluster.hosts[0];
    if (host === undefined) throw new Error('no host');
    const file = join(cluster.dir, 'tasks.yaml');
    const started = readFileSync(file, 'utf8');
    expect(started).toContain('    beat: 1s\n');

    writeFileSync(file, started.replace('    beat: 1s\n', '    beat: 2s\n'));
    expect((await host.taskkit(['reload', '--dry-run'])).stdout).toContain('cluster.beat: 1s -> 2s');
    expect((await host.taskkit(['reload'])).code).toBe(0);
    expect(host.log().match(RESTART_WARNING)).toHaveLength(1);

    writeFileSync(file, started);
    const dry = await host.taskkit(['reload', '--dry-run']);
    expect(dry.stdout).not.toContain('cluster.beat');
    expect((await host.taskkit(['reload'])).code).toBe(0);
    expect(host.log().match(RESTART_WARNING)).toHaveLength(1);
  });
});
