/**
 * The Store (DESIGN.md "State and history"): what must survive a restart, and run history. An
 * interface of plain data in and out, so that a PostgreSQL store ("Beyond one machine") is a second
 * implementation, not a rewrite. sqlite-store.ts is the first.
 */
import type { AlertEvent, NotifyTarget, TaskSpec } from '../config/types.js';
import type { AlertState, JoinState, RestoredTaskState } from '../engine/ports.js';
import type { RunRecord } from '../engine/run.js';
import type { StopCause } from '../engine/ports.js';
import type { Instant, ScheduleSpec } from '../schedule/types.js';

/** A run without its output: what tables and lists need (output can be 256 KiB per run). */
export type RunSummary = Omit<RunRecord, 'output'>;

/** `history [NAME] [--failed] [--since D] [-n N]`. Newest first. */
export interface RunFilter {
  /** Only this task's runs. */
  readonly task?: string;
  /** Only runs that failed for good: `failed`, `interrupted`, or stopped by their timeout (`timed-out`). */
  readonly failed?: boolean;
  /** Only skipped rows (instants or triggers that did not run, and why). */
  readonly skipped?: boolean;
  /** Only runs taskkit stopped for this cause. */
  readonly stopCause?: StopCause;
  /** Only runs created (triggered) at or after this instant. */
  readonly since?: Instant;
  /** At most this many; default DEFAULT_RUN_LIMIT. */
  readonly limit?: number;
}

/** Runs a history listing returns when no limit is given. */
export const DEFAULT_RUN_LIMIT = 50;

/** `show NAME`: how a task's kept runs ended. Skipped, cancelled and unfinished runs are not counted. */
export interface RunStats {
  readonly task: string;
  readonly succeeded: number;
  /** `failed`, `timed-out` and `interrupted` runs. */
  readonly failed: number;
  /** succeeded / (succeeded + failed), or null when there is neither. */
  readonly successRate: number | null;
}

/** A hold as the engine keeps it. */
export interface StoredHold {
  readonly note: string | null;
  readonly at: Instant;
  /** When it ends by itself (`hold --for/--until`), or null: until resume. */
  readonly until: Instant | null;
}

/** What the store keeps of a task between runs of the daemon. */
export interface TaskStateRecord {
  readonly name: string;
  /** definitionFingerprint() (config/definition.ts) of the definition this state was saved under. */
  readonly fingerprint: string;
  /** The tasks file's `hold:` when saved: a changed `hold:` in the file wins over the saved hold. */
  readonly fileHold: boolean;
  /** null: not held (a `resume` outlives the file's `hold: true`). */
  readonly hold: StoredHold | null;
  /** A run-time reschedule in force, or null for the file's schedule. */
  readonly reschedule: ScheduleSpec | null;
  readonly lastScheduledAt: Instant | null;
  /** Scheduled runs started so far (for `max-runs`). */
  readonly scheduledRuns: number;
  /** Consecutive failed slots (for `hold-after-failures`). */
  readonly failedSlots: number;
  /** Which alerts of `notify:` were sent (engine/alerts.ts). */
  readonly alerts: AlertState;
  /** `after-all:` which parents succeeded since the join's wait began (engine/join.ts); absent without after-all. */
  readonly join?: JoinState;
}

/** A TaskStateRecord as stored, with when the daemon last saved it (it knew the task then). */
export interface SavedTaskState extends TaskStateRecord {
  readonly savedAt: Instant;
  /** What was stored but cannot be used (a reschedule that is not a schedule), dropped when read; else absent. */
  readonly unusable?: string;
}

/** Where a delivery stands: written `pending` with the alert, then `delivered` or `failed` once. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One alert sent (or to send) to one notifier: a row of `taskkit alerts`. */
export interface DeliveryRecord {
  readonly id: number;
  readonly task: string;
  readonly event: AlertEvent;
  /** The run the alert is about (Alert.run), or null (overdue). */
  readonly runId: number | null;
  /** Alert.failures: consecutive failed slots when it was decided. */
  readonly failures: number;
  readonly overdueSince: Instant | null;
  readonly notifier: NotifyTarget['kind'];
  /** The notifier in words, without secrets: a URL's user:password is never stored. */
  readonly target: string;
  /** When the engine decided the alert. */
  readonly decidedAt: Instant;
  readonly status: DeliveryStatus;
  /** Tries so far (a `url:` is tried up to 3 times); 0 while pending. */
  readonly attempts: number;
  readonly finishedAt: Instant | null;
  /** Why it failed (last attempt), else null. */
  readonly error: string | null;
}

/** Delivery rows kept: the newest ones; pending rows are never pruned. */
export const DELIVERIES_KEPT = 1_000;

/**
 * A task's restored state (the engine's port, for `scheduler.add`), and a line for the log when something saved was
 * dropped.
 */
export interface TaskRestore {
  readonly state: RestoredTaskState;
  readonly notice: string | null;
}

/**
 * Writes (`save*`) may be queued and batched: they never throw for a storage failure (that is
 * logged and retried); reads see every write made before them. A read-only store (the offline
 * CLI) throws STORE_UNAVAILABLE on writes.
 */
export interface Store {
  /** Where the data lives (a file path, a URL without password), for messages. */
  readonly location: string;
  readonly readOnly: boolean;

  /** The id the engine's next run takes (SchedulerOptions.firstRunId): ids never repeat. */
  nextRunId(): number;
  /** Start-up: runs left `running` or `queued` by a daemon that died become `interrupted`; returns them. */
  markInterrupted(at: Instant): RunSummary[];
  /** Insert or update a run (every field); then keep only the task's last `keep` runs, when given. */
  saveRun(run: RunRecord, keep?: number): void;
  /**
   * Delete a run's row, queued like a save: a skip folded into the row of the skips before it
   * (skip-rows.ts) that had a row of its own while it waited.
   */
  forgetRun(id: number): void;
  /** Delete all but the last `keep` runs of `task`; returns how many went. */
  pruneRuns(task: string, keep: number): number;
  getRun(id: number): RunRecord | null;
  /** The task's newest run (any status; `logs NAME` shows it), or null. */
  latestRun(task: string): RunRecord | null;
  /** Newest first. */
  listRuns(filter?: RunFilter): RunSummary[];
  /**
   * The newest run of each task that ran (`list`: last result and when), by task name: started
   * and ended, so a skipped trigger ("skipped: missed 3 instants") never hides the real last result.
   */
  lastRuns(): RunSummary[];
  runStats(task: string): RunStats;

  saveTaskState(record: TaskStateRecord): void;
  loadTaskState(name: string): SavedTaskState | null;
  /** The saved state of `spec`'s task for `scheduler.add`, by the rules of task-restore.ts. */
  restoreTask(spec: TaskSpec): TaskRestore;

  /** The id the next delivery takes: ids never repeat. */
  nextDeliveryId(): number;
  /**
   * Queue a delivery row (insert or update by id). Queued with the engine's writes of the same turn,
   * so a `pending` row shares the transaction of the alert state that decided it.
   */
  saveDelivery(record: DeliveryRecord): void;
  /** Newest first, at most `limit`, only `task`'s when given. */
  listDeliveries(filter?: { readonly task?: string; readonly limit?: number }): DeliveryRecord[];
  /** Rows still `pending` (a daemon stopped before delivering them), oldest first. */
  pendingDeliveries(): DeliveryRecord[];

  /** The boot whose `@reboot` tasks were fired (daemon/reboot-tasks.ts), or null: none recorded. */
  lastBootId(): string | null;
  /** Record that this boot's `@reboot` tasks were fired: written at once, after every queued write. */
  saveBootId(id: string): void;

  /** Write everything queued now. */
  flush(): void;
  /** Flush, then release the database. Further writes are dropped with a warning. */
  close(): void;
}
