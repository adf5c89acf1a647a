/**
 * Claims (CLUSTER.md section 3): one round trip to claim_v1 per (task, instant, attempt) or per
 * (task, parent run) for dependent runs, and the retry of a claim whose COMMIT reply was lost.
 */
import { randomUUID } from 'node:crypto';
import type { Trigger } from '../../engine/ports.js';
import type { Instant } from '../../schedule/types.js';
import { protocolError, retriableAfterSend } from './db-errors.js';
import { quoteIdent } from './cluster-name.js';
import { type NamedStatement, type Queryable, toNumber, tsParam } from './queryable.js';

/** What a claim asks: the run as the engine will start it, and the definition it starts under. */
export interface ClaimParams {
  readonly task: string;
  /** The scheduled instant (epoch ms); null for run-now (only fence, definition and overlap apply). */
  readonly at: Instant | null;
  /** 1 for the first attempt; a retry of this host's own run claims its own attempt. */
  readonly attempt: number;
  readonly trigger: Trigger;
  /** This daemon incarnation (host.host_id) and the machine's name. */
  readonly hostId: string;
  readonly hostname: string;
  /** The engine's id for the run: the claim's row has it, so later upserts by id are harmless. */
  readonly runId: number;
  /** Random per claim (newClaimToken): tells a retried claim that its lost COMMIT went through. */
  readonly token: string;
  /** definitionFingerprint() of this host's definition; schedule_rev this host schedules under. */
  readonly fingerprint: string;
  readonly scheduleRev: number;
  /** The task's overlap policy (`skip` is enforced cluster-wide). */
  readonly overlap: string;
  /** The task's max-runs, or null. */
  readonly maxRuns: number | null;
  /** The task's deadline in ms, or null. */
  readonly deadlineMs: number | null;
  /** Deterministic jitter of this (task, instant), ms. */
  readonly jitterMs: number;
  /** How far ahead of the database clock a claim may be; default 1000 ms. */
  readonly earlyMs?: number;
  /**
   * A dependent run's (after / on-success / on-failure) parent run id, with `at` null: one such
   * run per (task, parent, attempt) in the cluster (the `run_cause` index); a second claimant is `lost`.
   */
  readonly causeRunId?: number | null;
}

/** What the database decided (claim_v1's outcomes; `unknown`: the commit outcome was never learned). */
export type ClaimOutcome =
  | { readonly kind: 'won'; readonly runId: number }
  /** Another claim has the instant (its run id, its host's name). */
  | { readonly kind: 'lost'; readonly runId: number; readonly byHost: string | null }
  | { readonly kind: 'fenced' }
  /** The instant (plus jitter) is over 1 s ahead of the database clock: ask again; dbNowMs is its time. */
  | { readonly kind: 'early'; readonly dbNowMs: number }
  | { readonly kind: 'unknown-task' }
  /** The cluster runs another definition (its fingerprint). */
  | { readonly kind: 'stale-definition'; readonly fingerprint: string }
  /** The cluster's schedule_rev is newer (a reschedule or a new definition). */
  | { readonly kind: 'stale-schedule'; readonly scheduleRev: number }
  | { readonly kind: 'held'; readonly note: string | null }
  | { readonly kind: 'exhausted' }
  | { readonly kind: 'too-old' }
  /** The instant's one skipped row was written (deadline passed, or overlap skip cluster-wide), with why. */
  | { readonly kind: 'skipped'; readonly runId: number; readonly detail: string }
  /** The connection kept failing until the give-up instant: nobody knows whether this host won. */
  | { readonly kind: 'unknown'; readonly error: string };

export type ClaimKind = ClaimOutcome['kind'];

/** A fresh claim token. */
export function newClaimToken(): string {
  return randomUUID();
}

interface ClaimRow {
  outcome: string;
  run_id: string | null;
  detail: string | null;
}

/**
 * claim_v1 by named parameters (the order of its parameters is the migration's business),
 * prepared once per connection.
 */
function claimStatement(schema: string): NamedStatement {
  const known = CLAIM_STATEMENTS.get(schema);
  if (known !== undefined) return known;
  const statement = { name: `taskkit_claim_v1_${schema}`, text: claimSql(schema) };
  CLAIM_STATEMENTS.set(schema, statement);
  return statement;
}

const CLAIM_STATEMENTS = new Map<string, NamedStatement>();

function claimSql(schema: string): string {
  return (
    `SELECT outcome, run_id, detail FROM ${quoteIdent(schema)}.claim_v1(` +
    `p_task => $1, p_at => ${tsParam(2)}, p_host => $3::uuid, p_hostname => $4, p_id => $5::bigint, ` +
    `p_token => $6::uuid, p_fingerprint => $7, p_schedule_rev => $8::bigint, p_overlap => $9, ` +
    `p_max_runs => $10::int, p_deadline => $11::float8 * interval '1 millisecond', ` +
    `p_jitter => $12::float8 * interval '1 millisecond', p_trigger => $13, ` +
    `p_early => $14::float8 * interval '1 millisecond', p_attempt => $15::int, p_cause => $16::bigint)`
  );
}

/** One claim, one round trip. Throws what the connection throws (see claimUntil for the retry). */
export async function claim(db: Queryable, schema: string, params: ClaimParams): Promise<ClaimOutcome> {
  const { rows } = await db.query<ClaimRow>(claimStatement(schema), [
    params.task,
    params.at,
    params.hostId,
    params.hostname,
    params.runId,
    params.token,
    params.fingerprint,
    params.scheduleRev,
    params.overlap,
    params.maxRuns,
    params.deadlineMs,
    params.jitterMs,
    params.trigger,
    params.earlyMs ?? 1000,
    params.attempt,
    params.causeRunId ?? null,
  ]);
  const row = rows[0];
  if (row === undefined) throw protocolError(`claim_v1 returned no row for ${params.task}`);
  return toOutcome(row);
}

function toOutcome(row: ClaimRow): ClaimOutcome {
  const runId = row.run_id === null ? 0 : toNumber(row.run_id);
  switch (row.outcome) {
    case 'won':
      return { kind: 'won', runId };
    case 'lost':
      return { kind: 'lost', runId, byHost: row.detail };
    case 'fenced':
      return { kind: 'fenced' };
    case 'early':
      return { kind: 'early', dbNowMs: toNumber(row.detail) };
    case 'unknown-task':
      return { kind: 'unknown-task' };
    case 'stale-definition':
      return { kind: 'stale-definition', fingerprint: row.detail ?? '' };
    case 'stale-schedule':
      return { kind: 'stale-schedule', scheduleRev: toNumber(row.detail) };
    case 'held':
      return { kind: 'held', note: row.detail };
    case 'exhausted':
      return { kind: 'exhausted' };
    case 'too-old':
      return { kind: 'too-old' };
    case 'skipped':
      return { kind: 'skipped', runId, detail: row.detail ?? '' };
    default:
      throw protocolError(`claim_v1 answered an unknown outcome "${row.outcome}"`);
  }
}

/** How claimUntil waits and reads the time; tests inject both. */
export interface RetryTiming {
  /** Wall-clock ms (the give-up instant is one). */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** First pause between tries, doubling to maxPauseMs. Defaults 50 and 1000 ms. */
  readonly firstPauseMs?: number;
  readonly maxPauseMs?: number;
}

/**
 * Claim, and when the connection fails (the claim may have committed without us hearing it),
 * claim again with the SAME id and token until `giveUpAt` (CLUSTER.md: 2 periods or the deadline
 * late): the fast path then answers truthfully (`won` if our earlier try committed). A statement
 * error that will not go away (a missing function, a bad value) is thrown at once.
 */
export async function claimUntil(
  db: Queryable,
  schema: string,
  params: ClaimParams,
  giveUpAt: number,
  timing: RetryTiming = {},
): Promise<ClaimOutcome> {
  return retryUntil(() => claim(db, schema, params), giveUpAt, timing);
}

async function retryUntil(
  attempt: () => Promise<ClaimOutcome>,
  giveUpAt: number,
  timing: RetryTiming,
): Promise<ClaimOutcome> {
  const now = timing.now ?? Date.now;
  const sleep = timing.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let pause = timing.firstPauseMs ?? 50;
  const maxPause = timing.maxPauseMs ?? 1000;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!retriableAfterSend(error)) throw error;
      const left = giveUpAt - now();
      if (left <= 0) return { kind: 'unknown', error: error instanceof Error ? error.message : String(error) };
      await sleep(Math.min(pause, left));
      pause = Math.min(pause * 2, maxPause);
    }
  }
}
