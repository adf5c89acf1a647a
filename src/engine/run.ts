/** A run as the engine tracks and reports it: the record the store keeps and the CLI shows. */
import type { Instant } from '../schedule/types.js';
import type { RunOutcomeStatus, RunStop, Trigger } from '../runner/types.js';

/**
 * `queued` while waiting for a slot (max-concurrent, overlap `queue`, jitter delay); `running`
 * while going; `skipped` for a trigger that did not start (overlap, hold, deadline...), with the
 * reason in `error`. Every status is stored as it happens (`run-queued`, `run-started`, ...); a
 * `queued` or `running` row found at the next start (the daemon died) becomes `interrupted`.
 */
export type RunStatus = 'queued' | 'running' | 'skipped' | RunOutcomeStatus;

/**
 * The statuses a run fails for good with: what on-failure, failed slots, a `failing` task and
 * `history --failed` count.
 */
export const FAILED_STATUSES = ['failed', 'timed-out', 'interrupted'] as const satisfies readonly RunStatus[];

const FAILED_SET: ReadonlySet<RunStatus> = new Set(FAILED_STATUSES);

/** Whether `status` is one a run fails for good with (FAILED_STATUSES). */
export function failedForGood(status: RunStatus): boolean {
  return FAILED_SET.has(status);
}

export interface RunRecord {
  readonly id: number;
  readonly task: string;
  readonly trigger: Trigger;
  /** The instant the run was due (schedule, catch-up, retry), else null. */
  readonly scheduledAt: Instant | null;
  /** When the trigger happened (the run was created). */
  readonly createdAt: Instant;
  /** When the runner was asked to start it; null while queued and for skipped runs. */
  readonly startedAt: Instant | null;
  readonly endedAt: Instant | null;
  readonly status: RunStatus;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly pid: number | null;
  /**
   * What the run printed (stdout and stderr interleaved), as bytes: not decoded, since a task may
   * print anything (`output.toString()` for UTF-8 text). Empty until the run ends.
   */
  readonly output: Buffer;
  readonly outputTruncated: boolean;
  readonly outputBytes: number;
  /** How taskkit stopped the run (timeout, cancel, replace, shutdown); null if it ended by itself or never ran. */
  readonly stop: RunStop | null;
  /** taskkit's explanation: why it was skipped or dropped, could not start, what a JS task threw... */
  readonly error: string | null;
  readonly result?: unknown;
  /** Only on a skipped record: why, and how many instants it stands for (one history row, issue 16.7). */
  readonly skip?: SkipFacts;
}

/**
 * Why an instant (or a trigger) did not run, as a kind: what history coalesces on and filters by;
 * the words for people are in `error`. `calendar` is for instants a calendar excludes (issue 17);
 * `prerequisite-failed` for the steps of a make chain (`run-now --make`) after the one that failed.
 */
export type SkipReason =
  'held' | 'overlap' | 'deadline' | 'missed' | 'claimed' | 'stopping' | 'calendar' | 'prerequisite-failed';

/**
 * A skipped record's facts: one record may stand for many instants (a held span, instants missed
 * while down, consecutive overlap skips), the first being its `scheduledAt`.
 */
export interface SkipFacts {
  readonly reason: SkipReason;
  /** Instants (or triggers) the record stands for: 1 for one skipped trigger. */
  readonly count: number;
  /** true: more than `count` (counting a very long span stopped there, schedule/task-instants.ts). */
  readonly more: boolean;
  /** The last of them (the first is the record's scheduledAt); null for a trigger without an instant. */
  readonly lastAt: Instant | null;
}

/** The output of a run that has printed nothing (yet): shared, it has no byte to change. */
export const NO_OUTPUT: Buffer = Buffer.alloc(0);
