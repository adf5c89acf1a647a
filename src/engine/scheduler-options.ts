/** What a Scheduler is made with (DESIGN.md "Layers": the engine's clock and runner are injected). */
import type { TaskSpec } from '../config/types.js';
import type { Instant } from '../schedule/types.js';
import type { Clock } from './clock.js';
import type { ClaimCommit, LogFunction, RunClaim, Runner } from './ports.js';

export interface SchedulerOptions {
  clock: Clock;
  runner: Runner;
  /** The store's claim step before each run starts (engine/ports.ts); default none. */
  claim?: RunClaim;
  /** Makes the claims of one engine turn durable before their runs start (ports.ts); default none. */
  claimCommit?: ClaimCommit;
  /** Runs at once across all tasks; default 8. */
  maxConcurrent?: number;
  /** Concurrency groups (`settings.groups`): name -> most runs of its tasks at once; default none. */
  groups?: Readonly<Record<string, number>>;
  log?: LogFunction;
  /** [0, 1) numbers for jitter; default Math.random. */
  random?: () => number;
  /**
   * The jitter draw in [0, 1) of a scheduled run from its task and instant, used instead of `random`
   * when given (cluster mode: policies/jitter.ts instantJitter, the same on every host). Runs without
   * an instant (retries keep theirs, but wait their backoff, not jitter) never jitter.
   */
  jitterOf?: (task: string, instant: Instant) => number;
  /** Id of the first run; default 1 (a store continues its numbering). Ignored when `nextRunId` is given. */
  firstRunId?: number;
  /**
   * Where run ids come from, one call per id (cluster mode: blocks from a sequence, never repeated
   * across hosts); default a counter from `firstRunId`. Ids must be unique for the engine's life.
   */
  nextRunId?: () => number;
  /**
   * Enter due function tasks before booking their runs (engine/fast-fire.ts, issue 20): for a
   * runner whose function runs are taskkit's own (the library's). Ignored with `claim` or
   * `claimCommit`, whose answer must come before a run starts. Default false.
   */
  fastFunctions?: boolean;
  /**
   * A restart's missed instants of a task, in (after, upTo], before they are caught up: true takes
   * them from the engine (cluster mode: other hosts may have run them), which then catches up only
   * what the caller hands back through `Scheduler.catchUpRestart`. Default none: caught up at start().
   */
  restartCatchUp?: (task: TaskSpec, range: { readonly after: Instant; readonly upTo: Instant }) => boolean;
}

export const DEFAULT_MAX_CONCURRENT = 8;

/** Run ids counted up from `first` (a single host: the store continues its numbering). */
export function runIdCounter(first: number): () => number {
  let next = first;
  return () => next++;
}

/** What `Scheduler.start` is told by its caller. */
export interface StartOptions {
  /**
   * `fire` (default): run the `@reboot` tasks now. `skip`: the daemon knows this boot's were run
   * by an earlier daemon (daemon/reboot-tasks.ts); they are not run and leave no record, since the
   * boot they stand for already has its run. The engine has no idea of boots.
   */
  readonly rebootTasks?: 'fire' | 'skip';
}
