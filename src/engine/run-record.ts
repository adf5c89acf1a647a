/** RunRecord transitions. Records are immutable: each step returns a new object (events keep theirs). */
import type { Instant } from '../schedule/types.js';
import type { RunOutcome } from '../runner/types.js';
import type { Trigger } from '../task-context.js';
import type { RunRecord } from './run.js';

/** A new run, waiting (`queued`) until it starts, is skipped or is dropped. */
export function createRunRecord(fields: {
  id: number;
  task: string;
  trigger: Trigger;
  scheduledAt: Instant | null;
  attempt: number;
  createdAt: Instant;
}): RunRecord {
  return {
    ...fields,
    startedAt: null,
    endedAt: null,
    status: 'queued',
    exitCode: null,
    signal: null,
    pid: null,
    output: '',
    outputTruncated: false,
    outputBytes: 0,
    error: null,
  };
}

/** Handed to the runner. */
export function markStarted(record: RunRecord, startedAt: Instant, pid: number | null): RunRecord {
  return { ...record, status: 'running', startedAt, pid };
}

/** The runner's outcome folded in; times are the engine's clock, like every other instant here. */
export function markFinished(record: RunRecord, outcome: RunOutcome, endedAt: Instant): RunRecord {
  const finished: RunRecord = {
    ...record,
    status: outcome.status,
    endedAt,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    output: outcome.output,
    outputTruncated: outcome.outputTruncated,
    outputBytes: outcome.outputBytes,
    error: outcome.error,
  };
  return outcome.result === undefined ? finished : { ...finished, result: outcome.result };
}

/** A trigger that will not run (overlap, deadline, missed instants), with the reason. */
export function markSkipped(record: RunRecord, at: Instant, reason: string): RunRecord {
  return { ...record, status: 'skipped', endedAt: at, error: reason };
}

/** A waiting run taken away before it started (cancel, replace, remove, shutdown). */
export function markDropped(record: RunRecord, at: Instant, reason: string): RunRecord {
  return { ...record, status: 'cancelled', endedAt: at, error: reason };
}
