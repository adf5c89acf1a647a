/**
 * Publishing definitions (CLUSTER.md section 6): one definition per task in the cluster. `start`
 * publishes without force (only new tasks and those whose publisher is gone), `reload` with force
 * (last writer wins); a task in no live host's file is retired.
 */
import { protocolError } from './db-errors.js';
import { quoteIdent } from './cluster-name.js';
import type { Queryable } from './queryable.js';

/** What a peer needs to act for a dead host: the task's retry policy and kill grace. */
export interface TaskPolicy {
  /** retry.attempts (0: none). */
  readonly retryAttempts: number;
  readonly retryDelayMs: number;
  readonly retryBackoff: number;
  readonly retryMaxDelayMs: number;
  /** retry: { interrupted: true }: a dead host's run of the task is retried by another host. */
  readonly retryInterrupted: boolean;
  /** The task's kill-after. */
  readonly killGraceMs: number;
}

export interface PublishParams {
  readonly task: string;
  /** definitionFingerprint() of this host's definition. */
  readonly fingerprint: string;
  readonly hostId: string;
  /** The file's `hold:`. */
  readonly fileHold: boolean;
  readonly policy: TaskPolicy;
  /** true at reload (last writer wins); false at start. */
  readonly force: boolean;
}

/**
 * Make this host's definition the cluster's where the rules allow; returns the fingerprint in
 * force afterwards (compare it with one's own: a difference is a split definition).
 */
export async function publishTask(db: Queryable, schema: string, params: PublishParams): Promise<string> {
  const { policy } = params;
  const ms = (index: number) => `$${index}::float8 * interval '1 millisecond'`;
  const { rows } = await db.query<{ fingerprint: string | null }>(
    `SELECT ${quoteIdent(schema)}.publish_v1($1, $2, $3::uuid, $4::boolean, $5::int, ${ms(6)}, $7::float8,
       ${ms(8)}, $9::boolean, ${ms(10)}, $11::boolean) AS fingerprint`,
    [
      params.task,
      params.fingerprint,
      params.hostId,
      params.fileHold,
      policy.retryAttempts,
      policy.retryDelayMs,
      policy.retryBackoff,
      policy.retryMaxDelayMs,
      policy.retryInterrupted,
      policy.killGraceMs,
      params.force,
    ],
  );
  const fingerprint = rows[0]?.fingerprint;
  if (fingerprint === undefined || fingerprint === null) throw protocolError(`publish_v1 gave no fingerprint`);
  return fingerprint;
}

/**
 * Retire the tasks that are in no live host's `tasks` (kept for history; a publish brings one
 * back); returns their names. Notifies each, as a control change does.
 */
export async function retireTasks(db: Queryable, schema: string): Promise<string[]> {
  const s = quoteIdent(schema);
  const { rows } = await db.query<{ name: string }>(
    `WITH retired AS (
       UPDATE ${s}.task t SET retired_at = now(), revision = nextval('${s}.control_seq'), updated_at = now()
        WHERE t.retired_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM ${s}.host h WHERE h.state = 'live' AND t.name = ANY (h.tasks))
       RETURNING t.name)
     SELECT name, pg_notify($1, json_build_object('k', 'task', 'name', name)::text) FROM retired ORDER BY name`,
    [schema],
  );
  return rows.map((row) => row.name);
}
