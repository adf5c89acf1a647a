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
  const { clock, timeoutMs, killAfterMs } = options;
  const startedAt = clock.now();
  const startedMono = clock.monotonic();
  let cause: StopCause | null = null;
  let afterMs = 0;
  let timedOutAfterMs: number | null = null;
  const signals: string[] = [];
  let abandoned: RunStop['abandoned'] = null;
  let ended = false;
  let cancelTimeout: (() => void) | null = null;
  let cancelEscalation: (() => void) | null = null;

  const disarmTimeout = (): void => {
    cancelTimeout?.();
    cancelTimeout = null;
  };

  const stop = (why: StopCause): boolean => {
    if (ended) return false;
    if (cause === 'timeout' && why !== 'timeout') {
      // The rule above: the deliberate stop is the run's, the timeout stays a fact.
      timedOutAfterMs = afterMs;
      cause = why;
      afterMs = Math.round(clock.monotonic() - startedMono);
      return true;
    }
    if (cause !== null) return false;
    cause = why;
    // A timeout is worded with its own length ("timed out after 30s"); other stops say when they came.
    afterMs = why === 'timeout' && timeoutMs !== null ? timeoutMs : Math.round(clock.monotonic() - startedMono);
    disarmTimeout();
    cancelEscalation = setLongTimer(clock, killAfterMs, () => {
      cancelEscalation = null;
      if (!ended) hooks.escalate();
    });
    hooks.deliver(why);
    return true;
  };

  if (timeoutMs !== null) cancelTimeout = setLongTimer(clock, timeoutMs, () => void stop('timeout'));

  return {
    startedAt,
    get stopCause() {
      return cause;
    },
    get ended() {
      return ended;
    },
    stop,
    disarmTimeout,
    recordSignal: (signal) => void signals.push(signal),
    recordAbandoned: (kind) => void (abandoned = kind),
    end() {
      if (!ended) {
        ended = true;
        disarmTimeout();
        cancelEscalation?.();
        cancelEscalation = null;
      }
      const overtaken = timedOutAfterMs === null ? {} : { timedOutAfterMs };
      const facts: RunStop | null =
        cause === null ? null : { cause, afterMs, signals: [...signals], killAfterMs, abandoned, ...overtaken };
      return { endedAt: clock.now(), stop: facts };
    },
  };
}
