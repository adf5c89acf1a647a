/**
 * Connections to a real PostgreSQL (test/support/pg-cluster.ts): a pool and a liveness client
 * through a fast restart and a crash of the server (no unhandled 'error' may reach Node: the
 * test setup turns one into a failure), clear errors for a wrong target within the timeout,
 * the PG* variables, and int8 values.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  type Client,
  connectClient,
  createPool,
  inTransaction,
  isConnectionFailure,
  type Pool,
} from '../../../src/store/postgres/connect.js';
import { type PgCluster, skipWithoutPg, startPgCluster } from '../../support/pg-cluster.js';
import { waitUntil } from '../../support/process-state.js';

let pg: PgCluster;
let db: string;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  if (skipWithoutPg) return;
  pg = await startPgCluster();
  db = await pg.createDatabase();
}, 60_000);

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close().catch(() => undefined)));
});

afterAll(() => pg?.stop());

async function pool(errors: Error[], url = pg.url(db)): Promise<Pool> {
  const made = await createPool({ url, onError: (error) => errors.push(error) });
  closers.push(() => made.end());
  return made;
}

async function client(errors: Error[]): Promise<Client> {
  const made = await connectClient({ url: pg.url(db), onError: (error) => errors.push(error) });
  closers.push(() => made.end());
  return made;
}

/** Both pool connections open and idle (two queries at once need two). */
async function warm(p: Pool): Promise<void> {
  await Promise.all([p.query('SELECT pg_sleep(0.05)'), p.query('SELECT pg_sleep(0.05)')]);
  expect(p.totalCount).toBe(2);
  expect(p.idleCount).toBe(2);
}

describe.skipIf(skipWithoutPg)('a PostgreSQL restart', () => {
  test.each(['fast restart', 'crash and start'])(
    '%s: idle connections report, nothing crashes, the pool recovers',
    async (how) => {
      const errors: Error[] = [];
      const p = await pool(errors);
      await warm(p);
      const liveness = await client(errors);
      let ended = false;
      liveness.on('end', () => (ended = true));
      // One connection checked out (as between two statements of a transaction), one idle.
      const held = await p.connect();

      if (how === 'fast restart') pg.restart('fast');
      else {
        pg.crash();
        pg.start();
      }

      await waitUntil(() => ended, 10_000, "the liveness client's end");
      // The server said goodbye to every connection: idle ones reported through onError.
      expect(errors.length).toBeGreaterThanOrEqual(1);
      // The checked-out one fails its next query as a connection failure, and is destroyed on release.
      const failure = await held.query('SELECT 1').then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).not.toBeNull();
      expect(isConnectionFailure(failure)).toBe(true);
      held.release(failure as Error);

      // The pool makes new connections on demand.
      const { rows } = await p.query<{ one: number }>('SELECT 1::int8 AS one');
      expect(rows).toEqual([{ one: 1 }]);
      // A transaction through inTransaction works on a fresh connection too.
      expect(await inTransaction(p, async (c) => (await c.query<{ n: number }>('SELECT 2 AS n')).rows[0]?.n)).toBe(2);
    },
  );
});

describe.skipIf(skipWithoutPg)('connections', () => {
  test('int8 arrives as a number, past 2^53 as a BigInt; other types as node-postgres parses them', async () => {
    const p = await pool([]);
    const { rows } = await p.query(
      `SELECT 9007199254740991::int8 AS safe, 9007199254740993::int8 AS big, -5::int8 AS neg,
              nextval('taskkit.run_id_block') AS block, 12.5::numeric AS num, 'x'::text AS t, true AS b`,
    );
    expect(rows[0]).toEqual({
      safe: 9007199254740991,
      big: 9007199254740993n,
      neg: -5,
      block: 64,
      num: '12.5',
      t: 'x',
      b: true,
    });
  });

  test('sessions say who they are and carry the timeouts', async () => {
    const c = await client([]);
    const { rows } = await c.query<Record<string, string>>(
      `SELECT current_setting('application_name') AS app, current_setting('statement_timeout') AS st`,
    );
    expect(rows[0]).toEqual({ app: 'taskkit', st: '5s' });
  });

  test('no URL: the PG* variables say where', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, pg.env, { PGDATABASE: db });
    try {
      const c = await connectClient({ url: null });
      closers.push(() => c.end());
      const { rows } = await c.query<{ db: string }>('SELECT current_database() AS db');
      expect(rows).toEqual([{ db }]);
    } finally {
      for (const key of ['PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });

  test('a database that does not exist: a clear error naming the target', async () => {
    const url = pg.url('nope');
    await expect(connectClient({ url })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: `cannot connect to PostgreSQL at ${url}: database "nope" does not exist`,
    });
  });
});

describe('wrong targets', () => {
  let dir: string;
  let server: Server | null = null;
  const sockets: Socket[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tk-pg-silent-'));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => (server === null ? resolve(null) : server.close(resolve)));
    rmSync(dir, { recursive: true, force: true });
  });

  test('nothing listens: refused at once, naming the target', async () => {
    const url = `postgres:///x?host=${encodeURIComponent(dir)}&port=1&user=someone`;
    const started = Date.now();
    await expect(connectClient({ url })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: expect.stringMatching(new RegExp(`^cannot connect to PostgreSQL at postgres:///x\\?host=.* ENOENT`)),
    });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test('a server that never answers: a timeout error within the connection timeout', async () => {
    server = createServer((socket) => sockets.push(socket)); // accepts, says nothing
    const port = 5;
    await new Promise<void>((resolve) => server!.listen(join(dir, `.s.PGSQL.${port}`), resolve));
    const url = `postgres://someone@localhost/x?host=${encodeURIComponent(dir)}&port=${port}`;
    const started = Date.now();
    const refused = connectClient({ url, connectionTimeoutMs: 300 });
    await expect(refused).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(refused).rejects.toThrow(
      /^cannot connect to PostgreSQL at postgres:\/\/someone@localhost\/x.*timeout.* \(no answer within 300 ms\)$/,
    );
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(280);
    expect(took).toBeLessThan(2_000);
  });

  test('a URL with a password is refused before any connection, without showing it', async () => {
    const refused = connectClient({ url: 'postgres://u:s3cret@db.example/x' });
    await expect(refused).rejects.toMatchObject({ code: 'USAGE' });
    await expect(refused).rejects.toThrow(
      'cluster store: the URL "postgres://u:***@db.example/x" carries a password: put it in ~/.pgpass or PGPASSWORD',
    );
  });
});
