/**
 * What schema v1 adds to the reference claim (src/store/postgres/schema-v1.ts): `p_attempt` (a
 * host's own retry is claimed with its attempt) and `p_cause` (one dependent run per parent). The
 * claim's other outcomes are the data API's tests (test/store/postgres/, pg-store).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Client, connectClient } from '../../../src/store/postgres/connect.js';
import { type PgCluster, skipWithoutPg, startPgCluster } from '../../support/pg-cluster.js';

let pg: PgCluster;
let db: Client;
const hostA = randomUUID();
const hostB = randomUUID();

beforeAll(async () => {
  if (skipWithoutPg) return;
  pg = await startPgCluster();
  db = await connectClient({ url: pg.url(await pg.createDatabase()) });
  await db.query(
    `INSERT INTO taskkit.host (host_id, hostname, pid, version, file_digest, lock_key, lease_until)
     VALUES ($1, 'a', 1, '0', 'd', 1, now() + interval '1 hour'), ($2, 'b', 2, '0', 'd', 2, now() + interval '1 hour')`,
    [hostA, hostB],
  );
  for (const task of ['t', 'dep', 'busy']) {
    await db.query(`SELECT taskkit.publish_v1($1, 'fp', $2, false, 2, '0', 1, '1 day', false, '10 s', false)`, [
      task,
      hostA,
    ]);
  }
}, 60_000);

afterAll(async () => {
  await db?.end();
  pg?.stop();
});

interface Claim {
  task?: string;
  at: number | null;
  host: string;
  id: number;
  token: string;
  attempt?: number;
  cause?: number;
  overlap?: string;
  maxRuns?: number;
  trigger?: string;
}

async function claim(c: Claim): Promise<{ outcome: string; run_id: number | null; detail: string | null }> {
  const { rows } = await db.query<{ outcome: string; run_id: number | null; detail: string | null }>(
    `SELECT * FROM taskkit.claim_v1(
       p_task => $1, p_at => to_timestamp($2 / 1000.0), p_host => $3, p_hostname => $4, p_id => $5,
       p_token => $6, p_fingerprint => 'fp', p_schedule_rev => 1, p_overlap => $7, p_max_runs => $8,
       p_trigger => $9, p_attempt => $10, p_cause => $11)`,
    [
      c.task ?? 't',
      c.at,
      c.host,
      c.host === hostA ? 'a' : 'b',
      c.id,
      c.token,
      c.overlap ?? 'allow',
      c.maxRuns ?? null,
      c.trigger ?? 'schedule',
      c.attempt ?? 1,
      c.cause ?? null,
    ],
  );
  return rows[0]!;
}

async function scheduledRuns(task: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT scheduled_runs AS n FROM taskkit.task WHERE name = $1', [
    task,
  ]);
  return rows[0]!.n;
}

describe.skipIf(skipWithoutPg)('claim_v1 with attempts and causes', () => {
  test("a host's retry is claimed with its attempt: once, not counted towards max-runs", async () => {
    const at = Math.floor(Date.now() / 1000) * 1000 - 2_000;
    const tokenA = randomUUID();
    expect(await claim({ at, host: hostA, id: 1, token: tokenA, maxRuns: 1 })).toMatchObject({ outcome: 'won' });
    expect(await claim({ at, host: hostB, id: 65, token: randomUUID(), maxRuns: 1 })).toEqual({
      outcome: 'lost',
      run_id: 1,
      detail: 'a',
    });
    const retryToken = randomUUID();
    const retry = { at, host: hostA, id: 2, token: retryToken, attempt: 2, maxRuns: 1, trigger: 'retry' };
    expect(await claim(retry)).toMatchObject({ outcome: 'won', run_id: 2 });
    // The same claim again (its COMMIT reply lost): the truth, not a second row.
    expect(await claim(retry)).toMatchObject({ outcome: 'won', run_id: 2 });
    expect(await claim({ ...retry, host: hostB, id: 66, token: randomUUID() })).toMatchObject({ outcome: 'lost' });
    expect(await scheduledRuns('t')).toBe(1);
    const { rows } = await db.query(
      'SELECT id, attempt, trigger, status FROM taskkit.run WHERE task = $1 ORDER BY id',
      ['t'],
    );
    expect(rows).toEqual([
      { id: 1, attempt: 1, trigger: 'schedule', status: 'running' },
      { id: 2, attempt: 2, trigger: 'retry', status: 'running' },
    ]);
    // A new instant is over max-runs; a retry of the first one was not.
    expect(await claim({ at: at + 1000, host: hostA, id: 3, token: randomUUID(), maxRuns: 1 })).toMatchObject({
      outcome: 'exhausted',
    });
  });

  test('overlap skip: a first attempt is skipped while a run is going, a retry is not', async () => {
    const at = Math.floor(Date.now() / 1000) * 1000 - 3_000;
    expect(await claim({ task: 'busy', at, host: hostA, id: 10, token: randomUUID() })).toMatchObject({
      outcome: 'won',
    });
    const next = { task: 'busy', at: at + 1000, host: hostB, overlap: 'skip' };
    expect(await claim({ ...next, id: 70, token: randomUUID() })).toEqual({
      outcome: 'skipped',
      run_id: 70,
      detail: 'previous run #10 still running (overlap: skip)',
    });
    expect(await claim({ ...next, id: 71, token: randomUUID(), attempt: 2, trigger: 'retry' })).toMatchObject({
      outcome: 'won',
    });
  });

  test('a dependent run: one per parent, found by its cause', async () => {
    const token = randomUUID();
    const mine = { task: 'dep', at: null, host: hostA, id: 20, token, cause: 1, trigger: 'dependency' };
    expect(await claim(mine)).toEqual({ outcome: 'won', run_id: 20, detail: null });
    // Asked again with the same token (a lost COMMIT reply): found by the fast path, with its host.
    expect(await claim(mine)).toEqual({ outcome: 'won', run_id: 20, detail: 'a' });
    expect(await claim({ ...mine, host: hostB, id: 80, token: randomUUID() })).toEqual({
      outcome: 'lost',
      run_id: 20,
      detail: 'a',
    });
    // Another parent, another run.
    expect(await claim({ ...mine, id: 21, token: randomUUID(), cause: 2 })).toMatchObject({ outcome: 'won' });
    // A retry of the dependent run (attempt 2, same parent) is a run of its own: won once, then lost.
    const retry = { ...mine, id: 22, token: randomUUID(), attempt: 2, trigger: 'retry' };
    expect(await claim(retry)).toEqual({ outcome: 'won', run_id: 22, detail: null });
    expect(await claim({ ...retry, host: hostB, id: 81, token: randomUUID() })).toMatchObject({
      outcome: 'lost',
      run_id: 22,
    });
    const { rows } = await db.query('SELECT id, cause_run_id, attempt FROM taskkit.run WHERE task = $1 ORDER BY id', [
      'dep',
    ]);
    expect(rows).toEqual([
      { id: 20, cause_run_id: 1, attempt: 1 },
      { id: 21, cause_run_id: 2, attempt: 1 },
      { id: 22, cause_run_id: 1, attempt: 2 },
    ]);
  });
});
