/**
 * How fast claims go (CLUSTER.md section 12: won >= 50/s, lost >= 1,000/s): one host wins 300
 * instants one after another on one connection, then another host loses each of them, on one
 * connection and on four. Prints the figures beside bare round trips (the shared machine's pace
 * decides the absolute figures); fails when winning is below 50/s, when losing writes any WAL, or
 * when a lost claim costs more than eight bare round trips (a loaded 2-core machine varies).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ClaimParams, claim, newClaimToken } from '../../../src/store/postgres/claims.js';
import { type PgCluster, skipWithoutPg, startPgCluster } from '../../support/pg-cluster.js';
import { SCHEMA, TestDb, type TestHost, publish } from './_pg.js';

let cluster: PgCluster;
let db: TestDb;
const N = 300;

function params(host: TestHost, at: number, runId: number): ClaimParams {
  return {
    task: 'tick',
    at,
    attempt: 1,
    trigger: 'schedule',
    hostId: host.hostId,
    hostname: host.hostname,
    runId,
    token: newClaimToken(),
    fingerprint: 'fp1',
    scheduleRev: 1,
    overlap: 'allow',
    maxRuns: null,
    deadlineMs: null,
    jitterMs: 0,
  };
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

  test(`${N} won, then ${N} lost on 1 and on 4 connections`, async () => {
    const [a, b] = [await db.host('host-a'), await db.host('host-b')];
    const one = await db.pool(1);
    const four = await db.pool(4);
    await publish(one, a, 'tick');
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

    const line =
      `[pg-store] bare round trips ${bareRoundTrips.toFixed(0)}/s; ` +
      `claims/s: won ${wonPerSecond.toFixed(0)} (1 connection), ` +
      `lost ${lostPerSecond.toFixed(0)} (1 connection), ${lostPerSecond4.toFixed(0)} (4 connections); ` +
      `WAL written by ${N} lost claims: ${lostWal} bytes`;
    console.log(line);
    expect(wonPerSecond).toBeGreaterThanOrEqual(50);
    // The losers' fast path is a plain read: no lock, no transaction id, no WAL, about one round trip.
    expect(lostWal).toBe(0);
    expect(lostPerSecond).toBeGreaterThanOrEqual(bareRoundTrips / 8);
  });
});
