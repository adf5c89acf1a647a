// Engine brief, runner contract: runner.start returns {pid, done, cancel}; done never rejects, but
// the engine guards anyway: a throw from start or a rejected done becomes a 'failed' record with
// error = the message, never an unhandled rejection, never a dead engine. Listener exceptions must
// not break the engine either.
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, makeTask } from '../support/engine-task.js';

describe('a broken runner or listener', () => {
  test('start() throws: the run is failed with the message, retried like any failure, engine goes on', async () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2027-07-01T00:00:00.000Z');
    scheduler.add(
      makeTask('job', { schedule: every('1m'), retry: { attempts: 1, delayMs: 5_000, backoff: 1, maxDelayMs: 5_000 } }),
    );
    scheduler.start();
    runner.throwOnStart = new Error('spawn EAGAIN');
    clock.advanceTo('2027-07-01T00:01:00.000Z');
    await flush();
    expect(eventsOf('run-finished')).toEqual([
      expect.objectContaining({ id: 1, status: 'failed', error: 'spawn EAGAIN', pid: null, exitCode: null }),
    ]);
    clock.advanceBy(5_000);
    expect(runner.requests.map((request) => [request.runId, request.trigger])).toEqual([[2, 'retry']]);
  });

  test('done rejects: a failed record with the message, and on-failure fires', async () => {
    const { runner, scheduler } = createEngine('2027-07-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { onFailure: ['page'] }));
    scheduler.add(makeTask('page'));
    scheduler.runNow('job');
    runner.rejectRun(1, new Error('worker crashed'));
    expect(await scheduler.waitForRun(1)).toMatchObject({ status: 'failed', error: 'worker crashed' });
    await flush();
    expect(runner.requests.map((request) => request.task.name)).toEqual(['job', 'page']);
  });

  test('a listener that throws is logged; other listeners and the engine carry on', async () => {
    const { runner, scheduler, logs, eventsOf } = createEngine('2027-07-01T00:00:00.000Z');
    scheduler.on('run-started', () => {
      throw new Error('store is down');
    });
    scheduler.add(makeTask('job'));
    expect(scheduler.runNow('job').status).toBe('running');
    expect(logs).toEqual([['error', 'a "run-started" listener threw: store is down']]);
    runner.finish(1);
    await flush();
    expect(eventsOf('run-finished').map((run) => run.status)).toEqual(['succeeded']);
  });
});

describe('events and records', () => {
  test('run-output carries the running record and the chunk', () => {
    const { runner, scheduler, eventsOf, events } = createEngine('2027-07-01T00:00:00.000Z');
    scheduler.add(makeTask('job'));
    scheduler.runNow('job');
    runner.emitOutput(1, 'hello\n');
    expect(eventsOf('run-output')).toEqual([expect.objectContaining({ id: 1, status: 'running' })]);
    expect(events.find(([name]) => name === 'run-output')?.[2]).toEqual(Buffer.from('hello\n'));
  });

  test('records are immutable snapshots: each event has its own object', async () => {
    const { runner, scheduler, eventsOf } = createEngine('2027-07-01T00:00:00.000Z');
    scheduler.add(makeTask('job'));
    const started = scheduler.runNow('job');
    runner.finish(1, { output: Buffer.from('ok\n'), outputBytes: 3, result: { rows: 2 } });
    await flush();
    const [finished] = eventsOf('run-finished');
    expect(started.status).toBe('running');
    expect(finished).toMatchObject({
      id: 1,
      status: 'succeeded',
      output: Buffer.from('ok\n'),
      outputBytes: 3,
      result: { rows: 2 },
      startedAt: started.startedAt,
    });
  });

  test('the runner request carries the task, trigger, attempt, instant and output limit', () => {
    const { runner, scheduler } = createEngine('2027-07-01T00:00:00.000Z');
    const task = makeTask('job', { history: { keep: 5, outputLimitBytes: 4_096 } });
    scheduler.add(task);
    scheduler.runNow('job');
    expect(runner.request(1)).toMatchObject({
      runId: 1,
      task,
      trigger: 'manual',
      scheduledAt: null,
      attempt: 1,
      outputLimitBytes: 4_096,
    });
  });

  test('firstRunId continues a store numbering', () => {
    const { scheduler } = createEngine('2027-07-01T00:00:00.000Z', { firstRunId: 5_000 });
    scheduler.add(makeTask('job'));
    expect(scheduler.runNow('job').id).toBe(5_000);
  });

  test('waitForRun: an unknown id rejects NOT_FOUND; a finished one resolves at once', async () => {
    const { runner, scheduler } = createEngine('2027-07-01T00:00:00.000Z');
    scheduler.add(makeTask('job'));
    await expect(scheduler.waitForRun(99)).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'no run #99' });
    scheduler.runNow('job');
    runner.finish(1, { status: 'failed', exitCode: 3 });
    await flush();
    expect(await scheduler.waitForRun(1)).toMatchObject({ id: 1, status: 'failed', exitCode: 3 });
    expect(await scheduler.waitForRun(2).catch((error: unknown) => error)).toMatchObject({ code: 'NOT_FOUND' });
  });

  test('unsubscribe stops the events', () => {
    const { scheduler } = createEngine('2027-07-01T00:00:00.000Z');
    const seen: number[] = [];
    const off = scheduler.on('run-started', (run) => seen.push(run.id));
    scheduler.add(makeTask('job', { overlap: 'allow' }));
    scheduler.runNow('job');
    off();
    scheduler.runNow('job');
    expect(seen).toEqual([1]);
  });
});
