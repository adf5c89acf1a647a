// Cluster mode over the control socket (issue 21) with fake DaemonControl hooks: runs carry their
// host, `list` takes the newer of this host's and the cluster's last run (or this host's with
// `here`), tasks carry their `cluster` facts, and `status` carries the cluster's section from a
// promise; a failed read leaves `status` answering with `clusterError`.
import { afterEach, describe, expect, test } from 'vitest';
import type { ClusterStatusView } from '../../src/control/cluster-view.js';
import type { RunRecord } from '../../src/engine/run.js';
import type { RunSummary } from '../../src/store/store.js';
import { closeAll, startControl, type ControlFixture } from '../support/control-fixture.js';
import { makeTask } from '../support/engine-task.js';
import { flush } from '../support/fake-runner.js';
import { runAgainst } from '../cli/_control-cli.js';

afterEach(closeAll);

const stored = (overrides: Partial<RunRecord> & { host?: string }): RunSummary & { host?: string } => ({
  id: 40,
  task: 'report',
  trigger: 'schedule',
  scheduledAt: Date.parse('2026-03-01T11:00:00Z'),
  createdAt: Date.parse('2026-03-01T11:00:00Z'),
  startedAt: Date.parse('2026-03-01T11:00:00Z'),
  endedAt: Date.parse('2026-03-01T11:00:02Z'),
  status: 'succeeded',
  exitCode: 0,
  signal: null,
  attempt: 1,
  pid: 77,
  outputTruncated: false,
  outputBytes: 0,
  stop: null,
  error: null,
  ...overrides,
});

const CLUSTER: ClusterStatusView = {
  name: 'taskkit',
  self: { hostname: 'web-2', hostId: '77aa0b1c-0000', state: 'live' },
  hosts: [],
  splitDefinitions: [],
  missedInstants: [],
  unreachable: null,
};

/** backup and report; backup ran on this host at 12:00 (fake clock); the daemon is web-2 of a cluster. */
async function startCluster(): Promise<ControlFixture> {
  const fixture = await startControl([makeTask('backup'), makeTask('report')]);
  const info = fixture.daemon.info();
  fixture.daemon.info = () => ({ ...info, hostname: 'web-2' });
  const run = fixture.scheduler.runNow('backup');
  fixture.runner.finish(run.id, { status: 'failed', exitCode: 1 });
  await flush();
  return fixture;
}

describe('cluster mode over the socket', () => {
  test("list: the engine's runs are this host's, a newer run of another host wins; `here`: this host's", async () => {
    const f = await startCluster();
    const cluster = new Map([
      ['backup', stored({ id: 900, task: 'backup', host: 'web-1', createdAt: Date.parse('2026-03-01T12:30:00Z') })],
      ['report', stored({ id: 41, host: 'web-3' })],
    ]);
    f.daemon.storedLastRun = (task) => cluster.get(task) ?? null;
    f.daemon.localLastRun = (task) => (task === 'report' ? stored({ id: 12 }) : null);
    f.daemon.taskCluster = (task) =>
      task === 'report'
        ? { scope: 'cluster', definitionDiffers: { publishedBy: 'web-1', publishedAt: '2026-03-01T11:59:00.000Z' } }
        : null;
    const client = await f.connect();
    const lastOf = (tasks: { lastRun: { id: number; host?: string } | null }[]): unknown[] =>
      tasks.map((task) => [task.lastRun?.id ?? null, task.lastRun?.host ?? null]);
    const all = await client.request('list', {});
    expect(lastOf(all)).toEqual([
      [900, 'web-1'],
      [41, 'web-3'],
    ]);
    expect(all.map((task) => task.cluster ?? null)).toEqual([
      null,
      { scope: 'cluster', definitionDiffers: { publishedBy: 'web-1', publishedAt: '2026-03-01T11:59:00.000Z' } },
    ]);
    // --here: the engine's own run (this host) and the local journal's, never another host's.
    expect(lastOf(await client.request('list', { here: true }))).toEqual([
      [1, 'web-2'],
      [12, 'web-2'],
    ]);
    // An older run of another host does not hide this host's newer one.
    cluster.set('backup', stored({ id: 7, task: 'backup', host: 'web-1' }));
    expect(lastOf(await client.request('list', {}))[0]).toEqual([1, 'web-2']);
    const shown = await client.request('show', { name: 'report' });
    expect(shown.task.cluster?.definitionDiffers?.publishedBy).toBe('web-1');
  });

  test('status: the cluster section from a promise; a failed read is clusterError, status answers', async () => {
    const f = await startCluster();
    f.daemon.clusterStatus = () => new Promise((resolve) => setImmediate(() => resolve(CLUSTER)));
    const client = await f.connect();
    expect((await client.request('status', {})).cluster).toEqual(CLUSTER);
    f.daemon.clusterStatus = () => Promise.reject(new Error('Connection terminated due to connection timeout'));
    const status = await client.request('status', {});
    expect(status).not.toHaveProperty('cluster');
    expect(status.clusterError).toBe('Connection terminated due to connection timeout');
    expect(status.pid).toBe(4242);
    f.daemon.clusterStatus = () => CLUSTER;
    expect((await client.request('status', {})).cluster?.self.hostname).toBe('web-2');
  });

  test('on a single host: no host, no cluster fields; `here` is accepted and changes nothing', async () => {
    const f = await startControl([makeTask('backup')]);
    const run = f.scheduler.runNow('backup');
    f.runner.finish(run.id);
    await flush();
    const client = await f.connect();
    const tasks = await client.request('list', {});
    expect(tasks[0]?.lastRun).not.toHaveProperty('host');
    expect(tasks[0]).not.toHaveProperty('cluster');
    expect(await client.request('list', { here: true })).toEqual(tasks);
    const status = await client.request('status', {});
    expect(status).not.toHaveProperty('cluster');
    expect(status).not.toHaveProperty('clusterError');
  });
});

describe('the CLI against a cluster daemon', () => {
  test('list: HOST; list --here: this host; status: the cluster section, in --json too', async () => {
    const f = await startCluster();
    f.daemon.storedLastRun = (task) => (task === 'report' ? stored({ id: 41, host: 'web-3' }) : null);
    f.daemon.localLastRun = () => null;
    f.daemon.clusterStatus = () => Promise.resolve(CLUSTER);
    const list = await runAgainst(f, ['list']);
    expect(list.stdout.split('\n')[0]).toMatch(/^NAME +SCHEDULE +STATE +NEXT +HOST +LAST$/);
    expect(list.stdout).toMatch(/\nreport .* web-3 +succeeded, 59m58s ago\n/);
    const here = await runAgainst(f, ['list', '--here', '--json']);
    const tasks = JSON.parse(here.stdout) as { name: string; lastRun: { host?: string } | null }[];
    expect(tasks.map((task) => [task.name, task.lastRun?.host ?? null])).toEqual([
      ['backup', 'web-2'],
      ['report', null],
    ]);
    const status = await runAgainst(f, ['status']);
    expect(status.stdout).toContain('\n  cluster  taskkit: this host web-2 (77aa0b1c), live\n  no hosts\n');
    expect((JSON.parse((await runAgainst(f, ['status', '--json'])).stdout) as { cluster: unknown }).cluster).toEqual(
      CLUSTER,
    );
  });
});
