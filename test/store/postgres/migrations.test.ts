/**
 * The cluster schema's migrations on a real PostgreSQL (test/support/pg-cluster.ts): a fresh
 * database, a second start, three daemons starting at once, a schema from a newer taskkit, and
 * two clusters sharing one database through their names (schema and NOTIFY channel).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Client, Notification } from 'pg';
import { connectClient } from '../../../src/store/postgres/connect.js';
import { clusterNameProblem, listenSql, quoteIdent } from '../../../src/store/postgres/cluster-name.js';
import { migrate, PG_SCHEMA_VERSION, readSchemaVersions } from '../../../src/store/postgres/migrations.js';
import { type PgCluster, skipWithoutPg, startPgCluster } from '../../support/pg-cluster.js';
import { waitUntil } from '../../support/process-state.js';

let pg: PgCluster;
const open: Client[] = [];

async function client(db: string): Promise<Client> {
  const c = await connectClient({ url: pg.url(db) });
  open.push(c);
  return c;
}

beforeAll(async () => {
  if (skipWithoutPg) return;
  pg = await startPgCluster();
  console.log(`[pg] cluster up: ${JSON.stringify(pg.timings)} ms`);
}, 60_000);

afterAll(async () => {
  await Promise.all(open.map((c) => c.end().catch(() => undefined)));
  pg?.stop();
});

describe('cluster names', () => {
  test('are checked before they reach SQL', () => {
    expect(clusterNameProblem('taskkit')).toBeNull();
    expect(clusterNameProblem('_a1')).toBeNull();
    for (const bad of ['Taskkit', '1abc', 'a-b', 'a"b', '', 'x'.repeat(42), 'pg_mine']) {
      expect(clusterNameProblem(bad), bad).not.toBeNull();
    }
    expect(() => quoteIdent('a"; DROP SCHEMA x; --')).toThrow(/not a cluster name/);
    // A keyword is a fine name once quoted.
    expect(listenSql('select')).toBe('LISTEN "select"');
  });
});

describe.skipIf(skipWithoutPg)('migrations', () => {
  test('a fresh database gets the whole schema, then a second start changes nothing', async () => {
    const db = await client(await pg.createDatabase({ empty: true }));
    expect(await readSchemaVersions(db, 'taskkit')).toBeNull();
    const first = await migrate(db, 'taskkit');
    expect(first).toEqual({ schema: 'taskkit', from: 0, to: PG_SCHEMA_VERSION, minCompatible: 1, applied: [1] });
    const { rows } = await db.query<{ proname: string }>(
      `SELECT proname FROM pg_proc WHERE pronamespace = 'taskkit'::regnamespace ORDER BY proname`,
    );
    expect(rows.map((r) => r.proname)).toEqual(['claim_v1', 'publish_v1', 'reap_v1', 'settled_v1', 'take_queued_v1']);
    const tables = await db.query<{ relname: string }>(
      `SELECT relname FROM pg_class WHERE relnamespace = 'taskkit'::regnamespace AND relkind IN ('r', 'S')
        ORDER BY relname`,
    );
    expect(tables.rows.map((r) => r.relname)).toEqual(['control_seq', 'host', 'meta', 'run', 'run_id_block', 'task']);
    // Run ids come in blocks of 64: [v - 63, v].
    const blocks = await db.query<{ v: number }>(`SELECT nextval('taskkit.run_id_block') AS v`);
    expect(blocks.rows[0]?.v).toBe(64);

    const again = await migrate(db, 'taskkit');
    expect(again).toEqual({ schema: 'taskkit', from: 1, to: 1, minCompatible: 1, applied: [] });
  });

  test('a database made from the template is already migrated', async () => {
    const db = await client(await pg.createDatabase());
    expect(await readSchemaVersions(db, 'taskkit')).toEqual({ version: PG_SCHEMA_VERSION, minCompatible: 1 });
    expect((await migrate(db, 'taskkit')).applied).toEqual([]);
  });

  test('three daemons starting at once: one migrates, the others find it done', async () => {
    const name = await pg.createDatabase({ empty: true });
    const daemons = await Promise.all([client(name), client(name), client(name)]);
    const results = await Promise.all(daemons.map((db) => migrate(db, 'taskkit')));
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, 1]);
    for (const result of results) expect(result.to).toBe(PG_SCHEMA_VERSION);
    const meta = await daemons[0].query<{ key: string; value: string }>('SELECT * FROM taskkit.meta ORDER BY key');
    expect(meta.rows).toEqual([
      { key: 'min_compatible_version', value: '1' },
      { key: 'schema_version', value: String(PG_SCHEMA_VERSION) },
    ]);
  });

  test('a schema a newer taskkit contracted is refused, naming both versions and the schema', async () => {
    const db = await client(await pg.createDatabase());
    await db.query(`UPDATE taskkit.meta SET value = '3' WHERE key = 'schema_version'`);
    await db.query(`UPDATE taskkit.meta SET value = '2' WHERE key = 'min_compatible_version'`);
    const refused = migrate(db, 'taskkit');
    await expect(refused).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(refused).rejects.toThrow(
      'PostgreSQL schema "taskkit" is at schema version 3 and needs taskkit builds of schema version 2 ' +
        `or later (min_compatible_version); this taskkit knows schema version ${PG_SCHEMA_VERSION}: ` +
        'upgrade taskkit on this host',
    );
  });

  test('a newer schema that still admits this build (expand step) is used as it is', async () => {
    const db = await client(await pg.createDatabase());
    await db.query(`UPDATE taskkit.meta SET value = '2' WHERE key = 'schema_version'`);
    expect(await migrate(db, 'taskkit')).toEqual({ schema: 'taskkit', from: 2, to: 2, minCompatible: 1, applied: [] });
    const meta = await db.query<{ value: string }>(`SELECT value FROM taskkit.meta WHERE key = 'schema_version'`);
    expect(meta.rows[0]?.value).toBe('2');
  });

  test("a schema of that name holding someone else's tables is refused", async () => {
    const db = await client(await pg.createDatabase({ empty: true }));
    await db.query('CREATE SCHEMA theirs; CREATE TABLE theirs.accounts (id int)');
    await expect(migrate(db, 'theirs')).rejects.toThrow(
      'PostgreSQL schema "theirs" exists and is not a taskkit cluster (no meta table, 1 objects)',
    );
    // An empty schema made by an administrator (owning it, granting us CREATE) is taken.
    await db.query('CREATE SCHEMA ours');
    expect((await migrate(db, 'ours')).applied).toEqual([1]);
  });

  test('two clusters share a database: own tables, own NOTIFY channel', async () => {
    const name = await pg.createDatabase({ empty: true });
    const db = await client(name);
    await migrate(db, 'alpha');
    await migrate(db, 'beta');
    const listener = await client(name);
    const heard: Notification[] = [];
    listener.on('notification', (n) => heard.push(n));
    await listener.query(listenSql('alpha'));
    await listener.query(listenSql('beta'));
    await listener.query(listenSql('taskkit'));

    const publish = (schema: string, task: string) =>
      db.query<{ fp: string }>(
        `SELECT ${schema}.publish_v1($1, 'fp1', gen_random_uuid(), false, 0, '0', 1, '1 day', false, '10 s', false)
           AS fp`,
        [task],
      );
    expect((await publish('alpha', 'backup')).rows[0]?.fp).toBe('fp1');
    const alphaTasks = await db.query('SELECT name FROM alpha.task');
    const betaTasks = await db.query('SELECT name FROM beta.task');
    expect(alphaTasks.rows).toEqual([{ name: 'backup' }]);
    expect(betaTasks.rows).toEqual([]);

    // A dead host of beta: reap_v1 tells beta's channel.
    await db.query(
      `INSERT INTO beta.host (host_id, hostname, pid, version, file_digest, lock_key, lease_until)
       VALUES ('00000000-0000-4000-8000-000000000001', 'b1', 1, '0', 'd', 42, now() - interval '1 minute')`,
    );
    const reaped = await db.query(`SELECT hostname, how FROM beta.reap_v1('10 seconds', true)`);
    expect(reaped.rows).toEqual([{ hostname: 'b1', how: 'lease expired' }]);
    expect(await db.query(`SELECT * FROM alpha.reap_v1('10 seconds', true)`)).toMatchObject({ rowCount: 0 });

    await waitUntil(() => heard.length >= 2, 5_000, 'two notifications');
    expect(heard.map((n) => [n.channel, JSON.parse(n.payload ?? '') as unknown])).toEqual([
      ['alpha', { k: 'task', name: 'backup' }],
      ['beta', { k: 'host-dead', host: '00000000-0000-4000-8000-000000000001' }],
    ]);
  });
});
