/**
 * The one file that loads node-postgres (CLUSTER.md section 10), with `await import('pg')` so
 * that nothing outside cluster mode loads it. It makes the two kinds of connection a daemon has:
 * a Pool of 2 for claims, control and history, and one dedicated Client for the session advisory
 * lock, LISTEN and the beats.
 *
 * Every connection has an 'error' listener from birth: PostgreSQL restarting ends every idle
 * connection with an 'error' event, and an unheard one ends Node. Errors go to `onError`; the
 * queries that were waiting reject on their own.
 *
 * int8 (bigint) columns arrive as numbers: run ids, sequences, counters and epoch milliseconds all
 * fit in 2^53. A value beyond it (a random 63-bit lock key) arrives as a BigInt, never rounded.
 */
import type * as Pg from 'pg';
import { TaskkitError } from '../../errors.js';
import { describeTarget, storeUrlProblem } from './store-url.js';

export type { Client, Pool, PoolClient, QueryResultRow } from 'pg';

export interface ConnectOptions {
  /** A postgres:// URL without password; null: the PG* variables (and ~/.pgpass) say where. */
  readonly url: string | null;
  /** Connection-level errors no query was waiting for (a restart, a dropped idle connection). */
  readonly onError?: (error: Error) => void;
  /** Default 3000 ms: a connection attempt that takes longer fails. */
  readonly connectionTimeoutMs?: number;
  /** Default 5000 ms: PostgreSQL cancels a statement that runs longer. */
  readonly statementTimeoutMs?: number;
  /** Default 2 (pool only). */
  readonly poolSize?: number;
}

export const POOL_SIZE = 2;
export const CONNECTION_TIMEOUT_MS = 3_000;
export const STATEMENT_TIMEOUT_MS = 5_000;
export const APPLICATION_NAME = 'taskkit';
export const KEEPALIVE_IDLE_MS = 10_000;

const INT8_OID = 20;

const importPg = () => import('pg');
type PgModule = Awaited<ReturnType<typeof importPg>>['default'];
let loaded: Promise<PgModule> | null = null;

/** node-postgres, loaded once, on first use. */
export function loadPg(): Promise<PgModule> {
  const loading = (loaded ??= importPg().then(
    (module) => module.default,
    (error: unknown) => {
      loaded = null;
      throw new TaskkitError(
        'STORE_UNAVAILABLE',
        'cluster mode needs node-postgres, the optional dependency "pg" (8.x), and it is not installed: ' +
          'npm install pg',
        { cause: error },
      );
    },
  ));
  return loading;
}

/** int8 as a number while exact, else a BigInt (never a silently rounded number). */
export function parseInt8(text: string): number | bigint {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : BigInt(text);
}

function clientConfig(pg: PgModule, options: ConnectOptions): Pg.ClientConfig {
  if (options.url !== null) {
    const problem = storeUrlProblem(options.url);
    if (problem !== null) throw new TaskkitError('USAGE', `cluster store: ${problem}`);
  }
  const builtIn = pg.types.getTypeParser as (oid: number, format: string) => (value: string) => unknown;
  const getTypeParser = (oid: number, format?: string): ((value: string) => unknown) =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : builtIn(oid, format ?? 'text');
  return {
    ...(options.url === null ? {} : { connectionString: options.url }),
    application_name: APPLICATION_NAME,
    keepAlive: true,
    // TCP keepalive probes after 10 s idle (not the system's 2 hours): a dead peer or a dropped
    // NAT entry shows up on an idle liveness connection (CLUSTER.md section 4 tcp_keepalives).
    keepAliveInitialDelayMillis: KEEPALIVE_IDLE_MS,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? CONNECTION_TIMEOUT_MS,
    statement_timeout: options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS,
    types: { getTypeParser },
  };
}

function reporter(options: ConnectOptions): (error: Error) => void {
  return (error) => options.onError?.(error);
}

/**
 * A Pool of 2 (claims, control, history). Nothing connects until the first query; a pool client
 * that dies idle is dropped by the pool and reported, one checked out fails its query.
 */
export async function createPool(options: ConnectOptions): Promise<Pg.Pool> {
  const pg = await loadPg();
  const report = reporter(options);
  const pool = new pg.Pool({ ...clientConfig(pg, options), max: options.poolSize ?? POOL_SIZE });
  pool.on('error', report);
  // A permanent listener on every client: one checked out when its connection drops (between two
  // queries of a transaction) would otherwise emit an 'error' nobody hears.
  pool.on('connect', (client) => client.on('error', report));
  return pool;
}

/**
 * A connected Client of its own (the liveness connection: advisory lock, LISTEN, beats). Its
 * 'error' goes to `onError`, its end is the caller's to watch ('end'). A failed connection throws
 * a STORE_UNAVAILABLE naming the target without password.
 */
export async function connectClient(options: ConnectOptions): Promise<Pg.Client> {
  const pg = await loadPg();
  const client = new pg.Client(clientConfig(pg, options));
  client.on('error', reporter(options));
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectionError(options.url, error, options.connectionTimeoutMs);
  }
  return client;
}

/** Checks that the store answers: a pool's first connection, with a clear error when it cannot. */
export async function checkReachable(pool: Pg.Pool, url: string | null): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    throw connectionError(url, error);
  }
}

/** "cannot connect to PostgreSQL at <target>: <why>", without password. */
export function connectionError(url: string | null, cause: unknown, timeoutMs = CONNECTION_TIMEOUT_MS): TaskkitError {
  const why = cause instanceof Error ? cause.message : String(cause);
  const hint = /timeout/i.test(why) ? ` (no answer within ${timeoutMs} ms)` : '';
  return new TaskkitError(
    'STORE_UNAVAILABLE',
    `cannot connect to PostgreSQL at ${describeTarget(url)}: ${why}${hint}`,
    { cause },
  );
}

/**
 * `fn` in one transaction on one pool client: COMMIT when it resolves, ROLLBACK when it throws.
 * A client whose connection failed is destroyed, not returned to the pool.
 */
export async function inTransaction<T>(pool: Pg.Pool, fn: (client: Pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    // release(error) destroys the client; a failed statement alone leaves it usable.
    client.release(failure !== undefined && isConnectionFailure(failure) ? failure : undefined);
  }
}

/**
 * Whether an error means the connection (not the statement) failed: not the server's, or class 08
 * (connection exception), 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now).
 * Then the COMMIT's outcome may be unknown, and the caller retries as CLUSTER.md section 3 says.
 */
export function isConnectionFailure(error: unknown): boolean {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  // The server's errors carry a severity and a SQLSTATE; socket errors (EPIPE, ECONNRESET) do not.
  if (typeof severity !== 'string' || typeof code !== 'string') return true;
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03';
}
