// A claim that yields the run (engine/ports.ts ClaimVerdict `{ yielded }`: a cluster peer claimed the
// same task, instant and attempt, or the run is not this host's): the run is dropped with nothing
// recorded (no run-skipped, no run-finished, not the task's last run), its max-concurrent slot,
// group place and max-runs budget are released, and `run-yielded` (run, why) is emitted. Retries
// and dependency runs behave the same; a yielded scheduled run blocks no later instant.
import { describe, expect, test } from 'vitest';
import type { ClaimVerdict, RunClaim } from '../../src/engine/ports.js';
import type { RunRecord } from '../../src/engine/run.js';
import type { TaskSpec } from '../../src/config/types.js';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask, ms } from '../support/engine-task.js';

const START = '2026-08-01T12:00:00.000Z';

/** A claim that answers later, one promise per call, in the order asked. */
function deferredClaim(): { claim: RunClaim; asked: RunRecord[]; answer(index: number, verdict: ClaimVerdict): void } {
  const asked: RunRecord[] = [];
  const settle: ((verdict: ClaimVerdict) => void)[] = [];
  const claim: RunClaim = (run) => {
    asked.push(run);
    return new Promise<ClaimVerdict>((resolve) => settle.push(resolve));
  };
  return { claim, asked, answer: (index, verdict) => settle[index]?.(verdict) };
}

/** Everything a store or a log would see of runs: a yielded run must leave none of it. */
function recorded(engine: ReturnType<typeof createEngine>): string[] {
  return engine.events
    .filter(([name]) => name === 'run-started' || name === 'run-finished' || name === 'run-skipped')
    .map(([name, run]) => `${name} #${(run as RunRecord).id}`);
}

describe('a synchronous claim that yields', () => {
  test('records nothing, emits run-yielded, and gives the max-runs budget back', async () => {
    let verdict: ClaimVerdict = { yielded: 'lost: host b claimed it' };
    const engine = createEngine(START, { claim: () => verdict });
    const { clock, runner, scheduler, eventsOf } = engine;
    scheduler.add(makeTask('job', { schedule: every('1m'), maxRuns: 1 }));
    scheduler.start();
    clock.advanceTo('2026-08-01T12:01:00.000Z');
    expect(runner.requests).toEqual([]);
    expect(recorded(engine)).toEqual([]);
    const yielded = engine.events.filter(([name]) => name === 'run-yielded');
    expect(yielded).toMatchObject([
      ['run-yielded', { id: 1, trigger: 'schedule', status: 'skipped' }, 'lost: host b claimed it'],
    ]);
    // Not the task's last run, not counted, and the next instant is still there.
    expect(scheduler.get('job')).toMatchObject({ lastRun: null, scheduledRuns: 0, queued: 0 });
    expect(iso(scheduler.get('job').nextAt)).toBe('2026-08-01T12:02:00.000Z');
    // A waiter gets the run's last record, with the reason.
    expect(await scheduler.waitForRun(1)).toMatchObject({ status: 'skipped', error: 'lost: host b claimed it' });
    verdict = true;
    clock.advanceTo('2026-08-01T12:02:00.000Z');
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual(['2026-08-01T12:02:00.000Z']);
    expect(scheduler.get('job')).toMatchObject({ scheduledRuns: 1, nextAt: null });
    expect(eventsOf('run-yielded').map((run) => run.id)).toEqual([1]);
  });

  test('a yielded run of a task with a last run leaves that run as its last', () => {
    let verdict: ClaimVerdict = true;
    const { runner, scheduler } = createEngine(START, { claim: () => verdict });
    scheduler.add(makeTask('job'));
    scheduler.runNow('job');
    runner.finish(1);
    return flush().then(() => {
      verdict = { yielded: 'fenced' };
      scheduler.runNow('job');
      expect(scheduler.get('job').lastRun).toMatchObject({ id: 1, status: 'succeeded' });
    });
  });
});

describe('a claim that answers later and yields', () => {
  test('frees the max-concurrent slot for the next run', async () => {
    const deferred = deferredClaim();
    const engine = createEngine(START, { claim: deferred.claim, maxConcurrent: 1 });
    const { runner, scheduler } = engine;
    scheduler.add(makeTask('a'));
    scheduler.add(makeTask('b'));
    scheduler.runNow('a');
    scheduler.runNow('b');
    expect(deferred.asked.map((run) => run.id)).toEqual([1]);
    deferred.answer(0, { yielded: 'lost' });
    await flush();
    expect(deferred.asked.map((run) => run.id)).toEqual([1, 2]);
    deferred.answer(1, true);
    await flush();
    expect(runner.running()).toEqual([2]);
    expect(recorded(engine)).toEqual(['run-started #2']);
    expect(scheduler.get('a')).toMatchObject({ state: 'on-demand', running: [], queued: 0, lastRun: null });
  });

  test("frees its group's place for the group's next run", async () => {
    const deferred = deferredClaim();
    const { runner, scheduler } = createEngine(START, { claim: deferred.claim, groups: { db: 1 } });
    scheduler.add(makeTask('a', { group: 'db' }));
    scheduler.add(makeTask('b', { group: 'db' }));
    scheduler.runNow('a');
    scheduler.runNow('b');
    expect(scheduler.get('b').group).toEqual({ name: 'db', limit: 1, running: 1, waiting: 1 });
    deferred.answer(0, { yielded: 'lost' });
    await flush();
    deferred.answer(1, true);
    await flush();
    expect(runner.running()).toEqual([2]);
    expect(scheduler.get('a').group).toEqual({ name: 'db', limit: 1, running: 1, waiting: 0 });
  });

  test('a yielded scheduled run blocks no later instant (overlap skip)', async () => {
    const deferred = deferredClaim();
    const engine = createEngine(START, { claim: deferred.claim });
    const { clock, runner, scheduler } = engine;
    scheduler.add(makeTask('job', { schedule: every('1m') }));
    scheduler.start();
    clock.advanceTo('2026-08-01T12:01:00.000Z');
    expect(scheduler.get('job')).toMatchObject({ queued: 1 });
    deferred.answer(0, { yielded: 'lost' });
    await flush();
    expect(scheduler.get('job')).toMatchObject({ queued: 0, running: [] });
    clock.advanceTo('2026-08-01T12:02:00.000Z');
    deferred.answer(1, true);
    await flush();
    expect(runner.requests.map((request) => [request.runId, iso(request.scheduledAt)])).toEqual([
      [2, '2026-08-01T12:02:00.000Z'],
    ]);
    // No overlap skip was recorded for 12:02: the yielded run was gone by then.
    expect(recorded(engine)).toEqual(['run-started #2']);
  });

  test('the run queued behind a yielded one (overlap queue) is claimed next', async () => {
    const deferred = deferredClaim();
    const { clock, runner, scheduler } = createEngine(START, { claim: deferred.claim });
    scheduler.add(makeTask('job', { schedule: every('1m'), overlap: 'queue' }));
    scheduler.start();
    clock.advanceTo('2026-08-01T12:01:00.000Z');
    clock.advanceTo('2026-08-01T12:02:00.000Z');
    expect(scheduler.get('job')).toMatchObject({ queued: 2 });
    expect(deferred.asked.map((run) => run.id)).toEqual([1]);
    deferred.answer(0, { yielded: 'lost' });
    await flush();
    expect(deferred.asked.map((run) => [run.id, iso(run.scheduledAt)])).toEqual([
      [1, '2026-08-01T12:01:00.000Z'],
      [2, '2026-08-01T12:02:00.000Z'],
    ]);
    deferred.answer(1, true);
    await flush();
    expect(runner.running()).toEqual([2]);
  });

  test('max-runs: the budget a yielded run reserved comes back and the task has instants again', async () => {
    const deferred = deferredClaim();
    const { clock, runner, scheduler } = createEngine(START, { claim: deferred.claim });
    scheduler.add(makeTask('job', { schedule: every('1m'), maxRuns: 1 }));
    scheduler.start();
    clock.advanceTo('2026-08-01T12:01:00.000Z');
    // The claiming run holds the only unit: nothing more is due.
    expect(scheduler.get('job').nextAt).toBeNull();
    deferred.answer(0, { yielded: 'lost' });
    await flush();
    expect(iso(scheduler.get('job').nextAt)).toBe('2026-08-01T12:02:00.000Z');
    clock.advanceTo('2026-08-01T12:02:00.000Z');
    deferred.answer(1, true);
    await flush();
    expect(runner.running()).toEqual([2]);
    expect(scheduler.get('job')).toMatchObject({ scheduledRuns: 1, nextAt: null });
  });
});

describe('retries and dependency runs', () => {
  const retry: TaskSpec['retry'] = { attempts: 2, delayMs: 10_000, backoff: 1, maxDelayMs: 60_000 };

  test('a yielded retry ends the slot here without on-failure or another retry', async () => {
    let verdict: ClaimVerdict = true;
    const engine = createEngine(START, { claim: () => verdict });
    const { clock, runner, scheduler, eventsOf } = engine;
    scheduler.add(makeTask('flaky', { retry, onFailure: ['pager'], holdAfterFailures: 1 }));
    scheduler.add(makeTask('pager'));
    scheduler.start();
    scheduler.runNow('flaky');
    runner.finish(1, { status: 'failed', exitCode: 1 });
    await flush();
    verdict = { yielded: 'lost: attempt 2 is on host b' };
    clock.advanceBy(10_000);
    expect(eventsOf('run-yielded')).toMatchObject([{ id: 2, trigger: 'retry', attempt: 2 }]);
    clock.advanceBy(60_000);
    expect(runner.requests.map((request) => request.task.name)).toEqual(['flaky']);
    expect(recorded(engine)).toEqual(['run-started #1', 'run-finished #1']);
    expect(scheduler.get('flaky')).toMatchObject({ held: false, queued: 0, lastRun: { id: 1 } });
  });

  test('a yielded dependency run records nothing and triggers nothing', async () => {
    const engine = createEngine(START, {
      claim: (run) => (run.task === 'report' ? { yielded: 'lost' } : true),
    });
    const { runner, scheduler } = engine;
    scheduler.add(makeTask('build'));
    scheduler.add(makeTask('report', { after: ['build'], onSuccess: ['mail'], onFailure: ['mail'] }));
    scheduler.add(makeTask('mail'));
    scheduler.runNow('build');
    runner.finish(1);
    await flush();
    expect(engine.eventsOf('run-yielded')).toMatchObject([{ id: 2, task: 'report', trigger: 'dependency' }]);
    expect(runner.requests.map((request) => request.task.name)).toEqual(['build']);
    expect(recorded(engine)).toEqual(['run-started #1', 'run-finished #1']);
  });
});

describe('around a yield', () => {
  test('a stop waits for nothing a yield ended', async () => {
    const deferred = deferredClaim();
    const { scheduler } = createEngine(START, { claim: deferred.claim });
    scheduler.add(makeTask('job'));
    scheduler.start();
    scheduler.runNow('job');
    deferred.answer(0, { yielded: 'lost' });
    await flush();
    expect(scheduler.runsInFlight()).toEqual([]);
    await scheduler.stop({ graceMs: 0 });
  });

  test('a yield answered after the task was removed changes nothing', async () => {
    const deferred = deferredClaim();
    const { scheduler, logs } = createEngine(START, { claim: deferred.claim });
    scheduler.add(makeTask('job'));
    scheduler.runNow('job');
    scheduler.remove('job');
    // A claiming run was dropped by the removal (it had not started): the late verdict changes nothing.
    deferred.answer(0, { yielded: 'lost' });
    await flush();
    expect(scheduler.orphans()).toEqual([]);
    expect(logs.filter(([level]) => level === 'error')).toEqual([]);
  });

  test('ids, instants and attempts asked are those of the runs', () => {
    const asked: RunRecord[] = [];
    const { clock, scheduler } = createEngine(START, {
      claim: (run) => {
        asked.push(run);
        return { yielded: 'lost' };
      },
    });
    scheduler.add(makeTask('job', { schedule: every('1m') }));
    scheduler.start();
    clock.advanceTo('2026-08-01T12:03:00.000Z');
    expect(asked.map((run) => [run.id, run.scheduledAt, run.attempt])).toEqual([
      [1, ms('2026-08-01T12:01:00.000Z'), 1],
      [2, ms('2026-08-01T12:02:00.000Z'), 1],
      [3, ms('2026-08-01T12:03:00.000Z'), 1],
    ]);
  });
});
