/**
 * The life of one run, shared by process and JS runs (DESIGN.md "Runs"): the timeout, a stop with
 * its cause, the escalation once kill-after has passed, and a single end. It keeps the facts of
 * the stop (RunStop); runner/outcome.ts words them. Time comes from the injected clock, so its
 * timers run on the fake clock in tests, and long waits are chained (setLongTimer).
 *
 * One rule for two stops (issue 15 point 10; README "Timeouts, cancel and retries"): a deliberate
 * stop (cancel, replace, shutdown) that comes while a timed-out run is in its kill-after overtakes
 * the timeout. The run ends `cancelled`, so it is neither retried nor a trigger of `on-failure`,
 * and its stop keeps `timedOutAfterMs`. Nothing more is sent: the SIGTERM went at the timeout and
 * the SIGKILL still comes kill-after after it. A stop after a deliberate one changes nothing.
 */
import { createSystemClock, setLongTimer, type Clock } from '../engine/clock.js';
import type { Instant } from '../schedule/types.js';
import type { RunHandle, RunOutcome, RunStop, StopCause } from './types.js';

/** What a run does when it is stopped; the lifecycle decides when. */
export interface LifecycleHooks {
  /** Deliver the stop now: SIGTERM the process group, or abort the JS task's signal. */
  readonly deliver: (cause: StopCause) => void;
  /** kill-after has passed and the run has not ended: SIGKILL the group, or abandon the JS task. */
  readonly escalate: () => void;
}

export interface LifecycleOptions {
  readonly clock: Clock;
  /** null: no timeout. */
  readonly timeoutMs: number | null;
  readonly killAfterMs: number;
  /** When the run began, if before now (a function run's lifecycle is made on first need): now(), monotonic(). */
  readonly startedAt?: Instant;
  readonly startedMono?: number;
}

export interface RunLifecycle {
  /** `clock.now()` when the run started. */
  readonly startedAt: Instant;
  /** The cause of the stop under way, or null. */
  readonly stopCause: StopCause | null;
  /** True once end() was called. */
  readonly ended: boolean;
  /** Stop the run; false when ignored (ended, or already stopping, unless it overtakes a timeout). */
  stop(cause: StopCause): boolean;
  /** The timeout no longer applies (a process leader exited by itself); a stop under way goes on. */
  disarmTimeout(): void;
  /** Note a signal sent to the task as part of the stop. */
  recordSignal(signal: string): void;
  /** Note that kill-after ran out with the JS task still going. */
  recordAbandoned(kind: 'function' | 'module'): void;
  /** End the run once: cancels every timer; returns the end instant and the stop's facts (null if none). */
  end(): { endedAt: Instant; stop: RunStop | null };
}

/** The status of a run that was stopped: its stop's cause decides (a timeout overtaken by a cancel is `cancelled`). */
export function stoppedStatus(cause: StopCause): 'timed-out' | 'cancelled' {
  return cause === 'timeout' ? 'timed-out' : 'cancelled';
}

/** A run that ended before it began (could not start): failed at `at`, with taskkit's reason. */
export function createNotStartedHandle(at: Instant, error: string, output: Buffer = Buffer.alloc(0)): RunHandle {
  const outcome: RunOutcome = {
    status: 'failed',
    exitCode: null,
    signal: null,
    startedAt: at,
    endedAt: at,
    output,
    outputTruncated: false,
    outputBytes: output.length,
    stop: null,
    error,
  };
  return { pid: null, done: Promise.resolve(outcome), cancel: () => undefined };
}

let systemClock: Clock | null = null;

/** The real clock, for runners not given one (the CLI's `exec`, tests of real processes). */
export function defaultRunClock(): Clock {
  return (systemClock ??= createSystemClock());
}

/** Start the clock of one run and arm its timeout. */
export function startLifecycle(options: LifecycleOptions, hooks: LifecycleHooks): RunLifecycle {
  return new Lifecycle(options, hooks);
}

/**
 * One run's lifecycle: a class, so that a run allocates one object for it rather than a closure per
 * method (thousands of function runs a second, bench scenario 1).
 */
class Lifecycle implements RunLifecycle {
  readonly startedAt: Instant;
  readonly #options: LifecycleOptions;
  readonly #hooks: LifecycleHooks;
  readonly #startedMono: number;
  #cause: StopCause | null = null;
  #afterMs = 0;
  #timedOutAfterMs: number | null = null;
  #signals: string[] | null = null;
  #abandoned: RunStop['abandoned'] = null;
  #ended = false;
  #cancelTimeout: (() => void) | null = null;
  #cancelEscalation: (() => void) | null = null;

  constructor(options: LifecycleOptions, hooks: LifecycleHooks) {
    this.#options = options;
    this.#hooks = hooks;
    this.startedAt = options.startedAt ?? options.clock.now();
    this.#startedMono = options.startedMono ?? options.clock.monotonic();
    const { timeoutMs } = options;
    if (timeoutMs !== null)
      this.#cancelTimeout = setLongTimer(options.clock, timeoutMs, () => void this.stop('timeout'));
  }

  get stopCause(): StopCause | null {
    return this.#cause;
  }

  get ended(): boolean {
    return this.#ended;
  }

  disarmTimeout(): void {
    this.#cancelTimeout?.();
    this.#cancelTimeout = null;
  }

  stop(why: StopCause): boolean {
    if (this.#ended) return false;
    const { clock, timeoutMs, killAfterMs } = this.#options;
    if (this.#cause === 'timeout' && why !== 'timeout') {
      // The rule above: the deliberate stop is the run's, the timeout stays a fact.
      this.#timedOutAfterMs = this.#afterMs;
      this.#cause = why;
      this.#afterMs = Math.round(clock.monotonic() - this.#startedMono);
      return true;
    }
    if (this.#cause !== null) return false;
    this.#cause = why;
    // A timeout is worded with its own length ("timed out after 30s"); other stops say when they came.
    this.#afterMs =
      why === 'timeout' && timeoutMs !== null ? timeoutMs : Math.round(clock.monotonic() - this.#startedMono);
    this.disarmTimeout();
    this.#cancelEscalation = setLongTimer(clock, killAfterMs, () => {
      this.#cancelEscalation = null;
      if (!this.#ended) this.#hooks.escalate();
    });
    this.#hooks.deliver(why);
    return true;
  }

  recordSignal(signal: string): void {
    (this.#signals ??= []).push(signal);
  }

  recordAbandoned(kind: 'function' | 'module'): void {
    this.#abandoned = kind;
  }

  end(): { endedAt: Instant; stop: RunStop | null } {
    if (!this.#ended) {
      this.#ended = true;
      this.disarmTimeout();
      this.#cancelEscalation?.();
      this.#cancelEscalation = null;
    }
    const cause = this.#cause;
    const endedAt = this.#options.clock.now();
    if (cause === null) return { endedAt, stop: null };
    const overtaken = this.#timedOutAfterMs === null ? {} : { timedOutAfterMs: this.#timedOutAfterMs };
    const stop: RunStop = {
      cause,
      afterMs: this.#afterMs,
      signals: [...(this.#signals ?? [])],
      killAfterMs: this.#options.killAfterMs,
      abandoned: this.#abandoned,
      ...overtaken,
    };
    return { endedAt, stop };
  }
}
