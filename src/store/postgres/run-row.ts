/**
 * A RunRecord as a `run` row and back. The output's bytes are `bytea` (they travel base64 in the
 * batch's JSON), stop and skip facts and the result are jsonb columns of their own. jsonb and
 * text cannot hold U+0000: a NUL inside `error` or inside a string of result/stop/skip is dropped
 * (the host's own SQLite journal keeps them).
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
  /** base64 of the output's bytes. */
  output: string;
  output_truncated: boolean;
  output_bytes: number;
  error: string | null;
  /** JSON texts; null when absent. */
  result: string | null;
  stop: string | null;
  skip: string | null;
}

/** The record set's column types, in RunJson's order (json_to_recordset's AS clause). */
export const RUN_JSON_COLUMNS =
  'id bigint, task text, trigger text, scheduled_at float8, attempt int, scope_host text, cause_run_id bigint, ' +
  'status text, host_id uuid, hostname text, created_at float8, started_at float8, ended_at float8, ' +
  'exit_code int, signal text, pid int, output text, output_truncated boolean, output_bytes bigint, ' +
  'error text, result text, stop text, skip text';

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
    output: run.output.toString('base64'),
    output_truncated: run.outputTruncated,
    output_bytes: run.outputBytes,
    error: run.error === null ? null : withoutNul(run.error),
    result: run.result === undefined ? null : jsonText(run.result, true),
    stop: run.stop === null ? null : jsonText(run.stop, false),
    skip: run.skip === undefined ? null : jsonText(run.skip, false),
  };
}

/**
 * JSON text for a jsonb column, without the `\u0000` jsonb refuses. A result JSON cannot hold
 * (a BigInt, a cycle) must not fail the batch forever: it is stored as its description instead.
 */
function jsonText(value: unknown, isResult: boolean): string {
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    if (!isResult) throw error;
    const why = error instanceof Error ? error.message : String(error);
    text = JSON.stringify(`[taskkit: result not storable as JSON: ${why}]`);
  }
  return text.includes('\\u0000') ? text.replace(ESCAPED_NUL, '$1') : text;
}

/** `\u0000` as an escape, not as the text `\\u0000` (an escaped backslash, then `u0000`). */
const ESCAPED_NUL = /(?<!\\)((?:\\\\)*)\\u0000/g;

/** Columns of a summary (no output), instants as epoch ms; `r` is the run table's alias. */
export const SUMMARY_SELECT =
  `r.id, r.task, r.trigger, r.status, ${msOf('r.scheduled_at')} AS scheduled_at, ` +
  `${msOf('r.created_at')} AS created_at, ${msOf('r.started_at')} AS started_at, ` +
  `${msOf('r.ended_at')} AS ended_at, r.exit_code, r.signal, r.attempt, r.pid, r.output_truncated, ` +
  `r.output_bytes, r.error, r.result::text AS result, r.stop, r.skip, r.hostname`;

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
  /** As text: JSON null (a result of null) and SQL NULL (no result) differ. */
  result: string | null;
  stop: RunStop | null;
  skip: SkipFacts | null;
  hostname: string | null;
  output?: Buffer;
}

export function toSummary(row: RunReadRow): ClusterRunSummary {
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
    stop: row.stop,
    error: row.error,
    ...(row.skip === null ? {} : { skip: row.skip }),
    ...(row.result === null ? {} : { result: JSON.parse(row.result) as unknown }),
    ...(row.hostname === null ? {} : { host: row.hostname }),
  };
  return run;
}

export function toRecord(row: RunReadRow): ClusterRunRecord {
  return { ...toSummary(row), output: row.output ?? Buffer.alloc(0) };
}
