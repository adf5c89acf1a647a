/**
 * What `status` says of the cluster (../shared/CLUSTER.md section 9), as control/cluster-view.ts
 * words it: this host as it sees itself (live, fenced, leaving), the hosts' rows with their lease
 * state, version, file digest, clock offset and last beat, the tasks whose published definition is
 * another host's, and since when PostgreSQL does not answer. Hosts come from the last good read,
 * so `status` still says something while PostgreSQL is away.
 */
import type { TaskSpec } from '../../config/types.js';
import type {
  ClusterHostView,
  ClusterStatusView,
  MissedInstantView,
  TaskClusterView,
} from '../../control/cluster-view.js';
import type { ClusterDb, HostRow } from './cluster-db.js';
import type { Liveness } from './liveness.js';
import type { TaskRows } from './task-rows.js';

export interface StatusSources {
  readonly db: Pick<ClusterDb, 'listHosts'>;
  readonly liveness: Pick<Liveness, 'hostId' | 'outage' | 'selfState'>;
  readonly rows: TaskRows;
  readonly name: string;
  readonly hostname: string;
  readonly isHostScoped: (spec: TaskSpec) => boolean;
  /** The watchdog's last findings (watchdog.ts); none before the engine is attached. */
  readonly missed?: () => readonly MissedInstantView[];
}

const iso = (at: number): string => new Date(at).toISOString();

/** `status`'s cluster member; `specs` are this host's tasks. */
export function clusterStatusReader(
  sources: StatusSources,
): (specs: readonly TaskSpec[]) => Promise<ClusterStatusView> {
  let lastHosts: readonly HostRow[] = [];
  return async (specs) => {
    lastHosts = await sources.db.listHosts().catch(() => lastHosts);
    const self = sources.liveness.hostId();
    const outage = sources.liveness.outage();
    return {
      name: sources.name,
      self: { hostname: sources.hostname, hostId: self, state: sources.liveness.selfState() },
      hosts: lastHosts.map((host) => hostView(host, self)),
      splitDefinitions: sources.rows.splits(specs).map((split) => ({
        task: split.task,
        publishedBy: split.publishedBy ?? 'unknown',
        publishedAt: iso(split.publishedAt),
        differingHosts: [sources.hostname],
      })),
      missedInstants: sources.missed?.() ?? [],
      unreachable: outage === null ? null : { since: iso(outage.since), error: outage.error },
    };
  };
}

/** A task's place in the cluster, for `list` and `show`. */
export function taskClusterView(
  spec: TaskSpec,
  sources: Pick<StatusSources, 'rows' | 'isHostScoped'>,
  fingerprintOf: (spec: TaskSpec) => string,
): TaskClusterView {
  if (sources.isHostScoped(spec)) return { scope: 'host', definitionDiffers: null };
  const row = sources.rows.get(spec.name);
  const differs = row !== undefined && row.fingerprint !== fingerprintOf(spec);
  return {
    scope: 'cluster',
    definitionDiffers: differs
      ? { publishedBy: row.publishedByHostname ?? row.publishedBy ?? 'unknown', publishedAt: iso(row.publishedAt) }
      : null,
  };
}

function hostView(host: HostRow, self: string): ClusterHostView {
  const live = host.state === 'live' || host.state === 'leaving';
  return {
    hostname: host.hostname,
    hostId: host.hostId,
    state: host.state,
    self: host.hostId === self,
    leaseLeftMs: live ? host.leaseLeftMs : null,
    endReason: live ? null : host.endReason,
    version: host.version,
    fileDigest: host.fileDigest,
    clockOffsetMs: host.clockOffsetMs,
    lastBeatAt: iso(host.beatAt),
    startedAt: iso(host.startedAt),
  };
}
