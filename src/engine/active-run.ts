/** A run the engine is responsible for, from its trigger until it has ended. Internal, mutable. */
import type { TaskHandle, UpstreamRun } from '../task-context.js';
import type { RunHandle, RunRequest } from './ports.js';
import type { HeapNode } from './heap.js';
import type { RunRecord } from './run.js';
import type { LaunchedRun } from './launch.js';
import type { RunChain } from './run-chain.js';
import { RUN_TRANSITIONS, type RunPhase } from './run-phase.js';
import type { TaskEntry } from './task-entry.js';

/** A task as the run flow sees it: its entry, with runs of this class. */
export type Task = TaskEntry<ActiveRun>;

export interface DelayNode extends HeapNode {
  readonly kind: 'delay';
  readonly run: ActiveRun;
}

/**
 * A scheduled function run the fast path (fast-fire.ts) entered before booking it: the flow books
 * the next trigger of `entry` under `runId` and takes launch() for the runner's launch.
 */
export interface PreEntered {
  readonly entry: Task;
  readonly runId: number;
  readonly attempt: number;
  /** The booked run's launch; `output` passes its output on as the runner's listener would have. */
  launch(run: ActiveRun, output: (chunk: Buffer) => void): LaunchedRun;
}

export class ActiveRun {
  /** The latest snapshot; replaced, never mutated, at each transition. */
  record: RunRecord;
  /** A dependency run's upstream run (its retries keep it), else null. */
  readonly upstream: UpstreamRun | null;
  /** The make chain the run is a step of (its retries keep it), else null. */
  readonly chain: RunChain | null;
  handle: Pick<RunHandle, 'cancel'> | null = null;
  /** The concurrency group the run waits in (phase `grouped`) or holds a place in (claiming, running); else null. */
  groupPlace: string | null = null;
  /** Set by the task's handle: one more run right after this one (TaskKit runOnCompletion). */
  runAgain = false;
  /** Taken from the store's queue (Scheduler.startTaken): already this engine's, its claim is not asked. */
  preclaimed = false;
  /** Launched, its pid still to come (RunHandle.whenPid): `run-started` waits for it, or for the end. */
  startUntold = false;
  /** Entered by the fast path before it was booked (fast-fire.ts): launched from there, not by the runner. */
  preEntered: PreEntered | null = null;
  readonly waiters: ((record: RunRecord) => void)[] = [];
  #phase: RunPhase = 'created';
  #entry: Task;
  /** Its place on the timeline while it waits out a jitter or retry delay: made by the first such wait. */
  #delayNode: DelayNode | null = null;
  readonly #seq: number;

  constructor(
    record: RunRecord,
    entry: Task,
    seq: number,
    upstream: UpstreamRun | null = null,
    chain: RunChain | null = null,
  ) {
    this.record = record;
    this.#entry = entry;
    this.upstream = upstream;
    this.chain = chain;
    this.#seq = seq;
  }

  /** The run's node on the timeline for a jitter or retry wait (most runs never wait: none is made for them). */
  get delayNode(): DelayNode {
    return (this.#delayNode ??= { kind: 'delay', run: this, at: 0, seq: this.#seq, heapIndex: -1 });
  }

  /** The task the run belongs to: the one it started for, or the task of the same name that came back (adoptRuns). */
  get entry(): Task {
    return this.#entry;
  }

  /** A removed task came back under its name while this run went on: the run is the new entry's now. */
  belongTo(entry: Task): void {
    this.#entry = entry;
  }

  get phase(): RunPhase {
    return this.#phase;
  }

  /** What the runner gets to start this run. */
  request(handle: TaskHandle): RunRequest {
    const { record, entry } = this;
    return {
      runId: record.id,
      task: entry.spec,
      trigger: record.trigger,
      scheduledAt: record.scheduledAt,
      attempt: record.attempt,
      upstream: this.upstream,
      outputLimitBytes: entry.spec.history.outputLimitBytes,
      handle,
      // The flow enters a function run itself as soon as it holds its handle (EngineLoop.drain).
      callerEnters: true,
    };
  }

  /** Take a transition of run-phase.ts's table; any other move is an engine bug. */
  moveTo(phase: RunPhase): void {
    if (!RUN_TRANSITIONS[this.#phase].includes(phase)) {
      throw new Error(`internal: run #${this.record.id} cannot go from ${this.#phase} to ${phase}`);
    }
    this.#phase = phase;
  }
}
