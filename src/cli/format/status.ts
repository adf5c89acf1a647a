/** `taskkit status` and the one-line reports of the daemon verbs (start, stop, reload). */
import type { ReloadSummaryView, StatusResult } from '../../control/protocol.js';
import type { RunView } from '../../control/views.js';
import { formatElapsed } from '../../schedule/elapsed.js';
import { escapeControl } from '../../escape-control.js';
import type { Painter } from '../io.js';
import { renderClusterStatus } from './cluster-status.js';
import { LOCAL_ZONE, formatInstant, formatWhen, parseIso } from './time.js';

/** Labelled lines: pid and uptime, files, task counts by state, runs in progress, next instant (local time). */
export function renderStatus(status: StatusResult, now: number, paint: Painter): string[] {
  const { tasks } = status;
  const counts = [
    `${tasks.scheduled} scheduled`,
    `${tasks.running} running`,
    `${tasks.held} held`,
    `${tasks.onDemand} on demand`,
    `${tasks.done} done`,
  ].join(', ');
  const next =
    status.nextAt === null
      ? 'nothing scheduled'
      : `${status.nextAt.task} ${formatWhen(parseIso(status.nextAt.at), LOCAL_ZONE, now)}`;
  const rows: [string, string][] = [
    ['pid', String(status.pid)],
    ...describeSpawner(status),
    [
      'uptime',
      `${formatElapsed(status.uptimeMs)} (since ` + `${formatInstant(parseIso(status.startedAt), LOCAL_ZONE)})`,
    ],
    ['tasks file', status.configPath],
    ['socket', status.socket],
    ['state dir', status.stateDir],
    ['tasks', `${tasks.total}: ${counts}`],
    ['runs', `${status.runsInProgress} in progress`],
    ...status.orphanedRuns.map((run): [string, string] => ['orphaned', describeOrphan(run, now)]),
    ['next', next],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    paint.green('taskkit is running'),
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${escapeControl(value)}`),
    ...describeCluster(status, now, paint),
  ];
}

/** "spawner  pid 4243 (taskkit-spawner, starts the runs)"; nothing from a daemon older than it. */
function describeSpawner(status: StatusResult): [string, string][] {
  if (status.spawnerPid === undefined) return [];
  const what = status.spawnerPid === null ? 'being restarted' : `pid ${status.spawnerPid}`;
  return [['spawner', `${what} (taskkit-spawner, starts the runs)`]];
}

/** Cluster mode: the cluster's section (cluster-status.ts), or why it could not be read; nothing on a single host. */
function describeCluster(status: StatusResult, now: number, paint: Painter): string[] {
  if (status.cluster !== undefined) return renderClusterStatus(status.cluster, now, paint);
  if (status.clusterError === undefined) return [];
  return [paint.red(`  cluster  facts not available: ${escapeControl(status.clusterError)}`)];
}

/** A run whose task left the tasks file: "longrun #4, running for 2m (removed from the tasks file; ...)". */
function describeOrphan(run: RunView, now: number): string {
  const elapsed = run.startedAt === null ? null : Math.max(0, now - parseIso(run.startedAt));
  const since = elapsed === null ? '' : `, running for ${formatElapsed(elapsed)}`;
  return `${run.task} #${run.id}${since} (removed from the tasks file; taskkit cancel --run ${run.id} stops it)`;
}

/** "3 added (a, b, c), 1 changed (d), 0 removed, 5 unchanged". */
export function describeReloadSummary(summary: ReloadSummaryView): string {
  const part = (label: string, names: readonly string[], list = true): string =>
    `${names.length} ${label}${list && names.length > 0 ? ` (${names.join(', ')})` : ''}`;
  const parts = [
    part('added', summary.added),
    part('changed', summary.changed),
    part('removed', summary.removed),
    part('unchanged', summary.unchanged, false),
  ];
  return escapeControl(parts.join(', '));
}
