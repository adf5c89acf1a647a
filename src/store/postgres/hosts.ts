/**
 * Host incarnations (CLUSTER.md section 4): register on the liveness connection (advisory lock,
 * LISTEN, row), beat, the task list, a graceful stop, and the rows `status` shows.
 */
import { randomBytes } from 'node:crypto';
import { protocolError } from './db-errors.js';
import { listenSql, quoteIdent } from './cluster-name.js';
import { type Queryable, msOf, toNumber, toNumberOrNull } from './queryable.js';

/** Who this daemon incarnation is. */
export interface HostRegistration {
  /** Random per start (crypto.randomUUID()). */
  readonly hostId: string;
  /** os.hostname(): the stable name runs and status show. */
  readonly hostname: string;
  readonly pid: number;
  /** taskkit's version. */
  readonly version: string;
  /** Digest of the tasks file (status compares hosts' files). */
  readonly fileDigest: string;
  /** The task names of its file (a task in no live host's file is retired). */
  readonly tasks: readonly string[];
  readonly leaseMs: number;
}

/** What register hands back: the key of the session lock this connection now holds. */
export interface Registered {
  /** A positive 63-bit key, as a decimal string (bigint). */
  readonly lockKey: string;
  /** The database clock when the row was written (epoch ms). */
  readonly dbNowMs: number;
}

/** A random positive 63-bit advisory lock key, as a decimal string. */
export function randomLockKey(): string {
  const key = randomBytes(8).readBigUInt64BE() & 0x7fff_ffff_ffff_ffffn;
  return (key === 0n ? 1n : key).toString();
}

/**
 * Register, on the dedicated liveness client and in this order: the session-level advisory lock
 * (PostgreSQL frees it when the connection dies: reapers see the process is gone), LISTEN on the
 * cluster's channel, then the host row with its first lease.
 */
export async function registerHost(client: Queryable, schema: string, host: HostRegistration): Promise<Registered> {
  const lockKey = randomLockKey();
  await client.query('SELECT pg_advisory_lock($1::bigint)', [lockKey]);
  await client.query(listenSql(schema));
  const { rows } = await client.query<{ now_ms: string }>(
    `INSERT INTO ${quoteIdent(schema)}.host
       (host_id, hostname, pid, version, file_digest, tasks, lock_key, lease_until)
     VALUES ($1::uuid, $2, $3::int, $4, $5, $6::text[], $7::bigint, now() + $8::float8 * interval '1 millisecond')
     RETURNING ${msOf('clock_timestamp()')} AS now_ms`,
    [host.hostId, host.hostname, host.pid, host.version, host.fileDigest, host.tasks, lockKey, host.leaseMs],
  );
  const row = rows[0];
  if (row === undefined) throw protocolError('registering the host returned no row');
  return { lockKey, dbNowMs: toNumber(row.now_ms) };
}

/** A beat's answer. */
export interface BeatResult {
  /** 1: the lease was extended; 0: this incarnation was reaped (or is gone): register anew. */
  readonly updated: number;
  /** clock_timestamp() when the beat ran (epoch ms), for the clock offset; null when 0 rows. */
  readonly dbNowMs: number | null;
}

/**
 * Extend the lease (database clock) and record the host's measured clock offset (host minus
 * database, ms), while live or leaving (a leaving host beats until its runs have drained).
 */
export async function beat(
  client: Queryable,
  schema: string,
  hostId: string,
  leaseMs: number,
  clockOffsetMs: number | null,
): Promise<BeatResult> {
  const { rows } = await client.query<{ now_ms: string }>(
    `UPDATE ${quoteIdent(schema)}.host
        SET beat_at = now(), lease_until = now() + $2::float8 * interval '1 millisecond', clock_offset_ms = $3::int
      WHERE host_id = $1::uuid AND state IN ('live', 'leaving')
      RETURNING ${msOf('clock_timestamp()')} AS now_ms`,
    [hostId, leaseMs, clockOffsetMs === null ? null : Math.round(clockOffsetMs)],
  );
  const row = rows[0];
  return { updated: rows.length, dbNowMs: row === undefined ? null : toNumber(row.now_ms) };
}

/**
 * Host clock minus database clock, from a beat sent at `sentAt` and answered at `receivedAt`
 * (host clock, ms) with the database's `dbNowMs`: the database read its clock about halfway.
 */
export function measureClockOffset(sentAt: number, receivedAt: number, dbNowMs: number): number {
  return Math.round((sentAt + receivedAt) / 2 - dbNowMs);
}

/** The task names of this host's file (at start and at each reload). */
export async function setHostTasks(
  db: Queryable,
  schema: string,
  hostId: string,
  tasks: readonly string[],
): Promise<void> {
  await db.query(`UPDATE ${quoteIdent(schema)}.host SET tasks = $2::text[] WHERE host_id = $1::uuid`, [hostId, tasks]);
}

/** Graceful stop, step 1: `leaving` (its claims answer fenced; it keeps beating). true if it was live. */
export async function leaveHost(db: Queryable, schema: string, hostId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE ${quoteIdent(schema)}.host SET state = 'leaving' WHERE host_id = $1::uuid AND state = 'live'`,
    [hostId],
  );
  return (rowCount ?? 0) > 0;
}

/** Graceful stop, last step, once its runs have drained: `gone`, with why. */
export async function goneHost(db: Queryable, schema: string, hostId: string, reason = 'stopped'): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE ${quoteIdent(schema)}.host SET state = 'gone', ended_at = now(), end_reason = $2
      WHERE host_id = $1::uuid AND state IN ('live', 'leaving')`,
    [hostId, reason],
  );
  return (rowCount ?? 0) > 0;
}

export type HostState = 'live' | 'leaving' | 'dead' | 'gone';

/** A host row as `status` shows it (times in epoch ms, database clock). */
export interface HostView {
  readonly hostId: string;
  readonly hostname: string;
  readonly pid: number;
  readonly version: string;
  readonly fileDigest: string;
  readonly tasks: readonly string[];
  readonly state: HostState;
  readonly startedAt: number;
  readonly beatAt: number;
  readonly leaseUntil: number;
  /** lease_until minus the database's now(): negative once run out. */
  readonly leaseLeftMs: number;
  /** Host clock minus database clock at its last beat, or null before the first. */
  readonly clockOffsetMs: number | null;
  readonly endedAt: number | null;
  /** 'stopped', 'lease expired', 'connection lost', or null while live. */
  readonly endReason: string | null;
}

interface HostRow {
  host_id: string;
  hostname: string;
  pid: number;
  version: string;
  file_digest: string;
  tasks: string[];
  state: HostState;
  started_at: string;
  beat_at: string;
  lease_until: string;
  lease_left_ms: string;
  clock_offset_ms: number | null;
  ended_at: string | null;
  end_reason: string | null;
}

/**
 * Host rows for `status`: live and leaving ones, then ended ones newest first (at most
 * `endedLimit`, default 20: old incarnations pile up until pruned).
 */
export async function listHosts(db: Queryable, schema: string, endedLimit = 20): Promise<HostView[]> {
  const table = `${quoteIdent(schema)}.host h`;
  const { rows } = await db.query<HostRow>(
    `SELECT * FROM (
       (SELECT ${HOST_COLUMNS}, 0 AS part FROM ${table} WHERE h.state IN ('live', 'leaving'))
       UNION ALL
       (SELECT ${HOST_COLUMNS}, 1 AS part FROM ${table} WHERE h.state IN ('dead', 'gone')
         ORDER BY h.ended_at DESC NULLS LAST LIMIT $1::int)) x
     ORDER BY part, ended_at DESC NULLS LAST, hostname`,
    [endedLimit],
  );
  return rows.map(toHostView);
}

const HOST_COLUMNS =
  `h.host_id::text AS host_id, h.hostname, h.pid, h.version, h.file_digest, h.tasks, h.state, ` +
  `${msOf('h.started_at')} AS started_at, ${msOf('h.beat_at')} AS beat_at, ` +
  `${msOf('h.lease_until')} AS lease_until, ${msOf('h.lease_until - now()')} AS lease_left_ms, ` +
  `h.clock_offset_ms, ${msOf('h.ended_at')} AS ended_at, h.end_reason`;

function toHostView(row: HostRow): HostView {
  return {
    hostId: row.host_id,
    hostname: row.hostname,
    pid: row.pid,
    version: row.version,
    fileDigest: row.file_digest,
    tasks: row.tasks,
    state: row.state,
    startedAt: toNumber(row.started_at),
    beatAt: toNumber(row.beat_at),
    leaseUntil: toNumber(row.lease_until),
    leaseLeftMs: toNumber(row.lease_left_ms),
    clockOffsetMs: row.clock_offset_ms,
    endedAt: toNumberOrNull(row.ended_at),
    endReason: row.end_reason,
  };
}

/** Delete ended incarnations (dead, gone) that ended more than `olderThanMs` ago; returns how many. */
export async function pruneHosts(db: Queryable, schema: string, olderThanMs: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM ${quoteIdent(schema)}.host
      WHERE state IN ('dead', 'gone') AND ended_at < now() - $1::float8 * interval '1 millisecond'`,
    [olderThanMs],
  );
  return rowCount ?? 0;
}
