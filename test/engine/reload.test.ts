// DESIGN.md "Daemon and control socket": reload is atomic; tasks whose definition did not change
// keep their state, running runs and next instant. replace() keeps hold, running runs and counters,
// and nextAt when schedule and zone are unchanged; a file change drops a run-time reschedule.
// remove(): no new runs; running ones finish, then are forgotten; queued ones are dropped.
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask } from '../support/engine-task.js';

describe('replace', () => {
  test('keeps hold, the running run, counters and nextAt when schedule and zone are unchanged', async () => {
    const { clock, runner, scheduler } = createEngine('2027-05-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('1h', '2027-05-01T00:30'), overlap: 'allow' }));
    scheduler.start();
    clock.advanceTo('2027-05-01T00:30:00.000Z');
    scheduler.hold('job', 'n');
    const status = scheduler.replace(
      makeTask('job', { schedule: every('1h', '2027-05-01T00:30'), description: 'new', overlap: 'allow' }),
    );
    expect(status).toMatchObject({
      state: 'running',
      held: true,
      holdNote: 'n',
      scheduledRuns: 1,
      spec: { description: 'new' },
    });
    expect(status.running.map((run) => run.id)).toEqual([1]);
    expect(iso(status.nextAt)).toBe('2027-05-01T01:30:00.000Z');
    runner.finish(1);
    await flush();
    expect(scheduler.get('job').lastRun).toMatchObject({ id: 1, status: 'succeeded' });
  });

  test('a changed schedule recomputes nextAt from now; the running run goes on', () => {
    const { clock, runner, scheduler } = createEngine('2027-05-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('1h') }));
    scheduler.start();
    clock.advanceTo('2027-05-01T01:00:00.000Z');
    clock.advanceTo('2027-05-01T01:07:00.000Z');
    const status = scheduler.replace(makeTask('job', { schedule: every('5m') }));
    expect(iso(status.nextAt)).toBe('2027-05-01T01:10:00.000Z');
    expect(runner.cancels).toEqual([]);
    expect(status.state).toBe('running');
  });

  test('a file change drops a run-time reschedule', () => {
    const { scheduler } = createEngine('2027-05-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('1h') }));
    scheduler.reschedule('job', every('1m'));
    const status = scheduler.replace(makeTask('job', { schedule: every('1h'), description: 'edited' }));
    expect(status).toMatchObject({ rescheduled: false, schedule: every('1h') });
    expect(iso(status.nextAt)).toBe('2027-05-01T01:00:00.000Z');
  });

  test('hold: true newly written in the file holds the task; unchanged hold keeps the run-time state', () => {
    const { scheduler } = createEngine('2027-05-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('1h') }));
    expect(scheduler.replace(makeTask('job', { schedule: every('1h'), hold: true })).held).toBe(true);
    scheduler.resume('job');
    expect(scheduler.replace(makeTask('job', { schedule: every('1h'), hold: true, description: 'x' })).held).toBe(
      false,
    );
  });

  test('new after edges take effect; old ones are gone', async () => {
    const { runner, scheduler } = createEngine('2027-05-01T00:00:00.000Z');
    scheduler.add(makeTask('a'));
    scheduler.add(makeTask('b'));
    scheduler.add(makeTask('c', { after: ['a'] }));
    scheduler.replace(makeTask('c', { after: ['b'] }));
    scheduler.runNow('a');
    runner.finish(1);
    await flush();
    scheduler.runNow('b');
    runner.finish(2);
    await flush();
    expect(runner.requests.map((request) => request.task.name)).toEqual(['a', 'b', 'c']);
  });

  test('an unknown task is TASK_UNKNOWN', () => {
    const { scheduler } = createEngine('2027-05-01T00:00:00.000Z');
    expect(() => scheduler.replace(makeTask('nope'))).toThrow(expect.objectContaining({ code: 'TASK_UNKNOWN' }));
  });
});

describe('remove', () => {
  test('no new runs; the running one finishes (run-finished) and is then forgotten; queued ones dropped', async () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2027-05-01T00:00:00.000Z');
    scheduler.add(
      makeTask('job', {
        schedule: every('1m'),
        overlap: 'queue',
        retry: { attempts: 3, delayMs: 1_000, backoff: 1, maxDelayMs: 1_000 },
      }),
    );
    scheduler.start();
    clock.advanceTo('2027-05-01T00:01:00.000Z');
    scheduler.runNow('job');
    scheduler.remove('job');
    expect(scheduler.has('job')).toBe(false);
    expect(scheduler.list()).toEqual([]);
    expect(eventsOf('run-finished').map((run) => [run.id, run.status, run.error])).toEqual([
      [2, 'cancelled', 'task removed'],
    ]);
    runner.finish(1, { status: 'failed', exitCode: 1 });
    await flush();
    clock.advanceTo('2027-05-01T00:10:00.000Z');
    expect(runner.requests.map((request) => request.runId)).toEqual([1]);
    expect(eventsOf('run-finished').map((run) => [run.id, run.status])).toEqual([
      [2, 'cancelled'],
      [1, 'failed'],
    ]);
  });

  test('a listener removing the task while its wake fires it: the task does not come back', () => {
    const { clock, runner, scheduler } = createEngine('2027-05-01T00:00:00.000Z');
    scheduler.on('run-started', (run) => scheduler.remove(run.task));
    scheduler.add(makeTask('job', { schedule: every('1m'), overlap: 'allow' }));
    scheduler.start();
    clock.advanceTo('2027-05-01T00:05:00.000Z');
    expect(runner.requests.length).toBe(1);
    expect(scheduler.has('job')).toBe(false);
    expect(clock.nextTimerIn()).toBe(10_000);
  });

  test('the name can be added again at once', () => {
    const { scheduler } = createEngine('2027-05-01T00:00:00.000Z');
    scheduler.add(makeTask('job'));
    scheduler.remove('job');
    expect(scheduler.add(makeTask('job')).name).toBe('job');
  });
});

describe('add, get, list', () => {
  test('add of an existing name is CONFLICT; get of an unknown one TASK_UNKNOWN', () => {
    const { scheduler } = createEngine('2027-05-01T00:00:00.000Z');
    scheduler.add(makeTask('job'));
    expect(() => scheduler.add(makeTask('job'))).toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: 'a task named "job" already exists' }),
    );
    expect(() => scheduler.get('x')).toThrow(
      expect.objectContaining({ code: 'TASK_UNKNOWN', message: 'no task named "x"' }),
    );
  });

  test('list is in add order; replace keeps the position', () => {
    const { scheduler } = createEngine('2027-05-01T00:00:00.000Z');
    for (const name of ['c', 'a', 'b']) scheduler.add(makeTask(name));
    scheduler.replace(makeTask('c', { description: 'changed' }));
    expect(scheduler.list().map((task) => task.name)).toEqual(['c', 'a', 'b']);
  });
});
