/**
 * Schema version 1 of a cluster (../shared/CLUSTER.md, ../shared/cluster-schema.sql), as SQL text
 * for one cluster name: the name is the schema every object lives in and the NOTIFY channel every
 * function sends to, so two clusters share a database without seeing each other.
 *
 * Runs inside the migration's transaction with `search_path` set to the cluster's schema (the
 * schema itself is created by the migrator). Released text is never edited: a change is a new
 * migration, and a changed function is a new `_v2` beside the old one (expand/contract).
 *
 * Differences from the reference:
 * - claim_v1 takes `p_attempt` (default 1): the fast path and the rows it writes use it, so a
 *   host's own retry (attempt > 1) is claimed with its attempt; only attempt 1 counts towards
 *   max-runs and meets `overlap: skip`; `deadline` applies to `schedule` and `catch-up` triggers
 *   only (engine/policies/deadline.ts).
 * - claim_v1 takes `p_cause` (default null): a dependent run (after, on-success, on-failure) is
 *   written with `cause_run_id`, and a second claim for the same parent and attempt finds it
 *   (`lost`, or `won` for the same token), as the `run_cause` index allows one per parent and
 *   attempt (a retry of the dependent run, attempt 2, is claimed as a run of its own).
 * - run.output is bytea (a run's output is bytes: NUL and invalid UTF-8 survive), and the engine's
 *   stop and skip facts have columns of their own (`stop`, `skip` jsonb) beside `result`.
 * - take_queued_v1 takes nothing for a host whose lease ran out (claim_v1's fence), and a task
 *   brought back from retirement by publish_v1 gets a new revision and a notification.
 * - The claim's per-task lock key and the NOTIFY channel carry the cluster's name.
 */
import { checkClusterName, quoteIdent } from './cluster-name.js';

/** The run already written for this claim, if any (no lock: a plain read on a unique index). */
function priorRunSql(): string {
  return `
  IF p_at IS NOT NULL THEN
    SELECT * INTO prior FROM run r
     WHERE r.task = p_task AND r.scheduled_at = p_at AND r.attempt = p_attempt AND r.scope_host IS NULL;
  ELSIF p_cause IS NOT NULL THEN
    SELECT * INTO prior FROM run r
     WHERE r.task = p_task AND r.cause_run_id = p_cause AND r.attempt = p_attempt;
  ELSE
    SELECT * INTO prior FROM run r WHERE r.id = p_id;
  END IF;
  IF FOUND THEN
    RETURN QUERY SELECT settled_v1(prior, p_token), prior.id, prior.hostname; RETURN;
  END IF;`;
}

function tablesSql(): string {
  return `
CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);

CREATE TABLE host (
  host_id         uuid PRIMARY KEY,
  hostname        text NOT NULL,
  pid             int  NOT NULL,
  version         text NOT NULL,
  file_digest     text NOT NULL,
  tasks           text[] NOT NULL DEFAULT '{}',
  lock_key        bigint NOT NULL UNIQUE,
  started_at      timestamptz NOT NULL DEFAULT now(),
  beat_at         timestamptz NOT NULL DEFAULT now(),
  lease_until     timestamptz NOT NULL,
  clock_offset_ms int,
  state           text NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'leaving', 'dead', 'gone')),
  ended_at        timestamptz,
  end_reason      text
);

CREATE TABLE task (
  name              text PRIMARY KEY,
  fingerprint       text NOT NULL,
  published_by      uuid,
  published_at      timestamptz NOT NULL DEFAULT now(),
  retired_at        timestamptz,
  file_hold         boolean NOT NULL DEFAULT false,
  held              boolean NOT NULL DEFAULT false,
  held_until        timestamptz,
  hold_note         text,
  held_at           timestamptz,
  held_by           text,
  reschedule        jsonb,
  schedule_rev      bigint NOT NULL DEFAULT 1,
  last_scheduled_at timestamptz,
  scheduled_runs    int NOT NULL DEFAULT 0,
  pruned_through    timestamptz,
  revision          bigint NOT NULL DEFAULT 0,
  retry_attempts    int NOT NULL DEFAULT 0,
  retry_delay       interval NOT NULL DEFAULT '0',
  retry_backoff     float8 NOT NULL DEFAULT 1,
  retry_max_delay   interval NOT NULL DEFAULT '1 day',
  retry_interrupted boolean NOT NULL DEFAULT false,
  kill_grace        interval NOT NULL DEFAULT '10 seconds',
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE SEQUENCE control_seq;

-- A host takes 64 run ids with one nextval(): the block is [v - 63, v].
CREATE SEQUENCE run_id_block INCREMENT BY 64 START 64;

CREATE TABLE run (
  id               bigint PRIMARY KEY,
  task             text NOT NULL,
  trigger          text NOT NULL,
  scheduled_at     timestamptz,
  attempt          int NOT NULL,
  scope_host       text,
  cause_run_id     bigint,
  status           text NOT NULL,
  host_id          uuid,
  hostname         text,
  claim_token      uuid,
  created_at       timestamptz NOT NULL DEFAULT now(),
  due_at           timestamptz,
  started_at       timestamptz,
  ended_at         timestamptz,
  exit_code        int,
  signal           text,
  pid              int,
  output           bytea NOT NULL DEFAULT '',
  output_truncated boolean NOT NULL DEFAULT false,
  output_bytes     bigint NOT NULL DEFAULT 0,
  error            text,
  result           jsonb,
  stop             jsonb,
  skip             jsonb
);
-- THE exactly-once guarantee: one row per (task, instant, attempt) in the whole cluster.
CREATE UNIQUE INDEX run_claim ON run (task, scheduled_at, attempt)
  WHERE scheduled_at IS NOT NULL AND scope_host IS NULL;
CREATE UNIQUE INDEX run_claim_host ON run (task, scope_host, scheduled_at, attempt)
  WHERE scheduled_at IS NOT NULL AND scope_host IS NOT NULL;
-- One dependent run per parent (and attempt: a retry of the dependent run is a run of its own).
CREATE UNIQUE INDEX run_cause ON run (task, cause_run_id, attempt) WHERE cause_run_id IS NOT NULL;
CREATE INDEX run_by_task ON run (task, created_at DESC, id DESC);
CREATE INDEX run_by_time ON run (created_at DESC, id DESC);
CREATE INDEX run_open ON run (host_id, status) WHERE status IN ('running', 'queued');
CREATE INDEX run_queued ON run (due_at) WHERE status = 'queued' AND host_id IS NULL;

-- What a row found by a claim's fast path means to the claimant holding p_token.
CREATE FUNCTION settled_v1(p_prior run, p_token uuid) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p_prior.claim_token IS DISTINCT FROM p_token THEN 'lost'
              WHEN p_prior.status = 'running' THEN 'won'
              WHEN p_prior.status = 'skipped' THEN 'skipped'
              ELSE 'fenced' END
$$;
`;
}

function claimSql(name: string, path: string): string {
  return `
-- Outcomes: won | lost | fenced | early | unknown-task | stale-definition | stale-schedule | held |
-- exhausted | too-old | skipped. Retried after an unknown commit outcome with the SAME p_id, p_token.
CREATE FUNCTION claim_v1(
  p_task text, p_at timestamptz, p_host uuid, p_hostname text, p_id bigint, p_token uuid,
  p_fingerprint text, p_schedule_rev bigint, p_overlap text, p_max_runs int,
  p_deadline interval DEFAULT NULL,
  p_jitter interval DEFAULT '0',
  p_trigger text DEFAULT 'schedule',
  p_early interval DEFAULT '1 second',
  p_attempt int DEFAULT 1,
  p_cause bigint DEFAULT NULL)
RETURNS TABLE (outcome text, run_id bigint, detail text)
LANGUAGE plpgsql SET search_path = ${path} AS $$
DECLARE
  t task%ROWTYPE;
  prior run%ROWTYPE;
  busy bigint;
  why text;
BEGIN
  -- 1. Losers' fast path: a plain read; no lock, no transaction id, no WAL.${priorRunSql()}
  -- 2. Fenced: an incarnation that is not live or whose lease ran out starts nothing.
  IF NOT EXISTS (SELECT 1 FROM host h
                  WHERE h.host_id = p_host AND h.state = 'live' AND h.lease_until >= now()) THEN
    RETURN QUERY SELECT 'fenced', NULL::bigint, NULL::text; RETURN;
  END IF;
  -- 3. Early, on the database clock: a host whose clock runs fast gets the database time back.
  IF p_at + p_jitter > now() + p_early THEN
    RETURN QUERY SELECT 'early', NULL::bigint, (extract(epoch FROM now()) * 1000)::bigint::text;
    RETURN;
  END IF;
  -- 4. Serialise claims of one task (in memory, released at commit), then look again: a claim may
  --    have committed while this one waited.
  PERFORM pg_advisory_xact_lock(hashtextextended('${name}/' || p_task, 0));
  IF p_at IS NOT NULL OR p_cause IS NOT NULL THEN${priorRunSql()}
  END IF;
  -- 5. Checks on the task row. None of them writes (a held instant leaves no row).
  SELECT * INTO t FROM task WHERE name = p_task;
  IF NOT FOUND THEN RETURN QUERY SELECT 'unknown-task', NULL::bigint, NULL::text; RETURN; END IF;
  IF t.fingerprint <> p_fingerprint THEN
    RETURN QUERY SELECT 'stale-definition', NULL::bigint, t.fingerprint; RETURN;
  END IF;
  IF p_at IS NOT NULL THEN
    IF t.schedule_rev <> p_schedule_rev THEN
      RETURN QUERY SELECT 'stale-schedule', NULL::bigint, t.schedule_rev::text; RETURN;
    END IF;
    IF t.held AND (t.held_until IS NULL OR t.held_until > now()) THEN
      RETURN QUERY SELECT 'held', NULL::bigint, t.hold_note; RETURN;
    END IF;
    IF p_attempt = 1 AND p_max_runs IS NOT NULL AND t.scheduled_runs >= p_max_runs THEN
      RETURN QUERY SELECT 'exhausted', NULL::bigint, NULL::text; RETURN;
    END IF;
    IF p_at <= t.pruned_through THEN
      RETURN QUERY SELECT 'too-old', NULL::bigint, NULL::text; RETURN;
    END IF;
  END IF;
  -- 6. The one skipped row: past its deadline (database clock), or overlap skip against a run of
  --    the task on any live or leaving host. Retries meet neither, as in the single-host engine.
  IF p_at IS NOT NULL AND p_deadline IS NOT NULL AND p_trigger IN ('schedule', 'catch-up')
     AND now() > p_at + p_deadline THEN
    why := format('would start %s after its instant, past its deadline of %s',
                  date_trunc('second', now() - p_at), p_deadline);
  ELSIF p_overlap = 'skip' AND p_attempt = 1 THEN
    SELECT r.id INTO busy FROM run r JOIN host h ON h.host_id = r.host_id
     WHERE r.task = p_task AND r.status = 'running' AND h.state IN ('live', 'leaving') LIMIT 1;
    IF busy IS NOT NULL THEN
      why := format('previous run #%s still running (overlap: skip)', busy);
    END IF;
  END IF;
  IF why IS NOT NULL THEN
    INSERT INTO run (id, task, trigger, scheduled_at, attempt, cause_run_id, status, host_id, hostname,
                     claim_token, ended_at, error)
    VALUES (p_id, p_task, p_trigger, p_at, p_attempt, p_cause, 'skipped', p_host, p_hostname,
            p_token, now(), why);
    UPDATE task SET last_scheduled_at = greatest(last_scheduled_at, p_at) WHERE name = p_task;
    RETURN QUERY SELECT 'skipped', p_id, why; RETURN;
  END IF;
  -- 7. The win: this row is the write-ahead running row of the run.
  INSERT INTO run (id, task, trigger, scheduled_at, attempt, cause_run_id, status, host_id, hostname,
                   claim_token, started_at)
  VALUES (p_id, p_task, p_trigger, p_at, p_attempt, p_cause, 'running', p_host, p_hostname,
          p_token, now());
  IF p_at IS NOT NULL THEN
    UPDATE task SET last_scheduled_at = greatest(last_scheduled_at, p_at),
                    scheduled_runs = scheduled_runs + CASE WHEN p_attempt = 1 THEN 1 ELSE 0 END
     WHERE name = p_task;
  END IF;
  RETURN QUERY SELECT 'won', p_id, NULL::text;
END $$;
`;
}

function reapSql(name: string, path: string): string {
  return `
-- A live or leaving host is dead when (a) its lease ran out, or (b) its session advisory lock is
-- free and its last beat is older than p_gone_after. p_trusted = false until the caller's own
-- liveness connection has been up for one full lease (after a restart every lock is free).
CREATE FUNCTION reap_v1(p_gone_after interval, p_trusted boolean)
RETURNS TABLE (host_id uuid, hostname text, runs_interrupted int, retries_queued int, how text)
LANGUAGE plpgsql SET search_path = ${path} AS $$
DECLARE
  h record;
  n_cut int;
  n_retry int;
BEGIN
  IF NOT p_trusted THEN RETURN; END IF;
  FOR h IN
    SELECT x.host_id, x.hostname, x.lease_until,
           CASE WHEN x.lease_until < now() THEN 'lease expired' ELSE 'connection lost' END AS how
      FROM host x
     WHERE x.state IN ('live', 'leaving')
       AND (x.lease_until < now()
            OR (x.beat_at < now() - p_gone_after
                AND NOT EXISTS (  -- a bigint key shows as classid (high 32 bits), objid (low 32)
                  SELECT 1 FROM pg_locks l
                   WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                     AND l.classid::bigint = (x.lock_key >> 32) & 4294967295
                     AND l.objid::bigint = x.lock_key & 4294967295)))
     FOR UPDATE SKIP LOCKED
  LOOP
    UPDATE host SET state = 'dead', ended_at = now(), end_reason = h.how
     WHERE host.host_id = h.host_id;
    WITH cut AS (
      UPDATE run SET status = 'interrupted', ended_at = now(),
                     error = format('host %s stopped (%s)', h.hostname, h.how)
       WHERE run.host_id = h.host_id AND run.status = 'running'
      RETURNING run.task, run.scheduled_at, run.attempt, run.scope_host
    ), queued AS (
      INSERT INTO run (id, task, trigger, scheduled_at, attempt, status, due_at)
      SELECT nextval('run_id_block'), c.task, 'retry', c.scheduled_at, c.attempt + 1, 'queued',
             greatest(now(), h.lease_until) + t.kill_grace
               + least(t.retry_delay * t.retry_backoff ^ (c.attempt - 1), t.retry_max_delay)
        FROM cut c JOIN task t ON t.name = c.task
       WHERE t.retry_interrupted AND c.attempt <= t.retry_attempts
         AND c.scheduled_at IS NOT NULL AND c.scope_host IS NULL
      ON CONFLICT DO NOTHING
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM cut), (SELECT count(*) FROM queued) INTO n_cut, n_retry;
    UPDATE run SET host_id = NULL, hostname = NULL
     WHERE run.host_id = h.host_id AND run.status = 'queued';
    PERFORM pg_notify('${name}', json_build_object('k', 'host-dead', 'host', h.host_id)::text);
    RETURN QUERY SELECT h.host_id, h.hostname, n_cut, n_retry, h.how;
  END LOOP;
END $$;

-- A free live host takes one due queued run of a task it runs with the cluster's definition.
CREATE FUNCTION take_queued_v1(p_host uuid, p_hostname text, p_tasks text[])
RETURNS TABLE (run_id bigint, task text, scheduled_at timestamptz, attempt int)
LANGUAGE sql SET search_path = ${path} AS $$
  UPDATE run SET status = 'running', host_id = p_host, hostname = p_hostname, started_at = now()
   WHERE run.id = (SELECT r.id FROM run r JOIN task t ON t.name = r.task
                    WHERE r.status = 'queued' AND r.host_id IS NULL AND r.due_at <= now()
                      AND r.task = ANY (p_tasks)
                      AND NOT (t.held AND (t.held_until IS NULL OR t.held_until > now()))
                    ORDER BY r.due_at
                    FOR UPDATE OF r SKIP LOCKED LIMIT 1)
     -- fenced as claim_v1 is: live, and its lease not run out (a host past it may be reaped any moment)
     AND EXISTS (SELECT 1 FROM host WHERE host.host_id = p_host AND host.state = 'live'
                                      AND host.lease_until >= now())
  RETURNING run.id, run.task, run.scheduled_at, run.attempt
$$;
`;
}

function publishSql(name: string, path: string): string {
  return `
-- start publishes with p_force = false (only new tasks, or tasks whose publisher is no longer
-- live); reload with p_force = true (last writer wins). Returns the fingerprint in force.
CREATE FUNCTION publish_v1(p_task text, p_fingerprint text, p_host uuid, p_file_hold boolean,
                           p_retry_attempts int, p_retry_delay interval, p_retry_backoff float8,
                           p_retry_max_delay interval, p_retry_interrupted boolean,
                           p_kill_grace interval, p_force boolean)
RETURNS text
LANGUAGE plpgsql SET search_path = ${path} AS $$
DECLARE fp text;
BEGIN
  INSERT INTO task AS t (name, fingerprint, published_by, file_hold, held, held_at,
                         retry_attempts, retry_delay, retry_backoff, retry_max_delay,
                         retry_interrupted, kill_grace, revision)
  VALUES (p_task, p_fingerprint, p_host, p_file_hold, p_file_hold,
          CASE WHEN p_file_hold THEN now() END, p_retry_attempts, p_retry_delay, p_retry_backoff,
          p_retry_max_delay, p_retry_interrupted, p_kill_grace, nextval('control_seq'))
  ON CONFLICT (name) DO UPDATE
     SET fingerprint = excluded.fingerprint, published_by = excluded.published_by,
         published_at = now(), retired_at = NULL,
         file_hold = excluded.file_hold,
         held = CASE WHEN t.file_hold <> excluded.file_hold THEN excluded.file_hold ELSE t.held END,
         held_at = CASE WHEN t.file_hold <> excluded.file_hold
                        THEN CASE WHEN excluded.file_hold THEN now() END ELSE t.held_at END,
         held_until = CASE WHEN t.file_hold <> excluded.file_hold THEN NULL ELSE t.held_until END,
         hold_note = CASE WHEN t.file_hold <> excluded.file_hold THEN NULL ELSE t.hold_note END,
         held_by = CASE WHEN t.file_hold <> excluded.file_hold THEN NULL ELSE t.held_by END,
         reschedule = NULL, schedule_rev = t.schedule_rev + 1,
         retry_attempts = excluded.retry_attempts, retry_delay = excluded.retry_delay,
         retry_backoff = excluded.retry_backoff, retry_max_delay = excluded.retry_max_delay,
         retry_interrupted = excluded.retry_interrupted, kill_grace = excluded.kill_grace,
         revision = excluded.revision, updated_at = now()
   WHERE t.fingerprint <> excluded.fingerprint
     AND (p_force OR t.retired_at IS NOT NULL OR NOT EXISTS (
           SELECT 1 FROM host h WHERE h.host_id = t.published_by AND h.state IN ('live', 'leaving')))
  RETURNING t.fingerprint INTO fp;
  IF fp IS NULL THEN
    -- back in a live host's file: a change like retiring it (new revision, notified), so that
    -- peers resyncing by revision see it again
    UPDATE task t SET retired_at = NULL, revision = nextval('control_seq'), updated_at = now()
     WHERE t.name = p_task AND t.fingerprint = p_fingerprint AND t.retired_at IS NOT NULL;
    IF FOUND THEN
      PERFORM pg_notify('${name}', json_build_object('k', 'task', 'name', p_task)::text);
    END IF;
    SELECT t.fingerprint INTO fp FROM task t WHERE t.name = p_task;
  ELSE
    PERFORM pg_notify('${name}', json_build_object('k', 'task', 'name', p_task)::text);
  END IF;
  RETURN fp;
END $$;
`;
}

/**
 * Version 1 for the cluster `name`: tables, sequences, indexes and functions, to run with
 * `search_path` set to the cluster's schema. Every `pg_notify` sends on the channel `name`.
 */
export function schemaV1Sql(name: string): string {
  checkClusterName(name);
  const path = `${quoteIdent(name)}, pg_catalog`;
  return [tablesSql(), claimSql(name, path), reapSql(name, path), publishSql(name, path)].join('\n');
}
