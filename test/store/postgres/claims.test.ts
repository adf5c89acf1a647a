/**
 * claim_v1 through the data API, on a real throwaway PostgreSQL: every outcome, dependent runs,
 * three concurrent claimants of one instant, and a claim whose COMMIT reply is lost or whose
 * backend is killed mid-claim, retried with the same id and token: won exactly once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type ClaimOutcome, type ClaimParams, claim, claimUntil } from '../../../src/store/postgres/claims.js';
import { holdTask, resumeTask } from '../../../src/store/postgres/control.js';
import { leaveHost } from '../../../src/store/postgres/hosts.js';
import { type PgCluster, skipWithoutPg, startPgCluster } from '../../support/pg-cluster.js';
import { SCHEMA, TestDb, type TestHost, claimParams, publish } from './_pg.js';
import { ReplyDropper } from './_reply-dropper.js';

let cluster: PgCluster;
let db: TestDb;
let nextId = 1000;

function params(host: TestHost, at: number | null, overrides: Partial<ClaimParams> = {}): ClaimParams {
  nextId += 1;
  return claimParams(host, 'backup', at, nextId, overrides);
}

/** A whole second a little in the past: due, not early. */
function dueInstant(secondsAgo = 1): number {
  return Math.floor(Date.now() / 1000) * 1000 - secondsAgo * 1000;
}

describe.skipIf(skipWithoutPg)('claims (PostgreSQL)', () => {
  beforeAll(async () => {
    cluster = await startPgCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());
  afterEach(async () => db?.close());

  test('won, then lost for another host; the same token asking again is won (its earlier try committed)', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const [a, b] = [await db.host('host-a'), await db.host('host-b')];
    await publish(pool, a, 'backup');
    const at = dueInstant();
    const mine = params(a, at);
    expect(await claim(pool, SCHEMA, mine)).toEqual({ kind: 'won', runId: mine.runId });
    expect(await claim(pool, SCHEMA, params(b, at))).toEqual({ kind: 'lost', runId: mine.runId, byHost: 'host-a' });
    expect(await claim(pool, SCHEMA, mine)).toEqual({ kind: 'won', runId: mine.runId });
    expect(db.sql(`SELECT count(*), min(status), min(hostname) FROM taskkit.run`)).toBe('1|running|host-a');
    expect(
      db.sql(`SELECT scheduled_runs, (extract(epoch FROM last_scheduled_at) * 1000)::bigint FROM taskkit.task`),
    ).toBe(`1|${at}`);
  });

  test('fenced: a leaving host, a host whose lease ran out, an unknown incarnation', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const [a, b, c] = [await db.host('host-a'), await db.host('host-b'), await db.host('host-c')];
    await publish(pool, a, 'backup');
    await leaveHost(pool, SCHEMA, a.hostId);
    db.sql(`UPDATE taskkit.host SET lease_until = now() - interval '1 second' WHERE host_id = '${b.hostId}'`);
    const ghost = { ...c, hostId: '00000000-0000-4000-8000-000000000000' };
    for (const host of [a, b, ghost])
      expect(await claim(pool, SCHEMA, params(host, dueInstant()))).toEqual({ kind: 'fenced' });
    expect(db.sql('SELECT count(*) FROM taskkit.run')).toBe('0');
    expect((await claim(pool, SCHEMA, params(c, dueInstant()))).kind).toBe('won');
  });

  test('early: an instant over 1 s ahead of the database clock, with the database time', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const a = await db.host('host-a');
    await publish(pool, a, 'backup');
    const before = Date.now();
    const outcome = await claim(pool, SCHEMA, params(a, Date.now() + 5_000));
    expect(outcome.kind).toBe('early');
    const { dbNowMs } = outcome as Extract<ClaimOutcome, { kind: 'early' }>;
    expect(Math.abs(dbNowMs - before)).toBeLessThan(2_000);
    // Jitter counts: an instant now with 3 s of jitter is early too; 0.5 s ahead is not.
    expect((await claim(pool, SCHEMA, params(a, dueInstant(0), { jitterMs: 3_000 }))).kind).toBe('early');
    expect((await claim(pool, SCHEMA, params(a, Date.now() + 500))).kind).toBe('won');
    expect(db.sql('SELECT count(*) FROM taskkit.run')).toBe('1');
  });

  test('unknown-task, stale-definition, stale-schedule: nothing written', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const a = await db.host('host-a');
    await publish(pool, a, 'backup', 'fp-cluster');
    expect(await claim(pool, SCHEMA, params(a, dueInstant(), { task: 'nope' }))).toEqual({ kind: 'unknown-task' });
    expect(await claim(pool, SCHEMA, params(a, dueInstant(), { fingerprint: 'fp-mine' }))).toEqual({
      kind: 'stale-definition',
      fingerprint: 'fp-cluster',
    });
    expect(await claim(pool, SCHEMA, params(a, dueInstant(), { fingerprint: 'fp-cluster', scheduleRev: 7 }))).toEqual({
      kind: 'stale-schedule',
      scheduleRev: 1,
    });
    expect(db.sql('SELECT count(*) FROM taskkit.run')).toBe('0');
  });

  test('held (with its note) until resume; exhausted at max-runs; too-old at or before pruned_through', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const a = await db.host('host-a');
    await publish(pool, a, 'backup');
    await holdTask(pool, SCHEMA, 'backup', { note: 'disk swap', until: null, by: 'ops@a' });
    expect(await claim(pool, SCHEMA, params(a, dueInstant(3)))).toEqual({ kind: 'held', note: 'disk swap' });
    await resumeTask(pool, SCHEMA, 'backup');
    expect((await claim(pool, SCHEMA, params(a, dueInstant(2), { maxRuns: 1 }))).kind).toBe('won');
    expect(await claim(pool, SCHEMA, params(a, dueInstant(1), { maxRuns: 1 }))).toEqual({ kind: 'exhausted' });
    const pruned = dueInstant(10);
    db.sql(`UPDATE taskkit.task SET pruned_through = to_timestamp(${pruned} / 1000.0)`);
    expect(await claim(pool, SCHEMA, params(a, pruned))).toEqual({ kind: 'too-old' });
    expect(await claim(pool, SCHEMA, params(a, pruned - 1000))).toEqual({ kind: 'too-old' });
    expect((await claim(pool, SCHEMA, params(a, pruned + 1000))).kind).toBe('won');
  });

  test('skipped: past the deadline, or overlap skip while a run runs on a live host; one row per instant', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const [a, b] = [await db.host('host-a'), await db.host('host-b')];
    await publish(pool, a, 'backup');
    const late = params(a, dueInstant(10), { deadlineMs: 2_000 });
    const outcome = await claim(pool, SCHEMA, late);
    expect(outcome).toMatchObject({ kind: 'skipped', runId: late.runId });
    expect((outcome as { detail: string }).detail).toMatch(/past its deadline of 00:00:02/);
    // The instant's row is the skipped one: another host asking gets lost, not a second row.
    expect((await claim(pool, SCHEMA, params(b, late.at, { deadlineMs: 2_000 }))).kind).toBe('lost');
    const running = params(a, dueInstant(3), { overlap: 'skip' });
    expect((await claim(pool, SCHEMA, running)).kind).toBe('won');
    const next = await claim(pool, SCHEMA, params(b, dueInstant(2), { overlap: 'skip' }));
    expect(next).toMatchObject({ kind: 'skipped' });
    expect((next as { detail: string }).detail).toBe(`previous run #${running.runId} still running (overlap: skip)`);
    expect(db.sql(`SELECT string_agg(status, ',' ORDER BY scheduled_at) FROM taskkit.run`)).toBe(
      'skipped,running,skipped',
    );
  });

  test('a dependent run: one per parent in the cluster (run_cause); the same token again is won', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const [a, b] = [await db.host('host-a'), await db.host('host-b')];
    await publish(pool, a, 'report');
    const dependent = { task: 'report', trigger: 'dependency', causeRunId: 42 } as const;
    const mine = params(a, null, dependent);
    expect(await claim(pool, SCHEMA, mine)).toEqual({ kind: 'won', runId: mine.runId });
    expect(await claim(pool, SCHEMA, params(b, null, dependent))).toMatchObject({ kind: 'lost', runId: mine.runId });
    expect(await claim(pool, SCHEMA, mine)).toEqual({ kind: 'won', runId: mine.runId });
    expect((await claim(pool, SCHEMA, params(b, null, { ...dependent, causeRunId: 43 }))).kind).toBe('won');
    expect(db.sql('SELECT count(*) FROM taskkit.run')).toBe('2');
  });

  test('3 concurrent claimants of each of 30 instants: exactly one won per instant', async () => {
    db = await TestDb.create(cluster);
    const hosts = [await db.host('host-a'), await db.host('host-b'), await db.host('host-c')];
    const pools = [await db.pool(1), await db.pool(1), await db.pool(1)];
    await publish(pools[0]!, hosts[0]!, 'backup');
    const base = dueInstant(60);
    const wins = [0, 0, 0];
    for (let i = 0; i < 30; i++) {
      const outcomes = await Promise.all(
        hosts.map((host, h) => claim(pools[h]!, SCHEMA, params(host, base + i * 1000))),
      );
      expect(outcomes.filter((o) => o.kind === 'won')).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === 'lost')).toHaveLength(2);
      wins[outcomes.findIndex((o) => o.kind === 'won')]! += 1;
    }
    expect(db.sql(`SELECT count(*), count(DISTINCT scheduled_at) FROM taskkit.run`)).toBe('30|30');
    console.log(`[pg-store] 3-claimant race, 30 instants: wins per host ${wins.join('/')}`);
  });

  test('a lost COMMIT reply (the claim had committed): retried with the same id and token, won once', async () => {
    db = await TestDb.create(cluster);
    const dropper = await ReplyDropper.start(cluster.host, cluster.port);
    try {
      const pool = await db.pool();
      const viaProxy = await dropper.pool(db.url);
      const [a, b] = [await db.host('host-a'), await db.host('host-b')];
      await publish(pool, a, 'backup');
      const at = dueInstant();
      const mine = params(a, at);
      dropper.dropNextReplyTo('claim_v1');
      await expect(claim(viaProxy, SCHEMA, mine)).rejects.toThrow();
      expect(dropper.dropped).toBe(1);
      // It did commit: the row is there, and nobody else can have the instant.
      expect(db.sql(`SELECT id, status FROM taskkit.run`)).toBe(`${mine.runId}|running`);
      dropper.dropNextReplyTo('claim_v1');
      const outcome = await claimUntil(viaProxy, SCHEMA, mine, Date.now() + 10_000, { firstPauseMs: 20 });
      expect(outcome).toEqual({ kind: 'won', runId: mine.runId });
      expect(dropper.dropped).toBe(2);
      expect((await claim(pool, SCHEMA, params(b, at))).kind).toBe('lost');
      expect(db.sql(`SELECT count(*) FROM taskkit.run`)).toBe('1');
    } finally {
      await dropper.stop();
    }
  });

  test('its backend terminated mid-claim (nothing committed): retried with the same id, won once', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const blocker = await db.client();
    const a = await db.host('host-a');
    await publish(pool, a, 'backup');
    // Hold the task's claim lock so the claim waits inside claim_v1, then kill its backend.
    await blocker.query(`SELECT pg_advisory_lock(hashtextextended('taskkit/' || 'backup', 0))`);
    const mine = params(a, dueInstant());
    const pending = claimUntil(pool, SCHEMA, mine, Date.now() + 10_000, { firstPauseMs: 20 });
    let killed = '';
    for (let i = 0; i < 200 && killed === ''; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      killed = db.sql(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE query LIKE '%claim_v1%' AND wait_event_type = 'Lock'`,
      );
    }
    expect(killed).toBe('t');
    await blocker.query(`SELECT pg_advisory_unlock_all()`);
    expect(await pending).toEqual({ kind: 'won', runId: mine.runId });
    expect(db.sql(`SELECT id, status FROM taskkit.run`)).toBe(`${mine.runId}|running`);
  });

  test('a connection that never comes back: unknown at the give-up instant', async () => {
    const failing = {
      query: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    };
    let now = 0;
    const outcome = await claimUntil(failing, SCHEMA, params({ hostId: 'x', hostname: 'x' } as TestHost, 0), 1_000, {
      now: () => now,
      sleep: (ms) => ((now += ms), Promise.resolve()),
    });
    expect(outcome).toEqual({ kind: 'unknown', error: 'connect ECONNREFUSED' });
    expect(now).toBe(1_000);
  });
});
