/**
 * RunRecord transitions. Records are immutable: each step returns a new object (events keep theirs).
 * Every record is built by `buildRecord`, all fields written out in one order, so that V8 keeps a
 * single hidden class for them: spreading a spread (`{...record, status}`) cost ~10 µs a run,
 * most of what a fire cost with thousands of tasks due at once (bench scenario 1).
 */
import type { Instant } from '../schedule/types.js';
import type { RunOutcome } from '../runner/types.js';
import type { Trigger } from '../task-context.js';
import { NO_OUTPUT, type RunRecord, type SkipFacts, type SkipReason } from './run.js';

type Changes = { -readonly [K in keyof RunRecord]?: RunRecord[K] };

/** `record` with `changes` (a field given as undefined keeps its value: no field is ever undefined). */
function buildRecord(record: RunRecord, changes: Changes): RunRecord {
  const next: RunRecord = {
    id: record.id,
    task: record.task,
    trigger: record.trigger,
    scheduledAt: record.scheduledAt,
    createdAt: record.createdAt,
    attempt: record.attempt,
    startedAt: changes.startedAt === undefined ? record.startedAt : changes.startedAt,
    endedAt: changes.endedAt === undefined ? record.endedAt : changes.endedAt,
    status: changes.status ?? record.status,
    exitCode: changes.exitCode === undefined ? record.exitCode : changes.exitCode,
    signal: changes.signal === undefined ? record.signal : changes.signal,
    pid: changes.pid === undefined ? record.pid : changes.pid,
    output: changes.output ?? record.output,
    outputTruncated: changes.outputTruncated ?? record.outputTruncated,
    outputBytes: changes.outputBytes ?? record.outputBytes,
    stop: changes.stop === undefined ? record.stop : changes.stop,
    error: changes.error === undefined ? record.error : changes.error,
  };
  const result = changes.result === undefined ? record.result : changes.result;
  // Only runs whose function returned something carry `result` (absent, not undefined, otherwise).
  return result === undefined ? next : { ...next, result };
}

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
    id: fields.id,
    task: fields.task,
    trigger: fields.trigger,
    scheduledAt: fields.scheduledAt,
    createdAt: fields.createdAt,
    attempt: fields.attempt,
    startedAt: null,
    endedAt: null,
    status: 'queued',
    exitCode: null,
    signal: null,
    pid: null,
    output: NO_OUTPUT,
    outputTruncated: false,
    outputBytes: 0,
    stop: null,
    error: null,
  };
}

/** Handed to the runner. */
export function markStarted(record: RunRecord, startedAt: Instant, pid: number | null): RunRecord {
  return buildRecord(record, { status: 'running', startedAt, pid });
}

/** The pid of a started run, known after its start (the daemon's spawner). */
export function withPid(record: RunRecord, pid: number): RunRecord {
  return buildRecord(record, { pid });
}

/** The runner's outcome folded in; times are the engine's clock, like every other instant here. */
export function markFinished(record: RunRecord, outcome: RunOutcome, endedAt: Instant): RunRecord {
  return buildRecord(record, {
    status: outcome.status,
    endedAt,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    output: outcome.output,
    outputTruncated: outcome.outputTruncated,
    outputBytes: outcome.outputBytes,
    stop: outcome.stop,
    error: outcome.error,
    result: outcome.result,
  });
}

/**
 * A trigger that will not run (overlap, deadline, missed instants), with the reason in words and
 * as facts: a kind alone means this one trigger (its instant, if any, is the first and the last).
 */
export function markSkipped(record: RunRecord, at: Instant, reason: string, skip: SkipReason | SkipFacts): RunRecord {
  const facts: SkipFacts =
    typeof skip === 'string' ? { reason: skip, count: 1, more: false, lastAt: record.scheduledAt } : skip;
  return { ...buildRecord(record, { status: 'skipped', endedAt: at, error: reason }), skip: facts };
}

/** A waiting run taken away before it started (cancel, replace, remove, shutdown). */
export function markDropped(record: RunRecord, at: Instant, reason: string): RunRecord {
  return buildRecord(record, { status: 'cancelled', endedAt: at, error: reason });
}
