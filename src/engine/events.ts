/** The engine's events: what the store, the control socket and the CLI subscribe to. */
import type { AlertEvent, NotifySpec } from '../config/types.js';
import type { Instant } from '../schedule/types.js';
import type { RunRecord } from './run.js';
import type { TaskStatus } from './task-state.js';

export interface EngineEvents {
  /**
   * A run has to wait (status `queued`): a jitter or retry delay, the max-concurrent queue, or
   * behind the task's other runs. Stored, so that a crash cannot lose it without a trace.
   */
  'run-queued': [run: RunRecord];
  /**
   * A run was handed to the runner (status `running`). A process run whose pid comes later (the
   * daemon's spawner: RunHandle.whenPid) is told once its pid is known, or just before its end.
   */
  'run-started': [run: RunRecord];
  /**
   * A chunk of a running run's output, the bytes as the task wrote them. The chunk is the pipe's
   * own Buffer: use it during the call, copy what must be kept (a slice would hold its whole pool).
   */
  'run-output': [run: RunRecord, chunk: Buffer];
  /**
   * A run ended (failed or timed out) and its retry now waits until `at` (the retry's record is
   * `queued`, attempt + 1): how a follower of the run (`run-now --wait`) goes on to the retry.
   * Emitted after the failed run's `run-finished`.
   */
  'run-retrying': [failed: RunRecord, retry: RunRecord, at: Instant];
  /** A run ended (any final status but `skipped`). */
  'run-finished': [run: RunRecord];
  /** A trigger that did not start a run, with the reason in `run.error`. */
  'run-skipped': [run: RunRecord];
  /**
   * The store's claim yielded the run (ports.ts ClaimVerdict `{ yielded }`: a cluster peer has it,
   * or it is not this host's to run now): dropped, never started, and recorded nowhere (no
   * run-skipped, no run-finished). `run` is its last record (status `skipped`, `error` = `why`),
   * as `waitForRun` gives it; the store forgets the `queued` row it may have written (store/attach.ts).
   */
  'run-yielded': [run: RunRecord, why: string];
  /** A task's state, next instant, hold or schedule changed. */
  'task-changed': [task: TaskStatus];
  /**
   * Dead-man (`expect-success-within`): no run of the task succeeded since `since` for the task's
   * whole period; due at `dueAt`. Once per overdue period: the next is after a `recovery`.
   */
  overdue: [task: TaskStatus, since: Instant, dueAt: Instant];
  /** The first success of an overdue task (`run`), which was overdue from `overdueSince`. */
  recovery: [task: TaskStatus, run: RunRecord, overdueSince: Instant];
  /**
   * `hold-after-failures`: the task's last `failures` scheduled slots failed, so it is now held
   * (note `auto-held after N consecutive failures`). `run` is the last attempt of the last slot.
   * Emitted after that run's `run-finished` and the task's `task-changed`.
   */
  'auto-hold': [task: TaskStatus, failures: number, run: RunRecord];
  /**
   * An alert the task's `notify:` rules say to send now (engine/alerts.ts decides; the daemon
   * delivers and records it). Emitted after the event that caused it (`run-finished`, `overdue`,
   * `recovery`, `auto-hold`) and after the task's alert state changed (`task-changed`).
   */
  alert: [alert: Alert];
  /** The engine noticed the wall clock jump (ms; positive = forward). */
  'clock-jump': [jumpMs: number];
}

export type EngineEventName = keyof EngineEvents;
export type EngineListener<E extends EngineEventName> = (...args: EngineEvents[E]) => void;

/** One alert to deliver: the facts a notifier is given (TASKKIT_EVENT_*, the JSON of `url:`). */
export interface Alert {
  readonly event: AlertEvent;
  readonly task: string;
  /** When the engine decided it (its clock). */
  readonly at: Instant;
  /** The task's notifier when the alert was decided. */
  readonly notify: NotifySpec;
  /** The failed run (failure, auto-hold: the slot's last attempt), the succeeded one (recovery), null (overdue). */
  readonly run: RunRecord | null;
  /**
   * Consecutive failed slots: now (failure, auto-hold, overdue); for a recovery, those the success ended
   * (0 when a run-now or dependency run ended an overdue period: such runs are no slots).
   */
  readonly failures: number;
  /** overdue, and a recovery from it: since when no run succeeded. */
  readonly overdueSince?: Instant;
}
