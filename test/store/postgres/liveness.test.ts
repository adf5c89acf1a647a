/**
 * Hosts, the reaper and queued pickup on a real throwaway PostgreSQL: register/beat/leave/gone as
 * `status` lists them; reap_v1's trust rule; a host whose lock is free and whose beat is old, and
 * one whose lease ran out, reaped with their running runs interrupted and opted-in retries queued
 * no earlier than lease_until + kill grace; three concurrent pickers each take a queued run once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { claim } from '../../../src/store/postgres/claims.js';
import {
  beat,
  goneHost,
  leaveHost,
  listHosts,
  measureClockOffset,
  pruneHosts,
  setHostTasks,
} from '../../../src/store/postgres/hosts.js';
import { takeQueued, type TakenRun, nextQueuedDue } from '../../../src/store/postgres/queued.js';
import { reap } from '../../../src/store/postgres/reaper.js';
import { type PgCluster, skipWithoutPg, startPgCluster } from '../../support/pg-cluster.js';
import { NO_RETRY, SCHEMA, TestDb, type TestHost, claimParams, publish } from './_pg.js';
import type { Pool } from '../../../src/store/postgres/connect.js';

let cluster: PgCluster;
let db: TestDb;
let nextId = 5000;

async function win(pool: Pool, host: TestHost, task: string, at: number): Promise<number> {
  nextId += 1;
  const outcome = await claim(pool, SCHEMA, claimParams(host, task, at, nextId));
  expect(outcome.kind).toBe('won');
  return nextId;
}

const RETRY_INTERRUPTED = {
  ...NO_RETRY,
  retryAttempts: 1,
  retryDelayMs: 500,
  retryInterrupted: true,
  killGraceMs: 2_000,
};

describe.skipIf(skipWithoutPg)('hosts, reaper, queued runs (PostgreSQL)', () => {
  beforeAll(async () => {
    cluster = await startPgCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());
  afterEach(async () => db?.close());

  test('register, beat, tasks, leave, gone: what status lists; old ended rows pruned', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const a = await db.host('host-a', { tasks: ['backup'], leaseMs: 30_000 });
    const b = await db.host('host-b');
    const sent = Date.now();
    const beaten = await beat(a.client, SCHEMA, a.hostId, 60_000, -12);
    expect(beaten.updated).toBe(1);
    // One machine, one clock: the measured offset is within the round trip.
    expect(Math.abs(measureClockOffset(sent, Date.now(), beaten.dbNowMs!))).toBeLessThanOrEqual(Date.now() - sent + 1);
    expect(measureClockOffset(1_000, 1_100, 40)).toBe(1_010);
    await setHostTasks(pool, SCHEMA, a.hostId, ['backup', 'report']);
    expect(await leaveHost(pool, SCHEMA, b.hostId)).toBe(true);
    // A leaving host still beats (its runs drain); gone ends it, and beats then find no row.
    expect((await beat(b.client, SCHEMA, b.hostId, 30_000, 0)).updated).toBe(1);
    expect(await goneHost(pool, SCHEMA, b.hostId)).toBe(true);
    expect(await beat(b.client, SCHEMA, b.hostId, 30_000, 0)).toEqual({ updated: 0, dbNowMs: null });
    const hosts = await listHosts(pool, SCHEMA);
    expect(hosts.map((h) => [h.hostname, h.state, h.endReason])).toEqual([
      ['host-a', 'live', null],
      ['host-b', 'gone', 'stopped'],
    ]);
    const live = hosts[0]!;
    expect(live).toMatchObject({ tasks: ['backup', 'report'], clockOffsetMs: -12, version: '0.1.0', pid: process.pid });
    expect(live.leaseLeftMs).toBeGreaterThan(55_000);
    expect(live.leaseLeftMs).toBeLessThanOrEqual(60_000);
    expect(await pruneHosts(pool, SCHEMA, 60_000)).toBe(0);
    db.sql(`UPDATE taskkit.host SET ended_at = now() - interval '2 minutes' WHERE state = 'gone'`);
    expect(await pruneHosts(pool, SCHEMA, 60_000)).toBe(1);
  });

  test('an untrusted reaper reaps nobody, even with every lock free and every lease run out', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const a = await db.host('host-a');
    await a.client.end();
    db.sql(`UPDATE taskkit.host SET lease_until = now() - interval '1 minute', beat_at = now() - interval '1 minute'`);
    expect(await reap(pool, SCHEMA, 2_000, false)).toEqual([]);
    expect(db.sql(`SELECT state FROM taskkit.host`)).toBe('live');
    expect(await reap(pool, SCHEMA, 2_000, true)).toMatchObject([{ hostname: 'host-a', how: 'lease expired' }]);
  });

  test('a dead process (lock free, old beat) is reaped: its runs interrupted, opted-in retries queued', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const [a, b] = [await db.host('host-a', { leaseMs: 30_000 }), await db.host('host-b')];
    await publish(pool, a, 'safe', 'fp1', { policy: RETRY_INTERRUPTED });
    await publish(pool, a, 'unsafe');
    const at = Math.floor(Date.now() / 1000) * 1000 - 1000;
    const safeRun = await win(pool, a, 'safe', at);
    await win(pool, a, 'unsafe', at);
    // Lock held, beat old: alive as far as the reaper can tell (a reconnect in progress).
    db.sql(`UPDATE taskkit.host SET beat_at = now() - interval '5 seconds' WHERE host_id = '${a.hostId}'`);
    expect(await reap(pool, SCHEMA, 2_000, true)).toEqual([]);
    await a.client.end(); // the process dies: PostgreSQL frees its session lock
    // Beat fresh: not yet past gone-after.
    db.sql(`UPDATE taskkit.host SET beat_at = now() WHERE host_id = '${a.hostId}'`);
    expect(await reap(pool, SCHEMA, 2_000, true)).toEqual([]);
    db.sql(`UPDATE taskkit.host SET beat_at = now() - interval '5 seconds' WHERE host_id = '${a.hostId}'`);
    const reaped = await reap(pool, SCHEMA, 2_000, true);
    expect(reaped).toEqual([
      { hostId: a.hostId, hostname: 'host-a', runsInterrupted: 2, retriesQueued: 1, how: 'connection lost' },
    ]);
    expect(db.sql(`SELECT state, end_reason FROM taskkit.host WHERE host_id = '${a.hostId}'`)).toBe(
      'dead|connection lost',
    );
    expect(
      db.sql(`SELECT string_agg(task || ':' || status || ':' || attempt, ',' ORDER BY task, attempt) FROM taskkit.run`),
    ).toBe('safe:interrupted:1,safe:queued:2,unsafe:interrupted:1');
    expect(db.sql(`SELECT error FROM taskkit.run WHERE id = ${safeRun}`)).toBe('host host-a stopped (connection lost)');
    // Due no earlier than the dead host's lease end + kill grace (2 s) + retry delay (0.5 s).
    expect(
      db.sql(
        `SELECT r.due_at >= h.lease_until + interval '2.5 seconds' FROM taskkit.run r, taskkit.host h
          WHERE r.status = 'queued' AND h.host_id = '${a.hostId}'`,
      ),
    ).toBe('t');
    expect(await reap(pool, SCHEMA, 2_000, true)).toEqual([]);
    // Not due yet: nobody takes it.
    expect(await takeQueued(pool, SCHEMA, b.hostId, b.hostname, ['safe'])).toBeNull();
    expect(await nextQueuedDue(pool, SCHEMA, ['safe'])).toBeGreaterThan(Date.now() + 20_000);
  });

  test('a host whose lease ran out is reaped though its lock is held (a frozen process, a partition)', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const a = await db.host('host-a');
    await publish(pool, a, 'safe', 'fp1', { policy: RETRY_INTERRUPTED });
    await win(pool, a, 'safe', Math.floor(Date.now() / 1000) * 1000 - 1000);
    db.sql(`UPDATE taskkit.host SET lease_until = now() - interval '10 milliseconds'`);
    expect(await reap(pool, SCHEMA, 60_000, true)).toMatchObject([
      { hostname: 'host-a', runsInterrupted: 1, retriesQueued: 1, how: 'lease expired' },
    ]);
    // The frozen host's next beat finds no live row: it must register anew.
    expect((await beat(a.client, SCHEMA, a.hostId, 30_000, 0)).updated).toBe(0);
  });

  test('a host whose lease ran out takes no queued run (fenced, as for claims)', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const a = await db.host('host-a');
    await publish(pool, a, 'safe', 'fp1', { policy: RETRY_INTERRUPTED });
    db.sql(
      `INSERT INTO taskkit.run (id, task, trigger, scheduled_at, attempt, status, due_at)
       VALUES (1, 'safe', 'retry', now() - interval '5 seconds', 2, 'queued', now() - interval '1 second')`,
    );
    db.sql(`UPDATE taskkit.host SET lease_until = now() - interval '10 milliseconds'`);
    expect(await takeQueued(pool, SCHEMA, a.hostId, a.hostname, ['safe'])).toBeNull();
    expect(db.sql(`SELECT status, host_id IS NULL FROM taskkit.run`)).toBe('queued|t');
    await beat(a.client, SCHEMA, a.hostId, 30_000, 0);
    expect(await takeQueued(pool, SCHEMA, a.hostId, a.hostname, ['safe'])).toMatchObject({ runId: 1, attempt: 2 });
  });

  test('SKIP LOCKED pickup: 3 concurrent pickers take each of 30 due queued runs exactly once', async () => {
    db = await TestDb.create(cluster);
    const hosts = [await db.host('host-a'), await db.host('host-b'), await db.host('host-c')];
    const pools = [await db.pool(1), await db.pool(1), await db.pool(1)];
    await publish(pools[0]!, hosts[0]!, 'safe', 'fp1', { policy: RETRY_INTERRUPTED });
    await publish(pools[0]!, hosts[0]!, 'other');
    db.sql(
      `INSERT INTO taskkit.run (id, task, trigger, scheduled_at, attempt, status, due_at)
       SELECT g, CASE WHEN g % 4 = 0 THEN 'other' ELSE 'safe' END, 'retry',
              now() - g * interval '1 second', 2, 'queued', now() - interval '1 second'
         FROM generate_series(1, 40) g`,
    );
    const taken: TakenRun[][] = [[], [], []];
    await Promise.all(
      hosts.map(async (host, h) => {
        for (;;) {
          const run = await takeQueued(pools[h]!, SCHEMA, host.hostId, host.hostname, ['safe']);
          if (run === null) return;
          taken[h]!.push(run);
        }
      }),
    );
    const ids = taken.flat().map((run) => run.runId);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    expect(taken.flat().every((run) => run.task === 'safe' && run.attempt === 2)).toBe(true);
    expect(db.sql(`SELECT count(*) FROM taskkit.run WHERE status = 'running' AND task = 'safe'`)).toBe('30');
    expect(db.sql(`SELECT count(*) FROM taskkit.run WHERE status = 'queued'`)).toBe('10');
    console.log(`[pg-store] SKIP LOCKED pickup of 30 runs by 3 pickers: ${taken.map((t) => t.length).join('/')}`);
  });
});
