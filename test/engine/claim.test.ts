// The store's claim step (engine/ports.ts RunClaim): asked once per start with the run as it will
// be stored once started. A value (SQLite) lets the run go on in the same call; a promise (a
// remote store) parks it in the `claiming` phase, holding its max-concurrent slot, until it
// settles. A refusal, a throw or a rejection records the run as skipped with the reason.
import { describe, expect, test } from 'vitest';
import type { ClaimVerdict, RunClaim } from '../../src/engine/ports.js';
import type { RunRecord } from '../../src/engine/run.js';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, makeTask } from '../support/engine-task.js';

/** A claim whose answers the test gives later, one promise per call. */
function deferredClaim(): {
  claim: RunClaim;
  asked: RunRecord[];
  answer(index: number, verdict: ClaimVerdict | Error): void;
} {
  const asked: RunRecord[] = [];
  const settle: ((verdict: ClaimVerdict | Error) => void)[] = [];
  const claim: RunClaim = (run) => {
    asked.push(run);
    return new Promise<ClaimVerdict>((resolve, reject) => {
      settle.push((verdict) => (verdict instanceof Error ? reject(verdict) : resolve(verdict)));
    });
  };
  return { claim, asked, answer: (index, verdict) => settle[index]?.(verdict) };
}

describe('a synchronous claim', () => {
  test('is asked with the started record and the run starts in the same call', () => {
    const asked: RunRecord[] = [];
    const { runner, scheduler } = createEngine('2026-08-01T12:00:00.000Z', {
      claim: (run) => {
        asked.push(run);
        return true;
      },
    });
    scheduler.add(makeTask('job'));
    const record = scheduler.runNow('job');
    expect(record.status).toBe('running');
    expect(runner.requests.map((request) => request.runId)).toEqual([1]);
    expect(asked).toMatchObject([
      { id: 1, task: 'job', status: 'running', pid: null, startedAt: Date.parse('2026-08-01T12:00:00.000Z') },
    ]);
  });

  test('a refusal skips the run with its reason and gives the max-runs budget back', () => {
    let refuse = true;
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-08-01T12:00:00.000Z', {
      claim: () => (refuse ? { refused: 'claimed by host b' } : true),
    });
    scheduler.add(makeTask('job', { schedule: every('1m'), maxRuns: 1 }));
    scheduler.start();
    clock.advanceTo('2026-08-01T12:01:00.000Z');
    expect(runner.requests).toEqual([]);
    expect(eventsOf('run-skipped')).toMatchObject([{ id: 1, trigger: 'schedule', error: 'claimed by host b' }]);
    // The refused instant did not use up max-runs: the next one still fires, and runs.
    expect(scheduler.get('job').nextAt).toBe(Date.parse('2026-08-01T12:02:00.000Z'));
    refuse = false;
    clock.advanceTo('2026-08-01T12:02:00.000Z');
    expect(runner.requests.map((request) => request.scheduledAt)).toEqual([Date.parse('2026-08-01T12:02:00.000Z')]);
    expect(scheduler.get('job')).toMatchObject({ scheduledRuns: 1, nextAt: null });
  });

  test('a claim that throws refuses the run, worded as a failed claim', () => {
    const { runner, scheduler } = createEngine('2026-08-01T12:00:00.000Z', {
      claim: () => {
        throw new Error('database is locked');
      },
    });
    scheduler.add(makeTask('job'));
    expect(scheduler.runNow('job')).toMatchObject({ status: 'skipped', error: 'the claim failed: database is locked' });
    expect(runner.requests).toEqual([]);
  });
});

describe('a claim that answers later', () => {
  test('the run waits, queued, holding its slot; it starts once the claim says go', async () => {
    const deferred = deferredClaim();
    const { runner, scheduler } = createEngine('2026-08-01T12:00:00.000Z', { claim: deferred.claim, maxConcurrent: 1 });
    scheduler.add(makeTask('a'));
    scheduler.add(makeTask('b'));
    expect(scheduler.runNow('a').status).toBe('queued');
    expect(scheduler.runNow('b').status).toBe('queued');
    // One slot: b is not even asked while a's claim is open.
    expect(deferred.asked.map((run) => run.id)).toEqual([1]);
    expect(scheduler.get('a')).toMatchObject({ state: 'on-demand', queued: 1, running: [] });
    deferred.answer(0, true);
    await flush();
    expect(runner.requests.map((request) => request.runId)).toEqual([1]);
    expect(scheduler.get('a').state).toBe('running');
    runner.finish(1);
    await flush();
    expect(deferred.asked.map((run) => run.id)).toEqual([1, 2]);
  });

  test('a refusal or a rejection skips the run and frees its slot for the next', async () => {
    const deferred = deferredClaim();
    const { runner, scheduler, eventsOf } = createEngine('2026-08-01T12:00:00.000Z', {
      claim: deferred.claim,
      maxConcurrent: 1,
    });
    for (const name of ['a', 'b', 'c']) scheduler.add(makeTask(name));
    for (const name of ['a', 'b', 'c']) scheduler.runNow(name);
    deferred.answer(0, { refused: 'claimed by host b' });
    await flush();
    deferred.answer(1, new Error('connection reset'));
    await flush();
    deferred.answer(2, true);
    await flush();
    expect(eventsOf('run-skipped').map((run) => [run.id, run.error])).toEqual([
      [1, 'claimed by host b'],
      [2, 'the claim failed: connection reset'],
    ]);
    expect(runner.requests.map((request) => request.runId)).toEqual([3]);
  });

  test('cancelled while claiming: dropped at once; the late verdict starts nothing', async () => {
    const deferred = deferredClaim();
    const { runner, scheduler } = createEngine('2026-08-01T12:00:00.000Z', { claim: deferred.claim });
    scheduler.add(makeTask('job'));
    scheduler.runNow('job');
    const waiting = scheduler.waitForRun(1);
    expect(scheduler.cancel('job')).toMatchObject([{ id: 1, status: 'cancelled' }]);
    expect(await waiting).toMatchObject({
      status: 'cancelled',
      error: 'cancelled by taskkit cancel before it started',
    });
    deferred.answer(0, true);
    await flush();
    expect(runner.requests).toEqual([]);
    expect(scheduler.get('job')).toMatchObject({ running: [], queued: 0 });
  });
});
