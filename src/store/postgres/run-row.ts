/**
 * A RunRecord as a `run` row and back. The row has no columns of its own for the engine's stop
 * and skip facts: they travel with the run's result in the `result` jsonb, as an envelope
 * `{ result?, stop?, skip? }` (null when all three are absent). `output` is text: the run's bytes
 * as UTF-8, NUL bytes dropped (the host's own SQLite journal keeps the exact bytes).
 */
import type { RunStop, Trigger } from '../../engine/ports.js';
import type { RunRecord, RunStatus, SkipFacts } from '../../engine/run.js';
import type { RunSummary } from '../store.js';
import { msOf, toNumber, toNumberOrNull } from './queryable.js';

/** Who wrote a run and where it counts, beyond the engine's record. */
export interface RunPlace {
  /** This daemon incarnation and its machine's name. */
  readonly hostId: string;
  readonly hostname: string;
  /** scope: host tasks: the host's stable name (os.hostname()); null or absent for cluster tasks. */
  readonly scopeHost?: string | null;
  /** A dependent run's parent run id. */
  readonly causeRunId?: number | null;
}

/** A run summary with the name of the host that ran it (null: queued for any host, or unknown). */
export type ClusterRunSummary = RunSummary & { readonly host?: string };
/** A run record with the name of the host that ran it. */
export type ClusterRunRecord = RunRecord & { readonly host?: string };

/** The JSON object one run becomes in a batch (json_to_recordset); instants in epoch ms. */
export interface RunJson {
  id: number;
  task: string;
  trigger: string;
  scheduled_at: number | null;
  attempt: number;
  scope_host: string | null;
  cause_run_id: number | null;
  status: string;
  host_id: string;
  hostname: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  exit_code: number | null;
  signal: string | null;
  pid: number | null;
  output: string;
  output_truncated: boolean;
  output_bytes: number;
  error: string | null;
  result: string | null;
}

/** The record set's column types, in RunJson's order (json_to_recordset's AS clause). */
export const RUN_JSON_COLUMNS =
  'id bigint, task text, trigger text, scheduled_at float8, attempt int, scope_host text, cause_run_id bigint, ' +
  'status text, host_id uuid, hostname text, created_at float8, started_at float8, ended_at float8, ' +
  'exit_code int, signal text, pid int, output text, output_truncated boolean, output_bytes bigint, ' +
  'error text, result text';

/** Text without NUL: PostgreSQL's text and jsonb cannot hold U+0000. */
function withoutNul(text: string): string {
  return text.includes('\0') ? text.replaceAll('\0', '') : text;
}

export function toRunJson(run: RunRecord, place: RunPlace): RunJson {
  return {
    id: run.id,
    task: run.task,
    trigger: run.trigger,
    scheduled_at: run.scheduledAt,
    attempt: run.attempt,
    scope_host: place.scopeHost ?? null,
    cause_run_id: place.causeRunId ?? null,
    status: run.status,
    host_id: place.hostId,
    hostname: place.hostname,
    created_at: run.createdAt,
    started_at: run.startedAt,
    ended_at: run.endedAt,
    exit_code: run.exitCode,
    signal: run.signal,
    pid: run.pid,
    output: withoutNul(run.output.toString('utf8')),
    output_truncated: run.outputTruncated,
    output_bytes: run.outputBytes,
    error: run.error === null ? null : withoutNul(run.error),
    result: encodeEnvelope(run),
  };
}

/**
 * The envelope of result, stop and skip as JSON text, or null. A result JSON cannot hold (a
 * BigInt, a cycle) must not fail the batch forever: it is stored as its description instead.
 */
function encodeEnvelope(run: RunRecord): string | null {
  const envelope: Record<string, unknown> = {};
  if (run.result !== undefined) envelope.result = run.result;
  if (run.stop !== null) envelope.stop = run.stop;
  if (run.skip !== undefined) envelope.skip = run.skip;
  if (Object.keys(envelope).length === 0) return null;
  let text: string;
  try {
    text = JSON.stringify(envelope);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    envelope.result = `[taskkit: result not storable as JSON: ${why}]`;
    text = JSON.stringify(envelope);
  }
  return text.includes('\\u0000') ? text.replaceAll('\\u0000', '') : text;
}

/** Columns of a summary (no output), instants as epoch ms; `r` is the run table's alias. */
export const SUMMARY_SELECT =
  `r.id, r.task, r.trigger, r.status, ${msOf('r.scheduled_at')} AS scheduled_at, ` +
  `${msOf('r.created_at')} AS created_at, ${msOf('r.started_at')} AS started_at, ` +
  `${msOf('r.ended_at')} AS ended_at, r.exit_code, r.signal, r.attempt, r.pid, r.output_truncated, ` +
  `r.output_bytes, r.error, r.result, r.hostname`;

/** A row as read by SUMMARY_SELECT (+ output for a whole record). */
export interface RunReadRow {
  id: string;
  task: string;
  trigger: string;
  status: string;
  scheduled_at: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  exit_code: number | null;
  signal: string | null;
  attempt: number;
  pid: number | null;
  output_truncated: boolean;
  output_bytes: string;
  error: string | null;
  result: { result?: unknown; stop?: RunStop; skip?: SkipFacts } | null;
  hostname: string | null;
  output?: string;
}

export function toSummary(row: RunReadRow): ClusterRunSummary {
  const envelope = row.result ?? {};
  const run: ClusterRunSummary = {
    id: toNumber(row.id),
    task: row.task,
    trigger: row.trigger as Trigger,
    scheduledAt: toNumberOrNull(row.scheduled_at),
    createdAt: toNumber(row.created_at),
    startedAt: toNumberOrNull(row.started_at),
    endedAt: toNumberOrNull(row.ended_at),
    status: row.status as RunStatus,
    exitCode: row.exit_code,
    signal: row.signal,
    attempt: row.attempt,
    pid: row.pid,
    outputTruncated: row.output_truncated,
    outputBytes: toNumber(row.output_bytes),
    stop: envelope.stop ?? null,
    error: row.error,
    ...(envelope.skip === undefined ? {} : { skip: envelope.skip }),
    ...('result' in envelope ? { result: envelope.result } : {}),
    ...(row.hostname === null ? {} : { host: row.hostname }),
  };
  return run;
}

export function toRecord(row: RunReadRow): ClusterRunRecord {
  return { ...toSummary(row), output: Buffer.from(row.output ?? '', 'utf8') };
}
