/**
 * What the losers' fast path must be (CLUSTER.md section 3): one host wins 300 instants, then
 * another host loses each of them on one connection and on four, writing 0 bytes of WAL (a plain
 * read: no lock, no transaction id). How fast claims go (won >= 50/s, lost >= 1,000/s) is bench
 * scenario 10's to judge (`npm run bench`, bench/suite/10-cluster.js) on a quiet machine; here the
 * figures are only printed, as a shared loaded machine varies 2x between runs.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ClaimParams, claim } from '../../../src/store/postgres/claims.js';
import { type PgCluster, skipWithoutPg, startPgCluster } from '../../support/pg-cluster.js';
import { SCHEMA, TestDb, type TestHost, claimParams, publish } from './_pg.js';

let cluster: PgCluster;
let db: TestDb;
const N = 300;

function params(host: TestHost, at: number, runId: number): ClaimParams {
  return claimParams(host, 'tick', at, runId);
}

describe.skipIf(skipWithoutPg)('claim rate (PostgreSQL)', () => {
  beforeAll(async () => {
    cluster = await startPgCluster();
    db = await TestDb.create(cluster);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    cluster?.stop();
  });

  test(`${N} won, then ${N} lost on 1 and on 4 connections: losing writes no WAL`, async () => {
    const [a, b] = [await db.host('host-a'), await db.host('host-b')];
    const one = await db.pool(1);
    const four = await db.pool(4);
    await publish(one, a, 'tick');
    // Only the claims may write WAL in the windows measured: no autovacuum/analyze of the tables.
    for (const table of ['run', 'task', 'host'])
      db.sql(`ALTER TABLE taskkit.${table} SET (autovacuum_enabled = false)`);
    const base = Math.floor(Date.now() / 1000) * 1000 - N * 1000 - 10_000;
    const instants = Array.from({ length: N }, (_, i) => base + i * 1000);

    // The machine's pace: bare round trips on the same connection, the floor of any claim.
    let started = performance.now();
    for (let i = 0; i < N; i++) await one.query('SELECT 1');
    const bareRoundTrips = N / ((performance.now() - started) / 1000);

    started = performance.now();
    for (const [i, at] of instants.entries()) expect((await claim(one, SCHEMA, params(a, at, i + 1))).kind).toBe('won');
    const wonPerSecond = N / ((performance.now() - started) / 1000);

    const walBefore = db.sql('SELECT pg_current_wal_insert_lsn()');
    started = performance.now();
    for (const at of instants) expect((await claim(one, SCHEMA, params(b, at, 0))).kind).toBe('lost');
    const lostPerSecond = N / ((performance.now() - started) / 1000);
    const lostWal = Number(db.sql(`SELECT pg_current_wal_insert_lsn() - '${walBefore}'::pg_lsn`));
    const walAfterOne = db.sql('SELECT pg_current_wal_insert_lsn()');

    started = performance.now();
    let next = 0;
    await Promise.all(
      [0, 1, 2, 3].map(async () => {
        while (next < N) {
          const at = instants[next++]!;
          expect((await claim(four, SCHEMA, params(b, at, 0))).kind).toBe('lost');
        }
      }),
    );
    const lostPerSecond4 = N / ((performance.now() - started) / 1000);

    const lostWal4 = Number(db.sql(`SELECT pg_current_wal_insert_lsn() - '${walAfterOne}'::pg_lsn`));

    console.log(
      `[pg-store] bare round trips ${bareRoundTrips.toFixed(0)}/s; ` +
        `claims/s: won ${wonPerSecond.toFixed(0)} (1 connection), ` +
        `lost ${lostPerSecond.toFixed(0)} (1 connection), ${lostPerSecond4.toFixed(0)} (4 connections); ` +
        `WAL written by ${N} lost claims: ${lostWal} bytes, by ${N} more on 4 connections: ${lostWal4} bytes`,
    );
    // The losers' fast path is a plain read: no lock, no transaction id, no WAL.
    expect(lostWal).toBe(0);
    expect(lostWal4).toBe(0);
    // Exactly the winner's rows: losing wrote nothing.
    expect(db.sql(`SELECT count(*), count(DISTINCT hostname) FROM taskkit.run`)).toBe(`${N}|1`);
  });
});
