/**
 * What the cluster glue asks of PostgreSQL (../shared/CLUSTER.md), as one port: the glue is
 * process logic (timers, fencing, reconnects, mapping outcomes to engine verdicts) and is tested
 * against a fake of this; `pg-db.ts` implements it over store/postgres, the only code that speaks
 * SQL. Instants are epoch ms; every timestamp the database writes is its own clock's.
 */
import type { RunRecord } from '../../engine/run.js';
import type { Instant } from '../../schedule/types.js';
import type { ClaimParams } from '../../store/postgres/claims.js';
import type { HostRegistration } from '../../store/postgres/hosts.js';
import type { PublishParams, TaskPolicy } from '../../store/postgres/publish.js';
import type { ReapedHost } from '../../store/postgres/reaper.js';
import type { RunStats, RunSummary } from '../../store/store.js';

export type { HostRegistration, ReapedHost };

/** claim_v1's outcomes (CLUSTER.md section 3). */
export type ClaimOutcome =
  | 'won'
  | 'lost'
  | 'fenced'
  | 'early'
  | 'unknown-task'
  | 'stale-definition'
  | 'stale-schedule'
  | 'held'
  | 'exhausted'
  | 'too-old'
  | 'skipped';

/** claim_v1's request as the glue builds it: `trigger` is the engine's string (pg-db.ts narrows it). */
export type ClaimRequest = Omit<ClaimParams, 'trigger' | 'earlyMs' | 'causeRunId'> & { readonly trigger: string };

export interface ClaimAnswer {
  readonly outcome: ClaimOutcome;
  readonly runId: number | null;
  /** Who won (lost), why skipped, the database time (early), the cluster's fingerprint (stale). */
  readonly detail: string | null;
}

/** A `task` row as the glue needs it. */
export interface TaskRow {
  readonly name: string;
  readonly fingerprint: string;
  readonly publishedBy: string | null;
  readonly publishedByHostname: string | null;
  readonly publishedAt: Instant;
  readonly held: boolean;
  readonly heldUntil: Instant | null;
  readonly holdNote: string | null;
  readonly heldAt: Instant | null;
  /** The run-time reschedule in force (a ScheduleSpec as JSON), or null. */
  readonly reschedule: unknown;
  readonly scheduleRev: number;
  readonly lastScheduledAt: Instant | null;
  readonly scheduledRuns: number;
  readonly revision: number;
}

/** What `publish_v1` is given for one task, its retry policy flat (pg-db.ts nests it). */
export type PublishRequest = Omit<PublishParams, 'policy'> & TaskPolicy;

/** A queued retry taken by take_queued_v1. */
export interface TakenRun {
  readonly runId: number;
  readonly task: string;
  readonly scheduledAt: Instant | null;
  readonly attempt: number;
}

/** A control change of a task row (hold, resume, reschedule); committed with its NOTIFY. */
export type ControlChange =
  | { readonly kind: 'hold'; readonly note: string | null; readonly until: Instant | null; readonly by: string }
  | { readonly kind: 'resume' }
  | { readonly kind: 'reschedule'; readonly schedule: unknown };

/** A host row for `status`. */
export interface HostRow {
  readonly hostId: string;
  readonly hostname: string;
  readonly pid: number;
  readonly version: string;
  readonly fileDigest: string;
  readonly state: 'live' | 'leaving' | 'dead' | 'gone';
  readonly startedAt: Instant;
  readonly beatAt: Instant;
  /** On the database clock: ms until its lease ends (<= 0: ran out). */
  readonly leaseLeftMs: number;
  readonly clockOffsetMs: number | null;
  readonly endReason: string | null;
}

/**
 * The dedicated liveness connection (CLUSTER.md section 4): its session holds the advisory lock,
 * LISTENs and beats. `lost` fires once when the connection fails or ends; then it is dead.
 */
export interface LivenessSession {
  /** A new incarnation: session lock (a fresh random key), LISTEN, host row. The key. */
  register(host: HostRegistration): Promise<string>;
  /** The same incarnation on a new connection: its lock again, LISTEN. */
  reattach(lockKey: string): Promise<void>;
  /** false: 0 rows, this incarnation was reaped. `dbNow`: clock_timestamp() at the beat. */
  beat(hostId: string, leaseMs: number, clockOffsetMs: number): Promise<{ updated: boolean; dbNow: Instant }>;
  setState(hostId: string, state: 'leaving' | 'gone'): Promise<void>;
  onNotify(listener: (payload: string) => void): void;
  onLost(listener: (error: Error) => void): void;
  close(): Promise<void>;
}

/** Whose a run row is: this incarnation, and for `scope: host` tasks the host's stable name. */
export interface RunOwner {
  readonly hostId: string;
  readonly hostname: string;
  readonly scopeHost: string | null;
}

/** Run ids unique in the cluster, served synchronously from prefetched blocks of the sequence. */
export interface RunIdSource {
  /** Resolves once the first block is in. */
  readonly ready: Promise<void>;
  next(): number;
}

/** The cluster's history (every host's runs), newest first. */
export interface ClusterHistory {
  listRuns(task: string, limit: number): Promise<RunSummary[]>;
  getRun(id: number): Promise<RunRecord | null>;
  latestRun(task: string): Promise<RunRecord | null>;
  runStats(task: string): Promise<RunStats>;
  /** Each task's newest run that ran (`list`), with the host that ran it. */
  lastRuns(): Promise<RunSummary[]>;
}

/** The shared pool's side: claims, publishing, control, reads. Each call is one transaction. */
export interface ClusterDb {
  openLiveness(): Promise<LivenessSession>;
  claim(request: ClaimRequest): Promise<ClaimAnswer>;
  publish(request: PublishRequest): Promise<string>;
  /** All task rows (at start), or those changed since `revision` (resync). */
  readTasks(sinceRevision?: number): Promise<TaskRow[]>;
  readTask(name: string): Promise<TaskRow | null>;
  control(task: string, change: ControlChange): Promise<void>;
  notifyCancel(runId: number): Promise<void>;
  /** `cancel NAME`: the task's runs running on other live hosts than `hostId`, with their host. */
  runningElsewhere(task: string, hostId: string): Promise<(RunRecord & { readonly host?: string })[]>;
  reap(goneAfterMs: number, trusted: boolean): Promise<ReapedHost[]>;
  takeQueued(hostId: string, hostname: string, tasks: readonly string[]): Promise<TakenRun | null>;
  listHosts(): Promise<HostRow[]>;
  setHostTasks(hostId: string, tasks: readonly string[]): Promise<void>;
  runIds(): RunIdSource;
  /** The watchdog's question: which of the task's instants have a row (any attempt or status). */
  instantsWithRows(task: string, instants: readonly Instant[]): Promise<Set<Instant>>;
  /** A restart's question: the latest instant in (after, upTo] with a row, or null. */
  latestInstantWithRow(task: string, after: Instant, upTo: Instant): Promise<Instant | null>;
  /** Queue the run's row (upsert by id; batched, in order, retried through an outage). */
  writeRun(run: RunRecord, owner: RunOwner): void;
  /**
   * The instant's skipped row for a run this host skipped by itself (overlap: skip, its own run
   * still going), unless the instant has a row; not retried (an outage's instants are excused).
   */
  recordInstantSkip(run: RunRecord, owner: RunOwner): void;
  flushRuns(): Promise<void>;
  /** PostgreSQL answers again: write the queued run rows now, not after the writer's pause. */
  retryRunWritesNow?(): void;
  readonly history: ClusterHistory;
  close(): Promise<void>;
}
