/**
 * Cluster mode as JSON (issue 21, CLUSTER.md sections 4, 6, 8 and 9): what `status` says of the
 * cluster (its hosts, their leases, versions and clocks, split definitions, the watchdog's missed
 * instants, PostgreSQL out of reach) and what `list`/`show` say of a task's place in it. The
 * daemon's cluster glue gives these through DaemonControl's optional hooks; outside cluster mode
 * they are absent, and so are the fields.
 */

/** A host row's state (CLUSTER.md section 2): `dead` was reaped, `gone` stopped gracefully. */
export type HostStateName = 'live' | 'leaving' | 'dead' | 'gone';

/** One daemon incarnation of the cluster (a `host` row). */
export interface ClusterHostView {
  /** os.hostname() of the machine. */
  readonly hostname: string;
  /** The incarnation's random id (a UUID; `status` shows its first 8 characters). */
  readonly hostId: string;
  readonly state: HostStateName;
  /** This daemon's own row. */
  readonly self: boolean;
  /** live or leaving: ms until its lease ends, on the database clock (<= 0: ran out, not reaped yet); else null. */
  readonly leaseLeftMs: number | null;
  /** dead or gone: why it ended ("lease expired", "process died", "stopped"); else null. */
  readonly endReason: string | null;
  /** The taskkit version it runs. */
  readonly version: string;
  /** A digest of the task definitions it loaded (equal digests: equal files), or null when not known. */
  readonly fileDigest: string | null;
  /** Its clock minus the database's, measured at its last beat (ms); null before the first. */
  readonly clockOffsetMs: number | null;
  /** Its last heartbeat (ISO), null before the first. */
  readonly lastBeatAt: string | null;
  /** When this incarnation registered (ISO). */
  readonly startedAt: string;
}

/** A task whose published definition some host's file does not match (CLUSTER.md section 6). */
export interface SplitDefinitionView {
  readonly task: string;
  /** The hostname that published the definition in force, and when (ISO). */
  readonly publishedBy: string;
  readonly publishedAt: string;
  /** Hostnames known to have another definition (they do not run the task); this host's when its file differs. */
  readonly differingHosts: readonly string[];
}

/** An instant past its deadline that no host claimed: no row (the watchdog, CLUSTER.md section 8). */
export interface MissedInstantView {
  readonly task: string;
  /** The scheduled instant and the deadline it passed (ISO). */
  readonly scheduledAt: string;
  readonly deadlineAt: string;
}

/** `status` in cluster mode: the `cluster` member of its reply. */
export interface ClusterStatusView {
  /** settings.cluster.name: the schema and NOTIFY channel. */
  readonly name: string;
  /** This daemon: its hostname, incarnation id, and state as it sees it (`fenced`: it stopped claiming). */
  readonly self: {
    readonly hostname: string;
    readonly hostId: string;
    readonly state: HostStateName | 'registering' | 'fenced';
  };
  /** Every host row the cluster keeps (live first is the formatter's business), from the last good read. */
  readonly hosts: readonly ClusterHostView[];
  readonly splitDefinitions: readonly SplitDefinitionView[];
  readonly missedInstants: readonly MissedInstantView[];
  /** PostgreSQL does not answer: since when (ISO) and the last error; null when it answers. */
  readonly unreachable: { readonly since: string; readonly error: string } | null;
}

/** A task's place in the cluster (`list --json`, `show --json`: the task's `cluster` member). */
export interface TaskClusterView {
  /** `scope:` (absent in the file: `cluster`; @reboot tasks behave as `host`). */
  readonly scope: 'cluster' | 'host';
  /** This host's definition differs from the published one (it does not run the task); null when they agree. */
  readonly definitionDiffers: { readonly publishedBy: string; readonly publishedAt: string } | null;
}
