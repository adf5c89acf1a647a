/**
 * The context a function or JS-module task receives: TaskKit's Task API in today's idiom.
 * Types only, so that config/, runner/ and module authors (`import type { TaskContext } from
 * 'taskkit'`) share one definition without importing each other.
 */
import type { Instant } from './schedule/types.js';

/** Why a run was started. */
export type Trigger = 'schedule' | 'manual' | 'retry' | 'dependency' | 'catch-up' | 'reboot';

/**
 * The run whose end started a dependency run (`after:`, `on-success:`, `on-failure:`): what its
 * TASKKIT_UPSTREAM_* variables say. Its status is how that run ended (`succeeded` for `after:` and
 * `on-success:`; `failed`, `timed-out` or `interrupted` for `on-failure:`).
 */
export interface UpstreamRun {
  readonly task: string;
  readonly runId: number;
  readonly status: 'succeeded' | 'failed' | 'timed-out' | 'interrupted';
  /** The process's exit code (0/1 for function and module tasks); null when a signal or a stop ended it. */
  readonly exitCode: number | null;
}

/** A task's handle on its own schedule (TaskKit's setPeriod / runOnCompletion / disable). */
export interface TaskHandle {
  /** Change the task's period at run time, e.g. "10m" or ms (like `taskkit reschedule --every`). */
  setPeriod(period: string | number): void;
  /** Run the task once more as soon as this run completes. */
  runOnCompletion(): void;
  /** Hold the task: no scheduled runs until `taskkit resume` (like `taskkit hold`). */
  hold(note?: string): void;
}

/** What a function or module task is called with. */
export interface TaskContext<Args = unknown> {
  /** The task's name. */
  readonly name: string;
  /** This run's id. */
  readonly runId: number;
  /** `args:` from the tasks file (null when absent). */
  readonly args: Args;
  /** The instant this run was scheduled for, or null for manual and dependency runs. */
  readonly scheduledAt: Instant | null;
  /** Why the run started. */
  readonly trigger: Trigger;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  /** For a dependency run (and its retries), the run whose end started it; null otherwise. */
  readonly upstream: UpstreamRun | null;
  /** Aborted on cancel, timeout or shutdown. */
  readonly signal: AbortSignal;
  /** TaskKit's cooperative check: false once the run should stop. */
  proceed(): boolean;
  /** Write a line into the run's output. */
  log(...values: unknown[]): void;
  /** This task's own schedule. */
  readonly handle: TaskHandle;
}

/** The function a function or module task exports. */
export type TaskFunction<Args = unknown> = (ctx: TaskContext<Args>) => unknown;
