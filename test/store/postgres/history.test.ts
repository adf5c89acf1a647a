/**
 * The cluster history on a real throwaway PostgreSQL: the run writer (batched, ordered, retried
 * through an outage and a server crash, a refused row dropped alone), the reads in store.ts's
 * shapes plus the host, retention raising pruned_through (a later claim of a pruned instant is
 * too-old), and run ids from prefetched blocks.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { RunRecord } from '../../../src/engine/run.js';
import { claim, newClaimToken } from '../../../src/store/postgres/claims.js';
import { getRun, lastRuns, latestRun, listRuns, runStats } from '../../../src/store/postgres/history.js';
import type { Queryable } from '../../../src/store/postgres/queryable.js';
import { RunIdBlocks, fetchRunIdBlock } from '../../../src/store/postgres/run-ids.js';
import { recordInstantSkip } from '../../../src/store/postgres/instant-skip.js';
import { RunWriter } from '../../../src/store/postgres/run-writer.js';
import { type PgCluster, skipWithoutPg, startPgCluster } from '../../support/pg-cluster.js';
import { makeRun } from '../_support.js';
import { SCHEMA, TestDb, type TestHost, publish } from './_pg.js';

let cluster: PgCluster;
let db: TestDb;

const T0 = Date.parse('2026-07-01T08:00:00.000Z');

/** Where a `scope: host` run of `host` is written (inserted as it comes). */
function place(host: TestHost) {
  return { hostId: host.hostId, hostname: host.hostname, scopeHost: host.hostname };
}

/** Where a cluster run of `host` is written (only over its claim's row when it has an instant). */
function clusterPlace(host: TestHost) {
  return { hostId: host.hostId, hostname: host.hostname };
}

let nextRunId = 1000;

/** Claim instant `at` of `task` for `host` (won), as the engine's run `runId`. */
async function claimed(pool: Queryable, host: TestHost, at: number, runId = ++nextRunId, task = 'backup') {
  const outcome = await claim(pool, SCHEMA, {
    ...{ task, at, attempt: 1, trigger: 'schedule', hostId: host.hostId, hostname: host.hostname },
    ...{ runId, token: newClaimToken(), fingerprint: 'fp1', scheduleRev: 1, overlap: 'allow' },
    ...{ maxRuns: null, deadlineMs: null, jitterMs: 0 },
  });
  return outcome;
}

/** A Queryable that counts statements and fails the first `failures` with a lost connection. */
function flaky(inner: Queryable, failures: number): Queryable & { calls: number } {
  const wrapper = {
    calls: 0,
    query: (text: string, values?: readonly unknown[]) => {
      wrapper.calls += 1;
      if (wrapper.calls <= failures)
        return Promise.reject(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
      return inner.query(text, values);
    },
  };
  return wrapper as Queryable & { calls: number };
}

describe.skipIf(skipWithoutPg)('cluster history (PostgreSQL)', () => {
  beforeAll(async () => {
    cluster = await startPgCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());
  afterEach(async () => db?.close());

  test('a run written and read back whole (stop, skip facts, result, output bytes), with its host', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const a = await db.host('host-a');
    const writer = new RunWriter({ db: pool, schema: SCHEMA });
    const stopped = makeRun({
      id: 11,
      status: 'timed-out',
      stop: { cause: 'timeout', afterMs: 5000, signals: ['SIGTERM'], killAfterMs: 2000, abandoned: null },
      result: { rows: 3, note: 'ok' },
    });
    const skipped = makeRun({
      id: 12,
      status: 'skipped',
      scheduledAt: T0 + 60_000,
      createdAt: T0 + 60_000,
      startedAt: null,
      endedAt: null,
      exitCode: null,
      pid: null,
      output: Buffer.alloc(0),
      outputBytes: 0,
      error: 'held',
      skip: { reason: 'held', count: 40, more: false, lastAt: T0 + 100_000 },
      attempt: 1,
    });
    writer.save(stopped, place(a));
    writer.save(skipped, place(a), 50);
    await writer.flush();
    expect(await getRun(pool, SCHEMA, 11)).toEqual({ ...stopped, host: 'host-a' });
    const { output: _o, ...skippedSummary } = skipped;
    expect(await listRuns(pool, SCHEMA, { skipped: true })).toEqual([{ ...skippedSummary, host: 'host-a' }]);
    expect((await listRuns(pool, SCHEMA, { stopCause: 'timeout' })).map((r) => r.id)).toEqual([11]);
    expect((await listRuns(pool, SCHEMA, { failed: true })).map((r) => r.id)).toEqual([11]);
    expect((await listRuns(pool, SCHEMA, { since: T0 + 30_000 })).map((r) => r.id)).toEqual([12]);
    expect((await listRuns(pool, SCHEMA, { task: 'backup', limit: 1 })).map((r) => r.id)).toEqual([12]);
    expect((await latestRun(pool, SCHEMA, 'backup'))?.id).toBe(12);
    expect((await lastRuns(pool, SCHEMA)).map((r) => r.id)).toEqual([11]);
    expect(await runStats(pool, SCHEMA, 'backup')).toEqual({ task: 'backup', succeeded: 0, failed: 1, successRate: 0 });
    expect(await getRun(pool, SCHEMA, 999)).toBeNull();
  });

  test('output bytes stored exactly (NUL, invalid UTF-8); a null result stays a result; NUL escapes only', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const a = await db.host('host-a');
    const writer = new RunWriter({ db: pool, schema: SCHEMA });
    const bytes = Buffer.from([0x00, 0x41, 0xff, 0xfe, 0x0a, 0x00, 0xe2, 0x9c]);
    const binary = makeRun({ id: 21, scheduledAt: T0 + 21, output: bytes, outputBytes: bytes.length, result: null });
    // A NUL inside a string cannot live in jsonb (dropped); the text backslash + u0000 can and stays.
    const texts = makeRun({ id: 22, scheduledAt: T0 + 22, result: { nul: 'a\u0000b', literal: 'c\\u0000d' } });
    const plain = makeRun({ id: 23, scheduledAt: T0 + 23 });
    for (const run of [binary, texts, plain]) writer.save(run, place(a));
    await writer.flush();
    expect(await getRun(pool, SCHEMA, 21)).toEqual({ ...binary, host: 'host-a' });
    expect((await getRun(pool, SCHEMA, 22))?.result).toEqual({ nul: 'ab', literal: 'c\\u0000d' });
    expect(await getRun(pool, SCHEMA, 23)).toEqual({ ...plain, host: 'host-a' });
    expect(await getRun(pool, SCHEMA, 23)).not.toHaveProperty('result');
  });

  test('saves of one turn are one statement; a later save of a run wins; rows go out in order', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const a = await db.host('host-a');
    const counted = flaky(pool, 0);
    const writer = new RunWriter({ db: counted, schema: SCHEMA });
    for (let i = 1; i <= 20; i++)
      writer.save(
        makeRun({ id: i, status: 'running', endedAt: null, createdAt: T0 + i, scheduledAt: T0 + i }),
        place(a),
      );
    writer.save(makeRun({ id: 5, status: 'succeeded', exitCode: 0, createdAt: T0 + 5, scheduledAt: T0 + 5 }), place(a));
    await writer.flush();
    expect(counted.calls).toBe(1);
    expect(db.sql(`SELECT count(*), count(*) FILTER (WHERE status = 'succeeded') FROM taskkit.run`)).toBe('20|1');
    expect((await listRuns(pool, SCHEMA, { limit: 3 })).map((r) => r.id)).toEqual([20, 19, 18]);
  });

  test('through an outage: retried with backoff, in order, logged once; flush waits for it', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const a = await db.host('host-a');
    const logs: string[] = [];
    const counted = flaky(pool, 3);
    const writer = new RunWriter({
      db: counted,
      schema: SCHEMA,
      firstPauseMs: 5,
      log: (level, message) => logs.push(`${level}: ${message}`),
    });
    writer.save(makeRun({ id: 1, status: 'running', endedAt: null, scheduledAt: T0 }), place(a));
    await new Promise((resolve) => setTimeout(resolve, 1));
    writer.save(makeRun({ id: 2, status: 'running', endedAt: null, scheduledAt: T0 + 1000 }), place(a));
    writer.save(makeRun({ id: 1, status: 'succeeded', exitCode: 0, scheduledAt: T0 }), place(a));
    await writer.flush();
    expect(counted.calls).toBe(4);
    expect(db.sql(`SELECT string_agg(id || ':' || status, ',' ORDER BY id) FROM taskkit.run`)).toBe(
      '1:succeeded,2:running',
    );
    expect(logs).toEqual([
      'warn: cluster history: cannot write (read ECONNRESET (ECONNRESET)); retrying, rows are kept meanwhile',
      'info: cluster history: writing again',
    ]);
  });

  test('only claims write cluster instants: pre-claim and local skips write nothing; a refused row alone', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const [a, b] = [await db.host('host-a'), await db.host('host-b')];
    await publish(pool, a, 'backup');
    const at = Math.floor(Date.now() / 1000) * 1000 - 2000;
    expect(await claimed(pool, a, at, 100)).toEqual({ kind: 'won', runId: 100 });
    const logs: string[] = [];
    const writer = new RunWriter({
      db: pool,
      schema: SCHEMA,
      log: (level, message) => logs.push(level + ' ' + message),
    });
    // b's engine skipped the same instant locally (say, overlap): no row, a's claim stays the instant's.
    writer.save(makeRun({ id: 101, scheduledAt: at, attempt: 1, status: 'skipped' }), clusterPlace(b));
    // b waits for a slot for the next instant (queued, not yet claimed): no row, the claim is not taken.
    writer.save(makeRun({ id: 102, scheduledAt: at + 1000, attempt: 1, status: 'queued' }), clusterPlace(b));
    writer.save(makeRun({ id: 100, scheduledAt: at, attempt: 1, status: 'succeeded', exitCode: 0 }), clusterPlace(a));
    // Two rows of one scope: host instant: the second is refused, and only it.
    writer.save(makeRun({ id: 103, scheduledAt: T0 }), place(a));
    writer.save(makeRun({ id: 104, scheduledAt: T0 }), place(a));
    await writer.flush();
    expect(db.sql(`SELECT string_agg(id || ':' || status, ',' ORDER BY id) FROM taskkit.run`)).toBe(
      '100:succeeded,103:failed',
    );
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^error cluster history: run #104 of backup refused: .*run_claim_host.*\(23505\)$/);
    expect(await claimed(pool, b, at + 1000, 102)).toEqual({ kind: 'won', runId: 102 });
  });

  test('a stale running write never reopens a run the reaper interrupted', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const a = await db.host('host-a');
    const writer = new RunWriter({ db: pool, schema: SCHEMA });
    writer.save(makeRun({ id: 1, status: 'running', endedAt: null }), place(a));
    await writer.flush();
    db.sql(`UPDATE taskkit.run SET status = 'interrupted'`);
    writer.save(makeRun({ id: 1, status: 'running', endedAt: null, pid: 99 }), place(a));
    await writer.flush();
    expect(db.sql(`SELECT status, pid FROM taskkit.run`)).toBe('interrupted|4242');
    // No retry row stands for it: the host that lost contact records how the run really ended.
    db.sql(`UPDATE taskkit.run SET error = 'host host-a stopped (lease expired)'`);
    writer.save(makeRun({ id: 1, status: 'succeeded', exitCode: 0, error: null }), place(a));
    await writer.flush();
    expect(db.sql(`SELECT status, error FROM taskkit.run`)).toBe(
      'succeeded|finished after this host lost contact (host host-a stopped (lease expired))',
    );
  });

  test('a reaped run with a retry row stays interrupted when its host comes back and reports the end', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const a = await db.host('host-a');
    await publish(pool, a, 'backup');
    const at = Math.floor(Date.now() / 1000) * 1000 - 2000;
    expect(await claimed(pool, a, at, 400)).toEqual({ kind: 'won', runId: 400 });
    // What reap_v1 does for an opted-in task: the run interrupted, attempt 2 of its instant queued.
    db.sql(`UPDATE taskkit.run SET status = 'interrupted', error = 'host host-a stopped (lease expired)'`);
    db.sql(
      `INSERT INTO taskkit.run (id, task, trigger, scheduled_at, attempt, status)
       SELECT 401, task, 'retry', scheduled_at, 2, 'queued' FROM taskkit.run WHERE id = 400`,
    );
    const writer = new RunWriter({ db: pool, schema: SCHEMA });
    writer.save(
      makeRun({ id: 400, scheduledAt: at, attempt: 1, status: 'succeeded', exitCode: 0, error: null }),
      clusterPlace(a),
    );
    await writer.flush();
    expect(db.sql(`SELECT string_agg(id || ':' || status, ',' ORDER BY id) FROM taskkit.run`)).toBe(
      '400:interrupted,401:queued',
    );
  });

  test("a host's own overlap skip is the instant's one row, unless a claim or a skip came first", async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const [a, b] = [await db.host('host-a'), await db.host('host-b')];
    await publish(pool, a, 'backup');
    const at = Math.floor(Date.now() / 1000) * 1000 - 2000;
    const skipped = (id: number, when: number) =>
      makeRun({
        id,
        scheduledAt: when,
        attempt: 1,
        status: 'skipped',
        error: 'previous run still running (overlap: skip)',
        skip: { reason: 'overlap', count: 1, more: false, lastAt: when },
      });
    // Both live hosts skipped the instant locally: the first skip is its row, the second writes nothing.
    expect(await recordInstantSkip(pool, SCHEMA, skipped(500, at), clusterPlace(a))).toBe(true);
    expect(await recordInstantSkip(pool, SCHEMA, skipped(501, at), clusterPlace(b))).toBe(false);
    // A peer's claim of the instant counts it as settled (lost), and a claimed instant takes no skip.
    expect(await claimed(pool, b, at, 502)).toMatchObject({ kind: 'lost' });
    expect(await claimed(pool, b, at + 1000, 503)).toEqual({ kind: 'won', runId: 503 });
    expect(await recordInstantSkip(pool, SCHEMA, skipped(504, at + 1000), clusterPlace(a))).toBe(false);
    expect(
      db.sql(`SELECT string_agg(id || ':' || status || ':' || (skip->>'reason'), ',' ORDER BY id) FROM taskkit.run`),
    ).toBe('500:skipped:overlap');
    expect(db.sql(`SELECT count(*) FROM taskkit.run`)).toBe('2');
  });

  test('a late queued write never takes a claimed running row back to queued', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const a = await db.host('host-a');
    await publish(pool, a, 'backup');
    const at = Math.floor(Date.now() / 1000) * 1000 - 2000;
    expect(await claimed(pool, a, at, 300)).toEqual({ kind: 'won', runId: 300 });
    const writer = new RunWriter({ db: pool, schema: SCHEMA });
    // The engine's pre-claim `queued` record, written after the claim committed (a batch in flight).
    writer.save(makeRun({ id: 300, scheduledAt: at, attempt: 1, status: 'queued', startedAt: null }), clusterPlace(a));
    await writer.flush();
    expect(db.sql(`SELECT status FROM taskkit.run WHERE id = 300`)).toBe('running');
    writer.save(makeRun({ id: 300, scheduledAt: at, attempt: 1, status: 'succeeded', exitCode: 0 }), clusterPlace(a));
    await writer.flush();
    expect(db.sql(`SELECT status FROM taskkit.run WHERE id = 300`)).toBe('succeeded');
  });

  test('a flush through an outage can be bounded: false when time passes, rows kept and written later', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const a = await db.host('host-a');
    let down = true;
    const inner: Queryable = pool;
    const outage: Queryable = {
      query: (text, values) =>
        down
          ? Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
          : inner.query(text, values),
    };
    const writer = new RunWriter({ db: outage, schema: SCHEMA, firstPauseMs: 5, maxPauseMs: 20 });
    writer.save(makeRun({ id: 1, scheduledAt: T0 }), place(a));
    expect(await writer.flushWithin(100)).toBe(false);
    expect(writer.pending).toBe(1);
    down = false;
    expect(await writer.flushWithin(10_000)).toBe(true);
    expect(db.sql(`SELECT string_agg(id::text, ',') FROM taskkit.run`)).toBe('1');
    expect(await writer.flushWithin(0)).toBe(true);
  });

  test('retention keeps the newest runs; the pruned instants are too-old for any later claim', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const a = await db.host('host-a');
    await publish(pool, a, 'backup');
    const writer = new RunWriter({ db: pool, schema: SCHEMA });
    const base = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const ended = (i: number): RunRecord =>
      makeRun({ id: i, scheduledAt: base + i * 1000, createdAt: base + i * 1000, attempt: 1, status: 'succeeded' });
    for (let i = 1; i <= 5; i++) expect((await claimed(pool, a, base + i * 1000, i)).kind).toBe('won');
    for (let i = 1; i <= 5; i++) writer.save(ended(i), clusterPlace(a), 3);
    await writer.flush();
    expect(db.sql(`SELECT string_agg(id::text, ',' ORDER BY id) FROM taskkit.run`)).toBe('3,4,5');
    expect(db.sql(`SELECT (extract(epoch FROM pruned_through) * 1000)::bigint FROM taskkit.task`)).toBe(
      String(base + 2000),
    );
    const late = (at: number) => claimed(pool, a, at);
    expect(await late(base + 2000)).toEqual({ kind: 'too-old' });
    expect(await late(base + 1000)).toEqual({ kind: 'too-old' });
    expect((await late(base + 3000)).kind).toBe('lost');
    expect((await late(base + 10_000)).kind).toBe('won');
  });

  test('through a PostgreSQL crash and restart: rows saved meanwhile are written once it is back', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const a = await db.host('host-a');
    const writer = new RunWriter({ db: pool, schema: SCHEMA, firstPauseMs: 50, maxPauseMs: 400 });
    writer.save(makeRun({ id: 1, scheduledAt: T0 }), place(a));
    await writer.flush();
    db.sql('CHECKPOINT'); // the test cluster commits asynchronously: make row 1 survive the crash
    cluster.crash();
    try {
      for (let i = 2; i <= 4; i++) writer.save(makeRun({ id: i, scheduledAt: T0 + i * 1000 }), place(a));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(writer.pending).toBeGreaterThan(0);
    } finally {
      cluster.start();
    }
    await writer.flush();
    expect(db.sql(`SELECT string_agg(id::text, ',' ORDER BY id) FROM taskkit.run`)).toBe('1,2,3,4');
  });

  test('run ids: blocks of 64 from the sequence, prefetched; a clear error when none is in hand', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const blocks = new RunIdBlocks({ fetchBlock: () => fetchRunIdBlock(pool, SCHEMA) });
    const other = new RunIdBlocks({ fetchBlock: () => fetchRunIdBlock(pool, SCHEMA) });
    await blocks.start();
    await other.start();
    expect(blocks.next()).toBe(1);
    // Waits for a refill only when one runs dry: how fast PostgreSQL answers is not what this checks.
    const take = async (from: RunIdBlocks) => {
      while (from.left === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      return from.next();
    };
    const ids = new Set<number>([1]);
    for (let i = 0; i < 600; i++) {
      ids.add(await take(blocks));
      ids.add(await take(other));
    }
    expect(ids.size).toBe(1201);
    blocks.close();
    other.close();
    let fetches = 0;
    const dry = new RunIdBlocks({
      fetchBlock: () => {
        fetches += 1;
        return fetches <= 2 ? Promise.resolve(64 * fetches) : Promise.reject(new Error('connection refused'));
      },
      firstPauseMs: 1,
    });
    await dry.start();
    expect(dry.left).toBe(128);
    // A refill is asked for once fewer than 32 ids are left beyond the spare block (not before).
    for (let i = 1; i <= 32; i++) expect(dry.next()).toBe(i);
    expect(fetches).toBe(2);
    expect(dry.next()).toBe(33);
    expect(fetches).toBe(3);
    for (let i = 34; i <= 128; i++) expect(dry.next()).toBe(i);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(() => dry.next()).toThrow('no cluster run id left: no block of ids from PostgreSQL (connection refused)');
    dry.close();
  });
});
