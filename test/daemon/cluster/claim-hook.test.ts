/**
 * The cluster claim hook (src/daemon/cluster/claim-hook.ts) against a fake database: each
 * claim_v1 outcome becomes the engine verdict ../shared/CLUSTER.md section 3 gives it; only a won
 * claim reaches the local journal; `scope: host` claims nothing; an answer lost with the
 * connection is asked again with the same id and token; an outage yields and is logged once.
 */
import { describe, expect, test } from 'vitest';
import type { TaskSpec } from '../../../src/config/types.js';
import type { ClaimVerdict, RunClaim } from '../../../src/engine/ports.js';
import { createRunRecord } from '../../../src/engine/run-record.js';
import type { RunRecord } from '../../../src/engine/run.js';
import { createClusterClaim } from '../../../src/daemon/cluster/claim-hook.js';
import type { ClaimAnswer, ClaimRequest } from '../../../src/daemon/cluster/cluster-db.js';
import { TaskRows } from '../../../src/daemon/cluster/task-rows.js';
import { makeTask } from '../../support/task-spec.js';

const AT = Date.parse('2026-12-03T12:00:00Z');

function fixture(
  options: { answers?: (ClaimAnswer | Error)[]; whyNot?: string | null; spec?: Partial<TaskSpec> } = {},
) {
  const requests: ClaimRequest[] = [];
  const journal: RunRecord[] = [];
  const logs: string[] = [];
  const stale: string[] = [];
  let fenced = 0;
  const answers = [...(options.answers ?? [])];
  const rows = new TaskRows(() => 'fp');
  const spec = makeTask('backup', {
    schedule: { kind: 'every', periodMs: 60_000, anchor: 0, startGiven: false },
    ...options.spec,
  });
  const local: RunClaim = (run) => {
    journal.push(run);
    return true;
  };
  const claim = createClusterClaim({
    db: {
      claim: (request) => {
        requests.push(request);
        const next = answers.shift();
        if (next === undefined) throw new Error('no answer left');
        return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
      },
    },
    liveness: {
      hostId: () => 'host-1',
      whyNot: () => options.whyNot ?? null,
      fenced: () => void fenced++,
    },
    hostname: 'host-a',
    rows,
    specOf: (task) => (task === spec.name ? spec : undefined),
    fingerprintOf: () => 'fp',
    isHostScoped: (s) => (s as { scope?: string }).scope === 'host',
    jitterMsOf: () => 250,
    local,
    now: () => AT,
    log: (_level, message) => logs.push(message),
    onStale: (task) => stale.push(task),
  });
  const run = createRunRecord({
    id: 77,
    task: 'backup',
    trigger: 'schedule',
    scheduledAt: AT,
    attempt: 1,
    createdAt: AT,
  });
  return { claim, run, rows, requests, journal, logs, stale, fenced: () => fenced };
}

const answer = (outcome: ClaimAnswer['outcome'], detail: string | null = null): ClaimAnswer => ({
  outcome,
  runId: null,
  detail,
});

describe('the cluster claim hook', () => {
  test('won: the claim carries the run, the instant and its jitter; the local journal gets the run', async () => {
    const f = fixture({ answers: [answer('won')] });
    expect(await f.claim(f.run)).toBe(true);
    expect(f.journal).toEqual([f.run]);
    expect(f.requests[0]).toMatchObject({
      task: 'backup',
      at: AT,
      attempt: 1,
      runId: 77,
      hostId: 'host-1',
      jitterMs: 250,
    });
  });

  test.each([
    ['lost', 'host-b', { yielded: 'claimed by host-b' }],
    ['exhausted', null, { yielded: 'max-runs reached across the cluster' }],
    ['skipped', 'past its deadline', { refused: 'past its deadline' }],
  ] as const)('%s -> %j, nothing journaled', async (outcome, detail, verdict) => {
    const f = fixture({ answers: [answer(outcome, detail)] });
    expect(await f.claim(f.run)).toEqual(verdict);
    expect(f.journal).toEqual([]);
  });

  test('held, stale-schedule, stale-definition: yielded and the task row is read again', async () => {
    for (const outcome of ['held', 'stale-schedule', 'stale-definition'] as const) {
      const f = fixture({ answers: [answer(outcome)] });
      const verdict = (await f.claim(f.run)) as { yielded?: string };
      expect(verdict.yielded).toBeTypeOf('string');
      expect(f.stale).toEqual(['backup']);
    }
  });

  test('early: asked again once the instant plus jitter is within 1 s of the database clock', async () => {
    // The database is 3 s behind this host: the claim waits about 3 s - 1 s + jitter.
    const f = fixture({ answers: [answer('early', String(AT - 3_000))] });
    const verdict = (await f.claim(f.run)) as { retryAt: number };
    expect(verdict.retryAt).toBe(AT + 3_000 + 250 - 900);
  });

  test('fenced: yielded, and claims pause until a good beat', async () => {
    const f = fixture({ answers: [answer('fenced')] });
    expect(await f.claim(f.run)).toHaveProperty('yielded');
    expect(f.fenced()).toBe(1);
  });

  test('a lost answer is asked again with the same id and token', async () => {
    const f = fixture({ answers: [new Error('connection terminated'), answer('won')] });
    expect(await f.claim(f.run)).toBe(true);
    expect(f.requests).toHaveLength(2);
    expect(f.requests[1]?.token).toBe(f.requests[0]?.token);
    expect(f.requests[1]?.runId).toBe(77);
  });

  test('PostgreSQL out of reach: every run yields, logged once', async () => {
    const f = fixture({ whyNot: 'PostgreSQL is not reachable' });
    const verdicts: ClaimVerdict[] = [];
    for (let i = 0; i < 3; i++) verdicts.push(await f.claim(f.run));
    expect(verdicts.every((v) => typeof v === 'object' && 'yielded' in v)).toBe(true);
    expect(f.requests).toEqual([]);
    expect(f.logs.filter((line) => line.includes('yield'))).toHaveLength(1);
  });

  test('scope: host claims nothing: the local journal alone, also while PostgreSQL is out of reach', async () => {
    const f = fixture({ whyNot: 'PostgreSQL is not reachable', spec: { scope: 'host' } });
    expect(await f.claim(f.run)).toBe(true);
    expect(f.requests).toEqual([]);
    expect(f.journal).toEqual([f.run]);
  });

  test('a run-now claims without an instant (fence, definition and overlap only)', async () => {
    const f = fixture({ answers: [answer('won')] });
    const manual = { ...f.run, trigger: 'manual' as const, scheduledAt: null };
    expect(await f.claim(manual)).toBe(true);
    expect(f.requests[0]).toMatchObject({ at: null, jitterMs: 0, trigger: 'manual' });
  });

  test("a task whose cluster definition is another host's yields without asking the database", async () => {
    const f = fixture({ answers: [answer('won')] });
    f.rows.put({
      name: 'backup',
      fingerprint: 'theirs',
      publishedBy: 'h2',
      publishedByHostname: 'host-b',
      publishedAt: AT,
      held: false,
      heldUntil: null,
      holdNote: null,
      heldAt: null,
      reschedule: null,
      scheduleRev: 1,
      lastScheduledAt: null,
      scheduledRuns: 0,
      revision: 3,
    });
    expect(await f.claim(f.run)).toEqual({ yielded: "this host's definition differs from the cluster's" });
    expect(f.requests).toEqual([]);
  });
});
