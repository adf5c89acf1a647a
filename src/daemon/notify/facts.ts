/**
 * What a notifier is told of an alert (issue 16.1, DESIGN.md "Alerts and health"), in one place:
 * the TASKKIT_EVENT_* variables of `run:`/`command:`, the JSON body of `url:`, the one-line summary
 * (JSON `text`, mail Subject) and the failed run's output tail (stdin, JSON `output`, mail body).
 */
import { hostname } from 'node:os';
import type { AlertEvent } from '../../config/types.js';
import type { RunRecord } from '../../engine/run.js';
import { describeOutcome } from '../../runner/outcome.js';
import type { Instant } from '../../schedule/types.js';

/** The output tail a notifier gets: the last this many bytes of the run's output. */
export const OUTPUT_TAIL_BYTES = 65_536;

/** An alert's facts, as the delivery has them (fresh from the engine, or rebuilt from a pending row at start). */
export interface AlertFacts {
  readonly event: AlertEvent;
  readonly task: string;
  readonly at: Instant;
  /** The run (failure, auto-hold: the failed one; recovery: the succeeded one), or null (overdue). */
  readonly run: RunRecord | null;
  readonly failures: number;
  readonly overdueSince: Instant | null;
  /** The last OUTPUT_TAIL_BYTES of the run's output (empty without a run). */
  readonly outputTail: Buffer;
  /** The tail is not all the run printed. */
  readonly outputTruncated: boolean;
}

/** The JSON body a `url:` notifier receives (documented in taskkit(1) NOTIFIERS). */
export interface AlertBody {
  readonly text: string;
  readonly event: AlertEvent;
  readonly task: string;
  readonly host: string;
  readonly runId: number | null;
  readonly status: string | null;
  readonly exitCode: number | null;
  readonly failures: number;
  readonly at: string;
  readonly overdueSince: string | null;
  /** The output tail as UTF-8 text (invalid bytes become U+FFFD). */
  readonly output: string;
  /** The tail is not the whole output. */
  readonly outputTruncated: boolean;
}

/** The last `limit` bytes of `output`, copied (a kept tail must not pin a 256 KiB buffer). */
export function tailOf(output: Buffer, limit: number = OUTPUT_TAIL_BYTES): Buffer {
  return Buffer.from(output.length <= limit ? output : output.subarray(output.length - limit));
}

/**
 * TASKKIT_EVENT_* for `run:` and `command:`. A fact that does not apply is the empty string, as
 * TASKKIT_SCHEDULED_AT is, so that `${TASKKIT_EVENT_EXIT_CODE}` works under `set -u`: RUN_ID, STATUS
 * and EXIT_CODE for `overdue` (no run), EXIT_CODE for a run a signal or a stop ended.
 */
export function describeEventVariables(facts: AlertFacts): Record<string, string> {
  const { run } = facts;
  return {
    TASKKIT_EVENT: facts.event,
    TASKKIT_EVENT_TASK: facts.task,
    TASKKIT_EVENT_RUN_ID: run === null ? '' : String(run.id),
    TASKKIT_EVENT_STATUS: run?.status ?? '',
    TASKKIT_EVENT_EXIT_CODE: run?.exitCode == null ? '' : String(run.exitCode),
    TASKKIT_EVENT_FAILURES: String(facts.failures),
  };
}

/** The JSON of a `url:` notifier. */
export function describeAlertBody(facts: AlertFacts): AlertBody {
  const { run } = facts;
  return {
    text: summarizeAlert(facts),
    event: facts.event,
    task: facts.task,
    host: hostname(),
    runId: run?.id ?? null,
    status: run?.status ?? null,
    exitCode: run?.exitCode ?? null,
    failures: facts.failures,
    at: new Date(facts.at).toISOString(),
    overdueSince: facts.overdueSince === null ? null : new Date(facts.overdueSince).toISOString(),
    output: facts.outputTail.toString('utf8'),
    outputTruncated: facts.outputTruncated,
  };
}

/**
 * One line: "taskkit: backup failed (exit 3)", "taskkit: backup failed 3 times in a row (timed out
 * after 30s)", "taskkit: backup recovered (run #12 succeeded)", "taskkit: backup is overdue (no
 * success since 2026-12-02T03:00:00.000Z)", "taskkit: backup held after 5 consecutive failures".
 */
export function summarizeAlert(facts: AlertFacts): string {
  const { task, run } = facts;
  switch (facts.event) {
    case 'failure': {
      const times = facts.failures > 1 ? ` ${facts.failures} times in a row` : '';
      return `taskkit: ${task} failed${times}${run === null ? '' : ` (${describeRun(run)})`}`;
    }
    case 'recovery':
      return `taskkit: ${task} recovered${run === null ? '' : ` (run #${run.id} succeeded)`}`;
    case 'overdue':
      if (facts.overdueSince === null) return `taskkit: ${task} is overdue`;
      return `taskkit: ${task} is overdue (no success since ${iso(facts.overdueSince)})`;
    case 'auto-hold':
      return `taskkit: ${task} held after ${facts.failures} consecutive failures`;
  }
}

/** "exit 3", else the outcome in the history's words ("timed out after 30s; sent SIGTERM"). */
function describeRun(run: RunRecord): string {
  if (run.status === 'failed' && run.exitCode !== null) return `exit ${run.exitCode}`;
  return describeOutcome(run);
}

function iso(at: Instant): string {
  return new Date(at).toISOString();
}
