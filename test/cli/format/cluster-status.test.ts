/** `status`'s cluster section and the HOST column of list, history and show, on fixed data: exact words. */
import { describe, expect, test } from 'vitest';
import { describeClockOffset, describeHostState, renderClusterStatus } from '../../../src/cli/format/cluster-status.js';
import { renderHistory } from '../../../src/cli/format/history.js';
import { describeTaskCluster } from '../../../src/cli/format/host-column.js';
import { renderStatus } from '../../../src/cli/format/status.js';
import { renderRunTable } from '../../../src/cli/format/task-detail.js';
import { describeState, renderTaskList } from '../../../src/cli/format/task-list.js';
import { PLAIN_PAINTER } from '../../../src/cli/io.js';
import type { ClusterHostView, ClusterStatusView } from '../../../src/control/cluster-view.js';
import type { StatusResult } from '../../../src/control/protocol.js';
import { NOW, runView, taskView } from '../../http/page/_views.js';
import { pinProcessZone } from '../../support/process-zone.js';

pinProcessZone('UTC');

const host = (overrides: Partial<ClusterHostView>): ClusterHostView => ({
  hostname: 'web-1',
  hostId: '3f2a9c1e-0000-4000-8000-000000000001',
  state: 'live',
  self: false,
  leaseLeftMs: 27_000,
  endReason: null,
  version: '1.4.0',
  fileDigest: 'a1b2c3d4e5f6',
  clockOffsetMs: 12,
  lastBeatAt: '2026-03-01T11:59:58.000Z',
  startedAt: '2026-03-01T09:00:00.000Z',
  ...overrides,
});

const cluster: ClusterStatusView = {
  name: 'taskkit',
  self: { hostname: 'web-2', hostId: '77aa0b1c-0000-4000-8000-000000000002', state: 'live' },
  hosts: [
    host({ hostname: 'web-3', hostId: 'dd01e2f3-0000', state: 'dead', leaseLeftMs: null, endReason: 'lease expired' }),
    host({ hostname: 'web-1' }),
    host({
      hostname: 'web-2',
      hostId: '77aa0b1c-0000-4000-8000-000000000002',
      self: true,
      clockOffsetMs: -3200,
      leaseLeftMs: 29_500,
    }),
    host({ hostname: 'web-4', hostId: 'ee55aa00-1', state: 'gone', leaseLeftMs: null, endReason: 'stopped' }),
    host({ hostname: 'web-5', hostId: 'ff66bb11-2', state: 'leaving', leaseLeftMs: -3000, fileDigest: null }),
  ],
  splitDefinitions: [
    { task: 'backup', publishedBy: 'web-1', publishedAt: '2026-03-01T11:03:00.000Z', differingHosts: ['web-2'] },
  ],
  missedInstants: [{ task: 'report', scheduledAt: '2026-03-01T11:00:00.000Z', deadlineAt: '2026-03-01T11:05:00.000Z' }],
  unreachable: null,
};

describe("status's cluster section", () => {
  test('hosts live first (this one first, marked *), then leaving, dead, gone; splits and missed instants', () => {
    expect(renderClusterStatus(cluster, NOW, PLAIN_PAINTER)).toEqual([
      '  cluster  taskkit: this host web-2 (77aa0b1c), live',
      '  HOST     ID        STATE                            VERSION  FILE      CLOCK                LAST BEAT',
      '  web-2 *  77aa0b1c  live, lease 30s                  1.4.0    a1b2c3d4  -3.2s (over 1s off)  2s ago',
      '  web-1    3f2a9c1e  live, lease 27s                  1.4.0    a1b2c3d4  +12ms                2s ago',
      '  web-5    ff66bb11  leaving, lease ran out 3.0s ago  1.4.0    -         +12ms                2s ago',
      '  web-3    dd01e2f3  dead: lease expired              1.4.0    a1b2c3d4  +12ms                2s ago',
      '  web-4    ee55aa00  gone: stopped                    1.4.0    a1b2c3d4  +12ms                2s ago',
      '  definitions that differ between hosts (only the published one runs):',
      '    backup: published by web-1 at 11:03:00; differs on web-2',
      '  instants past their deadline that no host ran:',
      '    report 11:00:00 (deadline 11:05:00)',
    ]);
  });

  test('PostgreSQL out of reach is said under the first line; no hosts read yet', () => {
    const lines = renderClusterStatus(
      {
        ...cluster,
        self: { ...cluster.self, state: 'fenced' },
        hosts: [],
        splitDefinitions: [],
        missedInstants: [],
        unreachable: { since: '2026-03-01T11:58:00.000Z', error: 'connect ECONNREFUSED /tmp/.s.PGSQL.5432' },
      },
      NOW,
      PLAIN_PAINTER,
    );
    expect(lines).toEqual([
      '  cluster  taskkit: this host web-2 (77aa0b1c), fenced (starts no cluster run)',
      '  PostgreSQL does not answer since 11:58:00: connect ECONNREFUSED /tmp/.s.PGSQL.5432 ' +
        '(hosts as last read; only scope: host tasks run)',
      '  no hosts',
    ]);
  });

  test('host states and clock offsets in words', () => {
    expect(describeHostState(host({ leaseLeftMs: 500 }))).toBe('live, lease 500ms');
    expect(describeHostState(host({ state: 'dead', endReason: null, leaseLeftMs: null }))).toBe('dead');
    expect(describeClockOffset(null)).toBe('-');
    expect(describeClockOffset(1000)).toBe('+1.0s');
    expect(describeClockOffset(1001)).toBe('+1.0s (over 1s off)');
  });

  test('status: the section after the rows, or why the facts could not be read; none on a single host', () => {
    const status: StatusResult = {
      pid: 1,
      startedAt: '2026-03-01T11:00:00.000Z',
      uptimeMs: 3_600_000,
      configPath: '/etc/tasks.yaml',
      socket: '/run/taskkit.sock',
      stateDir: '/var/lib/taskkit',
      tasks: { total: 0, scheduled: 0, running: 0, held: 0, onDemand: 0, done: 0 },
      runsInProgress: 0,
      orphanedRuns: [],
      nextAt: null,
    };
    const single = renderStatus(status, NOW, PLAIN_PAINTER);
    expect(single.at(-1)).toBe('  next        nothing scheduled');
    expect(renderStatus({ ...status, cluster }, NOW, PLAIN_PAINTER).slice(single.length, single.length + 1)).toEqual([
      '  cluster  taskkit: this host web-2 (77aa0b1c), live',
    ]);
    expect(renderStatus({ ...status, clusterError: 'timeout' }, NOW, PLAIN_PAINTER).slice(single.length)).toEqual([
      '  cluster  facts not available: timeout',
    ]);
  });
});

describe('HOST column (cluster mode only)', () => {
  test('list: HOST before LAST when some last run has a host; a split definition in STATE', () => {
    const plain = [taskView({ name: 'a', lastRun: runView({ task: 'a' }) })];
    expect(renderTaskList(plain, NOW, PLAIN_PAINTER)[0]).not.toContain('HOST');
    const tasks = [
      taskView({ name: 'a', lastRun: runView({ task: 'a', host: 'web-1' }) }),
      taskView({
        name: 'b',
        cluster: { scope: 'cluster', definitionDiffers: { publishedBy: 'web-1', publishedAt: NOW_ISO } },
      }),
    ];
    const lines = renderTaskList(tasks, NOW, PLAIN_PAINTER);
    expect(lines[0]).toMatch(/^NAME +SCHEDULE +STATE +NEXT +HOST +LAST$/);
    expect(lines[1]).toMatch(/ web-1 +succeeded, 59m58s ago$/);
    expect(lines[2]).toMatch(/ scheduled, definition differs +in 5m \(12:05:00\) +- +-$/);
    expect(describeState(tasks[1] ?? taskView())).toBe('scheduled, definition differs');
  });

  test('history and show: HOST only when a run has one', () => {
    const runs = [runView({ id: 2, host: 'web-2' }), runView({ id: 1 })];
    expect(renderHistory(runs, NOW, PLAIN_PAINTER).map((line) => line.split(/ +/).slice(0, 4))).toEqual([
      ['RUN', 'TASK', 'HOST', 'TRIGGER'],
      ['', '2', 't', 'web-2'],
      ['', '1', 't', '-'],
    ]);
    expect(renderHistory([runView()], NOW, PLAIN_PAINTER)[0]).not.toContain('HOST');
    expect(renderRunTable(runs, 'UTC')[0]).toMatch(/^ID +TRIGGER +HOST +STARTED/);
    expect(renderRunTable([runView()], 'UTC')[0]).not.toContain('HOST');
  });

  test("show's cluster line", () => {
    expect(describeTaskCluster({ scope: 'host', definitionDiffers: null })).toBe('scope host (runs on every host)');
    expect(
      describeTaskCluster({ scope: 'cluster', definitionDiffers: { publishedBy: 'web-1', publishedAt: NOW_ISO } }),
    ).toBe(
      "scope cluster; definition differs from the cluster's, published by web-1 at 2026-03-01 12:00:00 +00:00: " +
        'not run here',
    );
  });
});

const NOW_ISO = new Date(NOW).toISOString();
