/**
 * `taskkit status` in cluster mode (issue 21, CLUSTER.md section 9): the cluster's hosts with
 * their lease state, version, tasks-file digest, clock offset and last beat; the tasks whose
 * definitions differ between hosts; the watchdog's instants past their deadline that no host ran;
 * and PostgreSQL out of reach. Times are local, as in the rest of `status`.
 */
import type { ClusterHostView, ClusterStatusView } from '../../control/cluster-view.js';
import { escapeControl } from '../../escape-control.js';
import { formatElapsed } from '../../schedule/elapsed.js';
import type { Painter } from '../io.js';
import { renderTable } from './table.js';
import { LOCAL_ZONE, formatInstantShort, formatRelative, parseIso } from './time.js';

/** A clock further than this from the database's: claims are refused `early` (CLUSTER.md section 7). */
export const CLOCK_WARN_MS = 1000;

/** Characters of a host id shown: enough to tell incarnations apart at a glance. */
export const HOST_ID_CHARS = 8;

/** Live hosts first (this one first of them), then leaving, dead, gone; by name within a state. */
const STATE_ORDER: Readonly<Record<ClusterHostView['state'], number>> = { live: 0, leaving: 1, dead: 2, gone: 3 };

/** "live, lease 27s", "leaving, lease 12s", "live, lease ran out 3s ago", "dead: lease expired", "gone: stopped". */
export function describeHostState(host: ClusterHostView): string {
  if (host.state === 'dead' || host.state === 'gone')
    return host.endReason === null ? host.state : `${host.state}: ${host.endReason}`;
  if (host.leaseLeftMs === null) return host.state;
  if (host.leaseLeftMs <= 0) return `${host.state}, lease ran out ${formatElapsed(-host.leaseLeftMs)} ago`;
  return `${host.state}, lease ${formatElapsed(host.leaseLeftMs)}`;
}

/** "+12ms", "-3.2s", "-" before the first beat; past CLOCK_WARN_MS: "+3.2s (over 1s off)", painted yellow. */
export function describeClockOffset(offsetMs: number | null): string {
  if (offsetMs === null) return '-';
  const text = `${offsetMs >= 0 ? '+' : '-'}${formatElapsed(Math.abs(offsetMs))}`;
  if (Math.abs(offsetMs) <= CLOCK_WARN_MS) return text;
  return `${text} (over 1s off)`;
}

/** The lines of the cluster section, each indented as `status`'s rows are. */
export function renderClusterStatus(cluster: ClusterStatusView, now: number, paint: Painter): string[] {
  const self = cluster.self;
  const lines = [
    `  cluster  ${escapeControl(cluster.name)}: this host ${escapeControl(self.hostname)} ` +
      `(${self.hostId.slice(0, HOST_ID_CHARS)}), ${paintSelfState(paint, self.state)}`,
  ];
  if (cluster.unreachable !== null) {
    const since = formatInstantShort(parseIso(cluster.unreachable.since), LOCAL_ZONE, now);
    lines.push(
      paint.red(
        `  PostgreSQL does not answer since ${since}: ${escapeControl(cluster.unreachable.error)}` +
          ' (hosts as last read; only scope: host tasks run)',
      ),
    );
  }
  const hosts = [...cluster.hosts].sort(
    (a, b) =>
      STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
      Number(b.self) - Number(a.self) ||
      a.hostname.localeCompare(b.hostname),
  );
  const table = renderTable(hosts, [
    { header: 'HOST', value: (host) => `${host.hostname}${host.self ? ' *' : ''}` },
    { header: 'ID', value: (host) => host.hostId.slice(0, HOST_ID_CHARS) },
    { header: 'STATE', value: describeHostState, paint: (text, host) => paintHostState(paint, host, text) },
    { header: 'VERSION', value: (host) => host.version },
    { header: 'FILE', value: (host) => host.fileDigest?.slice(0, HOST_ID_CHARS) ?? '-' },
    {
      header: 'CLOCK',
      value: (host) => describeClockOffset(host.clockOffsetMs),
      paint: (text, host) =>
        host.clockOffsetMs !== null && Math.abs(host.clockOffsetMs) > CLOCK_WARN_MS ? paint.yellow(text) : text,
    },
    {
      header: 'LAST BEAT',
      value: (host) => (host.lastBeatAt === null ? '-' : formatRelative(parseIso(host.lastBeatAt), now)),
    },
  ]);
  lines.push(...(hosts.length === 0 ? ['  no hosts'] : table.map((line) => `  ${line}`)));
  if (cluster.splitDefinitions.length > 0) {
    lines.push(paint.yellow('  definitions that differ between hosts (only the published one runs):'));
    for (const split of cluster.splitDefinitions) {
      const at = formatInstantShort(parseIso(split.publishedAt), LOCAL_ZONE, now);
      const differing = split.differingHosts.length === 0 ? '' : `; differs on ${split.differingHosts.join(', ')}`;
      lines.push(`    ${escapeControl(`${split.task}: published by ${split.publishedBy} at ${at}${differing}`)}`);
    }
  }
  if (cluster.missedInstants.length > 0) {
    lines.push(paint.red('  instants past their deadline that no host ran:'));
    for (const missed of cluster.missedInstants) {
      const at = formatInstantShort(parseIso(missed.scheduledAt), LOCAL_ZONE, now);
      const deadline = formatInstantShort(parseIso(missed.deadlineAt), LOCAL_ZONE, now);
      lines.push(`    ${escapeControl(`${missed.task} ${at} (deadline ${deadline})`)}`);
    }
  }
  return lines;
}

function paintSelfState(paint: Painter, state: ClusterStatusView['self']['state']): string {
  if (state === 'live') return paint.green(state);
  if (state === 'fenced' || state === 'dead') return paint.red(`${state} (starts no cluster run)`);
  return paint.yellow(state);
}

function paintHostState(paint: Painter, host: ClusterHostView, text: string): string {
  if (host.state === 'dead') return paint.red(text);
  if (host.state === 'gone') return paint.dim(text);
  if (host.state === 'leaving' || (host.leaseLeftMs !== null && host.leaseLeftMs <= 0)) return paint.yellow(text);
  return paint.green(text);
}
