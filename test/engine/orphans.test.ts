// Issue 15 point 9: a task removed (or renamed) by a reload while it runs. Its running runs are
// kept as an orphan (state `removed`): listed by orphans(), cancellable by the old name or by run
// id, ending into run-finished as usual; a task of the same name that comes back adopts them, so
// its overlap policy counts them.
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, makeTask } from '../support/engine-task.js';

const START = '2027-05-01T00:00:00.000Z';

describe('a removed task with a run in flight', () => {
  test('is an orphan until its run ends: visible, not a task, its run reaches run-finished', async () => {
    const { runner, scheduler, eventsOf, logs } = createEngine(START);
    scheduler.add(makeTask('job'));
    scheduler.runNow('job');
    scheduler.remove('job');
    expect(scheduler.has('job')).toBe(false);
    expect(scheduler.list()).toEqual([]);
    expect(scheduler.orphans().map((task) => [task.name, task.state, task.running.map((run) => run.id)])).toEqual([
      ['job', 'removed', [1]],
    ]);
    expect(scheduler.orphan('job')?.state).toBe('removed');
    expect(logs).toContainEqual(['warn', expect.stringContaining('job: removed from the tasks file while run #1')]);
    runner.finish(1, { status: 'failed', exitCode: 3 });
    await flush();
    expect(eventsOf('run-finished').map((run) => [run.id, run.status])).toEqual([[1, 'failed']]);
    expect(scheduler.orphans()).toEqual([]);
    expect(scheduler.orphan('job')).toBeNull();
  });

  test('a removed task with nothing running leaves no orphan', () => {
    const { scheduler } = createEngine(START);
    scheduler.add(makeTask('job'));
    scheduler.remove('job');
    expect(scheduler.orphans()).toEqual([]);
  });

  test('cancel by the old name stops it (reason cancel)', async () => {
    const { runner, scheduler, eventsOf } = createEngine(START);
    scheduler.add(makeTask('job'));
    scheduler.runNow('job');
    scheduler.remove('job');
    expect(scheduler.cancel('job').map((run) => [run.id, run.status])).toEqual([[1, 'running']]);
    expect(runner.cancels).toEqual([{ runId: 1, reason: 'cancel' }]);
    await flush();
    expect(eventsOf('run-finished').map((run) => [run.id, run.status])).toEqual([[1, 'cancelled']]);
    expect(scheduler.orphans()).toEqual([]);
    expect(() => scheduler.cancel('job')).toThrow(expect.objectContaining({ code: 'TASK_UNKNOWN' }));
  });

  test('cancel by run id stops a renamed task’s run; the new name is a task of its own', async () => {
    const { runner, scheduler } = createEngine(START);
    scheduler.add(makeTask('old'));
    scheduler.runNow('old');
    scheduler.remove('old');
    scheduler.add(makeTask('new'));
    expect(scheduler.runNow('new')).toMatchObject({ id: 2, status: 'running' });
    expect(scheduler.cancelRun(1)).toMatchObject({ id: 1, task: 'old', status: 'running' });
    expect(runner.cancels).toEqual([{ runId: 1, reason: 'cancel' }]);
    await flush();
    expect(scheduler.orphans()).toEqual([]);
    expect(scheduler.get('new').running.map((run) => run.id)).toEqual([2]);
  });

  test('cancelRun of an id not in flight is NOT_FOUND, saying so for a run that ended', async () => {
    const { runner, scheduler } = createEngine(START);
    scheduler.add(makeTask('job'));
    scheduler.runNow('job');
    runner.finish(1);
    await flush();
    expect(() => scheduler.cancelRun(1)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: 'run #1 of job has already ended (succeeded)' }),
    );
    expect(() => scheduler.cancelRun(99)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: 'run #99 is not running or waiting' }),
    );
  });

  test('cancelRun of the waiting run a queued one waits behind lets that one go', () => {
    const { runner, scheduler } = createEngine(START, { maxConcurrent: 1 });
    scheduler.add(makeTask('busy'));
    scheduler.add(makeTask('job', { overlap: 'queue' }));
    scheduler.runNow('busy');
    expect(scheduler.runNow('job')).toMatchObject({ id: 2, status: 'queued' });
    expect(scheduler.runNow('job')).toMatchObject({ id: 3, status: 'queued' });
    scheduler.cancelRun(2);
    runner.finish(1);
    return flush().then(() => expect(runner.running()).toEqual([3]));
  });

  test('cancelRun drops a waiting run', () => {
    const { runner, scheduler } = createEngine(START);
    scheduler.add(makeTask('job', { overlap: 'queue' }));
    scheduler.runNow('job');
    scheduler.runNow('job');
    expect(scheduler.cancelRun(2)).toMatchObject({ id: 2, status: 'cancelled' });
    expect(runner.cancels).toEqual([]);
    expect(scheduler.get('job')).toMatchObject({ queued: 0 });
  });

  test('its failure is not retried and triggers no on-failure: the task is gone', async () => {
    const { clock, runner, scheduler } = createEngine(START);
    scheduler.add(makeTask('alert'));
    scheduler.add(
      makeTask('job', { retry: { attempts: 3, delayMs: 1_000, backoff: 1, maxDelayMs: 1_000 }, onFailure: ['alert'] }),
    );
    scheduler.runNow('job');
    scheduler.remove('job');
    runner.finish(1, { status: 'failed', exitCode: 1 });
    await flush();
    clock.advanceBy(10_000);
    expect(runner.requests.map((request) => request.runId)).toEqual([1]);
    expect(scheduler.orphans()).toEqual([]);
  });
});

describe('a task that comes back under the same name while the orphan runs', () => {
  test('overlap: skip skips a new trigger, naming the run that goes on', () => {
    const { runner, scheduler } = createEngine(START);
    scheduler.add(makeTask('job'));
    scheduler.runNow('job');
    scheduler.remove('job');
    scheduler.add(makeTask('job'));
    expect(scheduler.orphans()).toEqual([]);
    expect(scheduler.get('job')).toMatchObject({ state: 'running' });
    expect(scheduler.runNow('job')).toMatchObject({
      status: 'skipped',
      error: 'previous run #1 still running (overlap: skip)',
    });
    expect(runner.requests.length).toBe(1);
  });

  test('a scheduled instant is skipped the same way', () => {
    const { clock, runner, scheduler, eventsOf } = createEngine(START);
    scheduler.add(makeTask('job'));
    scheduler.start();
    scheduler.runNow('job');
    scheduler.remove('job');
    scheduler.add(makeTask('job', { schedule: every('1m') }));
    clock.advanceTo('2027-05-01T00:01:00.000Z');
    expect(runner.requests.length).toBe(1);
    expect(eventsOf('run-skipped').map((run) => run.error)).toEqual(['previous run #1 still running (overlap: skip)']);
  });

  test('overlap: queue waits for the adopted run to end, then starts', async () => {
    const { runner, scheduler } = createEngine(START);
    scheduler.add(makeTask('job'));
    scheduler.runNow('job');
    scheduler.remove('job');
    scheduler.add(makeTask('job', { overlap: 'queue' }));
    expect(scheduler.runNow('job')).toMatchObject({ id: 2, status: 'queued' });
    expect(runner.running()).toEqual([1]);
    runner.finish(1);
    await flush();
    expect(runner.running()).toEqual([2]);
    expect(scheduler.get('job').lastRun).toMatchObject({ id: 1, status: 'succeeded' });
  });

  test('overlap: replace cancels the adopted run (reason replace)', () => {
    const { runner, scheduler } = createEngine(START);
    scheduler.add(makeTask('job'));
    scheduler.runNow('job');
    scheduler.remove('job');
    scheduler.add(makeTask('job', { overlap: 'replace' }));
    scheduler.runNow('job');
    expect(runner.cancels).toEqual([{ runId: 1, reason: 'replace' }]);
  });

  test('overlap: allow runs in parallel; cancel NAME stops both', () => {
    const { runner, scheduler, logs } = createEngine(START);
    scheduler.add(makeTask('job'));
    scheduler.runNow('job');
    scheduler.remove('job');
    scheduler.add(makeTask('job', { overlap: 'allow' }));
    expect(logs).toContainEqual(['info', expect.stringContaining('job: back in the tasks file while run #1')]);
    scheduler.runNow('job');
    expect(runner.running()).toEqual([1, 2]);
    expect(scheduler.cancel('job').map((run) => run.id)).toEqual([1, 2]);
  });

  test('a task renamed back and forth: the run follows the name', async () => {
    const { runner, scheduler } = createEngine(START);
    scheduler.add(makeTask('a'));
    scheduler.runNow('a');
    scheduler.remove('a');
    scheduler.add(makeTask('b'));
    scheduler.remove('b');
    scheduler.add(makeTask('a'));
    expect(scheduler.get('a').running.map((run) => run.id)).toEqual([1]);
    runner.finish(1);
    await flush();
    expect(scheduler.get('a')).toMatchObject({ state: 'on-demand', lastRun: { id: 1, status: 'succeeded' } });
  });
});

describe('stop', () => {
  test('an orphan’s run gets the grace and is cancelled (shutdown) like any other', async () => {
    const { runner, scheduler } = createEngine(START);
    runner.finishOnCancel = true;
    scheduler.add(makeTask('job'));
    scheduler.runNow('job');
    scheduler.remove('job');
    const stopped = scheduler.stop({ graceMs: 0 });
    expect(runner.cancels).toEqual([{ runId: 1, reason: 'shutdown' }]);
    await stopped;
    expect(scheduler.orphans()).toEqual([]);
  });
});
