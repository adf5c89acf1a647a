// DESIGN.md tasks file, `after` / `on-success` / `on-failure`: when a run of X succeeds, every task
// whose `after` includes X runs (trigger 'dependency'), and every task in X.onSuccess; when X fails
// for good, X.onFailure runs. A name that does not exist (a removed task) is ignored with a warning.
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, makeTask } from '../support/engine-task.js';

describe('dependency triggers', () => {
  test('after: a chain backup -> notify -> archive, each on the success of the one before', async () => {
    const { runner, scheduler } = createEngine('2026-11-01T00:00:00.000Z');
    scheduler.add(makeTask('backup'));
    scheduler.add(makeTask('notify', { after: ['backup'] }));
    scheduler.add(makeTask('archive', { after: ['notify'] }));
    scheduler.runNow('backup');
    for (const id of [1, 2, 3]) {
      runner.finish(id);
      await flush();
    }
    expect(
      runner.requests.map((request) => [request.runId, request.task.name, request.trigger, request.scheduledAt]),
    ).toEqual([
      [1, 'backup', 'manual', null],
      [2, 'notify', 'dependency', null],
      [3, 'archive', 'dependency', null],
    ]);
  });

  test('on-success and after together trigger each task once, after-dependents first', async () => {
    const { runner, scheduler } = createEngine('2026-11-01T00:00:00.000Z');
    scheduler.add(makeTask('build', { onSuccess: ['deploy', 'announce'] }));
    scheduler.add(makeTask('announce', { after: ['build'] }));
    scheduler.add(makeTask('deploy'));
    scheduler.runNow('build');
    runner.finish(1);
    await flush();
    expect(runner.requests.map((request) => request.task.name)).toEqual(['build', 'announce', 'deploy']);
  });

  test('a failure triggers on-failure, not after-dependents or on-success', async () => {
    const { runner, scheduler } = createEngine('2026-11-01T00:00:00.000Z');
    scheduler.add(makeTask('build', { onSuccess: ['deploy'], onFailure: ['page'] }));
    scheduler.add(makeTask('deploy'));
    scheduler.add(makeTask('notify', { after: ['build'] }));
    scheduler.add(makeTask('page'));
    scheduler.runNow('build');
    runner.finish(1, { status: 'failed', exitCode: 1 });
    await flush();
    expect(runner.requests.map((request) => [request.task.name, request.trigger])).toEqual([
      ['build', 'manual'],
      ['page', 'dependency'],
    ]);
  });

  test('a cancelled run triggers nothing', async () => {
    const { runner, scheduler } = createEngine('2026-11-01T00:00:00.000Z');
    scheduler.add(makeTask('build', { onFailure: ['page'], onSuccess: ['deploy'] }));
    scheduler.add(makeTask('page'));
    scheduler.add(makeTask('deploy'));
    scheduler.runNow('build');
    scheduler.cancel('build');
    await flush();
    expect(runner.requests.map((request) => request.task.name)).toEqual(['build']);
  });

  test('a removed target is ignored with a warning; the others still run', async () => {
    const { runner, scheduler, logs } = createEngine('2026-11-01T00:00:00.000Z');
    scheduler.add(makeTask('build', { onSuccess: ['gone', 'deploy'] }));
    scheduler.add(makeTask('gone'));
    scheduler.add(makeTask('deploy'));
    scheduler.remove('gone');
    scheduler.runNow('build');
    runner.finish(1);
    await flush();
    expect(runner.requests.map((request) => request.task.name)).toEqual(['build', 'deploy']);
    expect(logs).toEqual([['warn', 'build: no task named "gone" to trigger; ignored']]);
  });

  test('a removed dependent no longer runs after its upstream', async () => {
    const { runner, scheduler } = createEngine('2026-11-01T00:00:00.000Z');
    scheduler.add(makeTask('backup'));
    scheduler.add(makeTask('notify', { after: ['backup'] }));
    scheduler.remove('notify');
    scheduler.runNow('backup');
    runner.finish(1);
    await flush();
    expect(runner.requests.map((request) => request.task.name)).toEqual(['backup']);
  });

  test('dependency triggers obey the target overlap policy', async () => {
    const { runner, scheduler, eventsOf } = createEngine('2026-11-01T00:00:00.000Z');
    scheduler.add(makeTask('a', { overlap: 'allow' }));
    scheduler.add(makeTask('b', { after: ['a'] }));
    scheduler.runNow('a');
    scheduler.runNow('a');
    runner.finish(1);
    await flush();
    runner.finish(2);
    await flush();
    expect(eventsOf('run-skipped').map((run) => [run.task, run.trigger, run.error])).toEqual([
      ['b', 'dependency', 'previous run #3 still running (overlap: skip)'],
    ]);
  });
});
