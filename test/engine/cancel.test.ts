// DESIGN.md command line, `cancel NAME`: stop the running run(s) of a task (runner cancel with
// reason 'cancel') and drop its waiting ones (recorded as cancelled, event run-finished).
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, makeTask } from '../support/engine-task.js';

describe('cancel', () => {
  test('cancels running runs with reason cancel and drops queued ones; returns them all', async () => {
    const { runner, scheduler, eventsOf } = createEngine('2027-04-01T00:00:00.000Z');
    runner.finishOnCancel = false;
    scheduler.add(makeTask('job', { overlap: 'queue' }));
    scheduler.runNow('job');
    scheduler.runNow('job');
    scheduler.runNow('job');
    const records = scheduler.cancel('job');
    expect(records.map((run) => [run.id, run.status, run.error])).toEqual([
      [1, 'running', null],
      [2, 'cancelled', 'cancelled by taskkit cancel before it started'],
      [3, 'cancelled', 'cancelled by taskkit cancel before it started'],
    ]);
    expect(runner.cancels).toEqual([{ runId: 1, reason: 'cancel' }]);
    expect(eventsOf('run-finished').map((run) => run.id)).toEqual([2, 3]);
    runner.finish(1, {
      status: 'cancelled',
      exitCode: null,
      signal: 'SIGTERM',
      error: 'cancelled by taskkit cancel; sent SIGTERM',
    });
    await flush();
    expect(await scheduler.waitForRun(1)).toMatchObject({ id: 1, status: 'cancelled', signal: 'SIGTERM' });
    expect(runner.requests.length).toBe(1);
    expect(scheduler.get('job')).toMatchObject({ state: 'on-demand', running: [], queued: 0 });
  });

  test('a task with nothing going returns [] and stays as it was', () => {
    const { scheduler } = createEngine('2027-04-01T00:00:00.000Z');
    scheduler.add(makeTask('job'));
    expect(scheduler.cancel('job')).toEqual([]);
  });

  test('a pending retry is dropped too', async () => {
    const { clock, runner, scheduler } = createEngine('2027-04-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { retry: { attempts: 2, delayMs: 1_000, backoff: 1, maxDelayMs: 1_000 } }));
    scheduler.start();
    scheduler.runNow('job');
    runner.finish(1, { status: 'failed', exitCode: 1 });
    await flush();
    expect(scheduler.cancel('job').map((run) => [run.id, run.trigger, run.status])).toEqual([
      [2, 'retry', 'cancelled'],
    ]);
    clock.advanceBy(5_000);
    expect(runner.requests.length).toBe(1);
  });

  test('an unknown task is TASK_UNKNOWN', () => {
    const { scheduler } = createEngine('2027-04-01T00:00:00.000Z');
    expect(() => scheduler.cancel('ghost')).toThrow(expect.objectContaining({ code: 'TASK_UNKNOWN' }));
  });
});
