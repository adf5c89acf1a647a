// DESIGN.md task options, `overlap` (what a trigger does while a run of the task is running or
// queued): skip (default; a skipped record), queue (TaskKit runOnCompletion: after the current
// one, at most 100 waiting, more are skipped), replace (cancel with reason 'replace', start the
// new one when the old has ended), allow (parallel).
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, makeTask } from '../support/engine-task.js';

describe('overlap', () => {
  test('skip: the second trigger is a skipped record naming the running run', () => {
    const { runner, scheduler, eventsOf } = createEngine('2026-09-01T00:00:00.000Z');
    scheduler.add(makeTask('job'));
    scheduler.runNow('job');
    const second = scheduler.runNow('job');
    expect(second).toMatchObject({
      id: 2,
      status: 'skipped',
      error: 'previous run #1 still running (overlap: skip)',
      startedAt: null,
    });
    expect(eventsOf('run-skipped')).toEqual([second]);
    expect(runner.requests.map((request) => request.runId)).toEqual([1]);
    expect(scheduler.get('job').lastRun).toEqual(second);
  });

  test('skip: a queued previous run counts too', () => {
    const { scheduler } = createEngine('2026-09-01T00:00:00.000Z', { maxConcurrent: 1 });
    scheduler.add(makeTask('other'));
    scheduler.add(makeTask('job'));
    scheduler.runNow('other');
    expect(scheduler.runNow('job').status).toBe('queued');
    expect(scheduler.runNow('job').error).toBe('previous run #2 still queued (overlap: skip)');
  });

  test('queue: runs wait and start one after another as each ends', async () => {
    const { runner, scheduler } = createEngine('2026-09-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { overlap: 'queue' }));
    const records = [scheduler.runNow('job'), scheduler.runNow('job'), scheduler.runNow('job')];
    expect(records.map((record) => record.status)).toEqual(['running', 'queued', 'queued']);
    expect(scheduler.get('job')).toMatchObject({ queued: 2, state: 'running' });
    runner.finish(1);
    await flush();
    expect(runner.running()).toEqual([2]);
    runner.finish(2);
    await flush();
    expect(runner.running()).toEqual([3]);
    expect(scheduler.get('job').queued).toBe(0);
  });

  test('queue: at most 100 wait; the next trigger is skipped', () => {
    const { scheduler } = createEngine('2026-09-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { overlap: 'queue' }));
    for (let i = 0; i < 101; i++) scheduler.runNow('job');
    expect(scheduler.get('job').queued).toBe(100);
    expect(scheduler.runNow('job')).toMatchObject({
      id: 102,
      status: 'skipped',
      error: '100 runs already waiting (overlap: queue)',
    });
  });

  test('replace: the running run is cancelled with reason replace; the new one starts once it has ended', async () => {
    const { runner, scheduler } = createEngine('2026-09-01T00:00:00.000Z');
    runner.finishOnCancel = false;
    scheduler.add(makeTask('job', { overlap: 'replace' }));
    scheduler.runNow('job');
    expect(scheduler.runNow('job')).toMatchObject({ id: 2, status: 'queued' });
    expect(runner.cancels).toEqual([{ runId: 1, reason: 'replace' }]);
    expect(runner.running()).toEqual([1]);
    runner.finish(1, { status: 'cancelled', error: 'replaced by a new run' });
    await flush();
    expect(runner.running()).toEqual([2]);
    expect(scheduler.get('job').lastRun).toMatchObject({ id: 1, status: 'cancelled' });
  });

  test('replace: a newer trigger replaces a waiting replacement too (dropped as cancelled)', async () => {
    const { runner, scheduler, eventsOf } = createEngine('2026-09-01T00:00:00.000Z');
    runner.finishOnCancel = false;
    scheduler.add(makeTask('job', { overlap: 'replace' }));
    scheduler.runNow('job');
    scheduler.runNow('job');
    scheduler.runNow('job');
    expect(runner.cancels).toEqual([{ runId: 1, reason: 'replace' }]);
    expect(eventsOf('run-finished').map((run) => [run.id, run.status, run.error])).toEqual([
      [2, 'cancelled', 'replaced by run #3'],
    ]);
    runner.finish(1, { status: 'cancelled' });
    await flush();
    expect(runner.running()).toEqual([3]);
  });

  test('allow: runs go in parallel', () => {
    const { runner, scheduler } = createEngine('2026-09-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { overlap: 'allow' }));
    scheduler.runNow('job');
    scheduler.runNow('job');
    scheduler.runNow('job');
    expect(runner.running()).toEqual([1, 2, 3]);
    expect(scheduler.get('job').running.map((run) => run.id)).toEqual([1, 2, 3]);
  });
});
