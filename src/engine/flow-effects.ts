/**
 * What the run flow reports instead of calling back up into the scheduler: plain data, queued in
 * the order it happened, that the scheduler drains after each call into the flow (scheduler.ts
 * `#drain`). The flow decides a run's life; what that means for tasks is the scheduler's to apply.
 */
import type { ActiveRun, Task } from './active-run.js';
import type { LaunchedRun } from './launch.js';
import type { ClaimVerdict } from './ports.js';
import type { RunRecord } from './run.js';

export type FlowEffect =
  /** Something a task-changed listener may care about changed (the scheduler dedupes). */
  | { readonly kind: 'task-changed'; readonly entry: Task }
  /** A counted run ended without starting: the task that looked done may have instants again. */
  | { readonly kind: 'budget-released'; readonly entry: Task }
  /**
   * A run ended (not dropped). Dependency triggers follow from it unless `sequel` says otherwise:
   * `retried` (a retry of it is now waiting: no on-failure yet) or `stopped` (stopped on purpose:
   * no retry and no on-failure, run-flow.ts). `null`: its status decides.
   */
  | {
      readonly kind: 'run-ended';
      readonly run: ActiveRun;
      readonly record: RunRecord;
      readonly sequel: 'retried' | 'stopped' | null;
    }
  /**
   * The store's claim yielded the run: it ended unstarted and unrecorded, with no sequel (no
   * dependency triggers, no slot of the task's health); only the loop's bookkeeping of ended runs
   * (a removed task's last run, the stop gate) follows.
   */
  | { readonly kind: 'run-yielded'; readonly run: ActiveRun; readonly record: RunRecord }
  /**
   * The runner has the run: enter it (a function task's code runs now) and hand its outcome back to
   * `RunFlow.finish`, at once when the entry ended it, else when `done` settles.
   */
  | { readonly kind: 'launched'; readonly run: ActiveRun; readonly launched: LaunchedRun }
  /** The store's claim is a promise: hand its verdict back to `RunFlow.claimSettled` when it settles. */
  | { readonly kind: 'claim-pending'; readonly run: ActiveRun; readonly verdict: PromiseLike<ClaimVerdict> };
