// Scheduler.startTaken (CLUSTER.md section 4): a run the store's queue gave this engine (a dead
// host's run to retry) starts with the store's id, attempt and instant, trigger `retry`, without
// asking the claim (the run is this engine's already); then it is a run like any other: a
// max-concurrent slot, overlap, its further retries by the task's policy (claimed as usual).
import { describe, expect, test } from 'vitest';
import type { RunRecord } from '../../src/engine/run.js';
import { flush } from '../support/fake-runner.js';
import { createEngine, iso, makeTask, ms } from '../support/engine-task.js';

const START = '2026-08-01T12:00:00.000Z';
const INSTANT = ms('2026-08-01T11:59:58.000Z');
const retry = { attempts: 2, delayMs: 5_000, backoff: 1, maxDelayMs: 60_000 };

describe('startTaken', () => {
  test('starts at once with the given id, attempt and instant, the claim not asked', () => {
    const asked: RunRecord[] = [];
    const { runner, scheduler, eventsOf } = createEngine(START, {
      claim: (run) => {
        asked.push(run);
        return true;
      },
      nextRunId: () => 1000,
    });
    scheduler.add(makeTask('job'));
    const record = scheduler.startTaken({ task: 'job', runId: 77, attempt: 2, scheduledAt: INSTANT });
    expect(record).toMatchObject({ id: 77, attempt: 2, trigger: 'retry', status: 'running' });
    expect(asked).toEqual([]);
    expect(runner.requests.map((r) => [r.runId, r.attempt, r.trigger, iso(r.scheduledAt)])).toEqual([
      [77, 2, 'retry', '2026-08-01T11:59:58.000Z'],
    ]);
    expect(eventsOf('run-started').map((run) => [run.id, run.startedAt])).toEqual([[77, ms(START)]]);
  });

  test('a failed taken run is retried by the task policy: a new id, the next attempt, claimed', async () => {
    const asked: RunRecord[] = [];
    let nextId = 500;
    const { clock, runner, scheduler, eventsOf } = createEngine(START, {
      claim: (run) => {
        asked.push(run);
        return true;
      },
      nextRunId: () => nextId++,
    });
    scheduler.add(makeTask('job', { retry }));
    scheduler.start();
    scheduler.startTaken({ task: 'job', runId: 77, attempt: 2, scheduledAt: INSTANT });
    runner.finish(77, { status: 'failed', exitCode: 1 });
    await flush();
    clock.advanceTo('2026-08-01T12:00:05.000Z');
    expect(asked.map((run) => [run.id, run.attempt, run.trigger])).toEqual([[500, 3, 'retry']]);
    expect(runner.requests.map((r) => [r.runId, r.attempt, iso(r.scheduledAt)])).toEqual([
      [77, 2, '2026-08-01T11:59:58.000Z'],
      [500, 3, '2026-08-01T11:59:58.000Z'],
    ]);
    // attempts: 2 means up to attempt 3: no fourth.
    runner.finish(500, { status: 'failed', exitCode: 1 });
    await flush();
    clock.advanceTo('2026-08-01T12:01:00.000Z');
    expect(runner.requests).toHaveLength(2);
    expect(eventsOf('run-finished').map((run) => [run.id, run.status])).toEqual([
      [77, 'failed'],
      [500, 'failed'],
    ]);
  });

  test('waits for a free max-concurrent slot like any run', async () => {
    const { runner, scheduler } = createEngine(START, { maxConcurrent: 1, claim: () => true });
    scheduler.add(makeTask('busy'));
    scheduler.add(makeTask('job'));
    scheduler.runNow('busy');
    const record = scheduler.startTaken({ task: 'job', runId: 77, attempt: 2, scheduledAt: INSTANT });
    expect(record.status).toBe('queued');
    expect(runner.running()).toEqual([1]);
    runner.finish(1);
    await flush();
    expect(runner.running()).toEqual([77]);
  });

  test('with a run of its task going (overlap skip), it waits, never skipped (its row is this host)', async () => {
    const { runner, scheduler, eventsOf } = createEngine(START, { claim: () => true });
    scheduler.add(makeTask('job', { overlap: 'skip' }));
    scheduler.runNow('job');
    const record = scheduler.startTaken({ task: 'job', runId: 77, attempt: 2, scheduledAt: INSTANT });
    expect(record.status).toBe('queued');
    expect(eventsOf('run-skipped')).toEqual([]);
    runner.finish(1);
    await flush();
    expect(runner.running()).toEqual([77]);
  });

  test('an unknown task is refused; a stopping engine starts nothing', async () => {
    const { scheduler } = createEngine(START);
    scheduler.add(makeTask('job'));
    expect(() => scheduler.startTaken({ task: 'nope', runId: 9, attempt: 2, scheduledAt: INSTANT })).toThrow(
      /no task named "nope"/,
    );
    await scheduler.stop({ graceMs: 0 });
    expect(() => scheduler.startTaken({ task: 'job', runId: 9, attempt: 2, scheduledAt: INSTANT })).toThrow(/stopping/);
  });
});
