/** What the run flow (run-flow.ts) is handed: its options, and those of one trigger. */
import type { Instant } from '../schedule/types.js';
import type { TaskHandle, UpstreamRun } from '../task-context.js';
import type { ActiveRun } from './active-run.js';
import type { Clock } from './clock.js';
import type { Emitter } from './emitter.js';
import type { LogFunction, RunClaim, Runner } from './ports.js';
import type { RunChain } from './run-chain.js';
import type { Timeline } from './timeline.js';
import type { TurnCommit } from './turn-commit.js';

/** What the flow works with: ports and collaborators handed down, never called back up. */
export interface RunFlowOptions {
  readonly clock: Clock;
  readonly runner: Runner;
  /** The store's claim step before a run starts, or null (no store, or one that needs none). */
  readonly claim: RunClaim | null;
  /** Holds a turn's claimed runs until their commit (ports.ts ClaimCommit), or null: no commit, launch at once. */
  readonly turn: TurnCommit | null;
  readonly emitter: Emitter;
  readonly timeline: Timeline;
  readonly log: LogFunction;
  readonly random: () => number;
  /** A scheduled run's jitter draw in [0, 1) from (task, instant), instead of `random` (SchedulerOptions). */
  readonly jitterOf: ((task: string, instant: Instant) => number) | null;
  readonly maxConcurrent: number;
  /** `settings.groups`: name -> most runs of its tasks at once (setGroupLimits changes it). */
  readonly groups?: Readonly<Record<string, number>>;
  readonly nextRunId: () => number;
  /** The handle a run's own code gets on its task (task-handle.ts; it acts through the Scheduler's API). */
  readonly createHandle: (run: ActiveRun) => TaskHandle;
}

export interface TriggerOptions {
  /** Wait a random `jitter` before starting (scheduled runs only). */
  readonly jitter?: boolean;
  /** One after another with the task's other runs, whatever `overlap` says (catch-up: all). */
  readonly serial?: boolean;
  /** A dependency run: the run whose end triggered it (TASKKIT_UPSTREAM_*). */
  readonly upstream?: UpstreamRun;
  /** A step of a make chain (`run-now --make`): its retries stay in it (engine/make-chain.ts). */
  readonly chain?: RunChain;
  /** A run the store already gave this engine (its id and attempt): started without asking the claim. */
  readonly taken?: { readonly runId: number; readonly attempt: number };
}
