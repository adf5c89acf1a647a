/**
 * The engine's ports (DESIGN.md "Layers": the engine needs a clock and a runner, both injected):
 * what it asks of the world around it and what it hands out. The one place the store, the daemon
 * and the control layer import these contracts from. The runner's own types stay in
 * runner/types.ts (runner/ may not import the engine, its clock aside); this module is their home for everyone else.
 */
import type { Instant, ScheduleSpec } from '../schedule/types.js';
import type { EngineEvents } from './events.js';
import type { JoinState } from './join.js';
import type { RunRecord } from './run.js';
import type { AlertState } from './task-state.js';

export type {
  CancelReason,
  OutputListener,
  RunHandle,
  RunOutcome,
  RunOutcomeStatus,
  RunRequest,
  Runner,
  RunStop,
  StopCause,
  Trigger,
} from '../runner/types.js';
export type { Clock, TimerHandle } from './clock.js';
export type { Alert, EngineEventName, EngineEvents, EngineListener } from './events.js';
export type { AlertState } from './task-state.js';
export type { JoinParent, JoinState } from './join.js';

export type LogLevel = 'info' | 'warn' | 'error';

/** Where the engine, the store, the control server and the daemon write their log lines. */
export type LogFunction = (level: LogLevel, message: string) => void;

/** What a store hands back for a task after a restart, given to `scheduler.add(spec, state)`. */
export interface RestoredTaskState {
  readonly lastScheduledAt?: Instant | null;
  /** null: not held (a resume outlives the file's `hold: true`); absent: the file decides. */
  readonly hold?: { note: string | null; at: Instant; until?: Instant | null } | null;
  /** A run-time reschedule still in force. */
  readonly schedule?: ScheduleSpec | null;
  readonly scheduledRuns?: number;
  /** When a run of the task last succeeded (the newest succeeded run in the history). */
  readonly lastSuccessAt?: Instant | null;
  /** Consecutive failed slots, for `hold-after-failures`. */
  readonly failedSlots?: number;
  /** Which alerts of `notify:` were sent (engine/alerts.ts); absent: none. */
  readonly alerts?: AlertState;
  /** `after-all:` which parents had succeeded since the join's wait began (engine/join.ts); absent: none. */
  readonly join?: JoinState;
}

/** The engine events a store persists. */
export type StoreEvents = Pick<
  EngineEvents,
  'run-queued' | 'run-started' | 'run-finished' | 'run-skipped' | 'run-yielded' | 'task-changed'
>;

/** Something that emits the store's events (the Scheduler's `on`). */
export interface StoreEventSource {
  on<E extends keyof StoreEvents>(event: E, listener: (...args: StoreEvents[E]) => void): () => void;
}

/**
 * A store's say just before a run starts:
 * - `true`: go.
 * - `{ refused }`: it must not run (past a deadline the store enforces, an overlap across hosts): the run
 *   is recorded as skipped with that reason (kind `claimed`).
 * - `{ yielded }`: it is not this engine's to run or record (a cluster peer claimed the same task,
 *   instant and attempt; the task is held or redefined elsewhere; this host is fenced): the run is
 *   dropped with nothing recorded (no run-skipped, no history row), its slot, group place and
 *   `max-runs` budget are released, and `run-yielded` tells who listens.
 * - `{ retryAt }`: asked too early (the store's clock is behind ours): the run waits, `queued` and
 *   holding no slot, and its claim is asked again at that instant (never sooner than
 *   MIN_CLAIM_RETRY_MS from the answer).
 */
export type ClaimVerdict =
  true | { readonly refused: string } | { readonly yielded: string } | { readonly retryAt: Instant };

/** The shortest wait before a claim answered `{ retryAt }` is asked again: an answer in the past cannot spin. */
export const MIN_CLAIM_RETRY_MS = 100;

/**
 * The claim step (DESIGN.md "Beyond one machine"). Given the run as it will be stored once
 * started (status `running`, pid null). SQLite answers at once (a value: the engine goes on in the
 * same turn, no microtask); a remote store answers with a promise, and the run waits in the
 * `claiming` phase, holding its max-concurrent slot, until it settles. The record's id is the run's
 * for good: a retry of the claim (`{ retryAt }`) is asked with the same id and attempt.
 */
export type RunClaim = (run: RunRecord) => ClaimVerdict | PromiseLike<ClaimVerdict>;

/**
 * Makes every claim answered since the last call durable, in one go (the SQLite journal: one commit
 * per engine turn, not one per run). Given with a claim, a run the claim answered `true` is handed to
 * the runner only after this returned: the engine calls it once at the end of each turn (a wake, an
 * API call, a run's end) and then launches the runs claimed in that turn. Without it a `true` launches
 * at once (the claim made its run durable itself).
 */
export type ClaimCommit = () => void;

/** A run the store's queue gave this engine (Scheduler.startTaken): its id, task, instant and attempt. */
export interface TakenRun {
  readonly runId: number;
  readonly task: string;
  readonly scheduledAt: Instant | null;
  readonly attempt: number;
}
