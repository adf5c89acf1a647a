// DESIGN.md "Daemon and control socket", signals: stop gracefully: no new runs; queued runs are
// dropped (cancelled, event run-finished); running runs get the grace period (fake clock), then
// are cancelled with reason 'shutdown'; stop resolves when every run has ended. A second stop with
// a smaller grace shortens it (foreground.ts sends graceMs 0 on a second Ctrl-C).
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, makeTask } from '../support/engine-task.js';

function settle(promise: Promise<unknown>): { done: boolean } {
  const state = { done: false };
  void promise.then(() => {
    state.done = true;
  });
  return state;
}

describe('stop', () => {
  test('with nothing running it resolves at once and clears the timer', async () => {
    const { clock, scheduler } = createEngine('2027-06-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('1m') }));
    scheduler.start();
    await scheduler.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  test('queued runs are dropped; a run that ends within the grace is not cancelled', async () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2027-06-01T00:00:00.000Z', { maxConcurrent: 1 });
    scheduler.add(makeTask('a'));
    scheduler.add(makeTask('b'));
    scheduler.start();
    scheduler.runNow('a');
    scheduler.runNow('b');
    const stopped = settle(scheduler.stop({ graceMs: 5_000 }));
    expect(eventsOf('run-finished').map((run) => [run.id, run.status, run.error])).toEqual([
      [2, 'cancelled', 'dropped: taskkit is stopping'],
    ]);
    clock.advanceBy(4_999);
    await flush();
    expect(stopped.done).toBe(false);
    runner.finish(1);
    await flush();
    expect(stopped.done).toBe(true);
    expect(runner.cancels).toEqual([]);
    expect(runner.requests.map((request) => request.runId)).toEqual([1]);
  });

  test('after the grace, running runs are cancelled with reason shutdown', async () => {
    const { clock, runner, scheduler } = createEngine('2027-06-01T00:00:00.000Z');
    scheduler.add(makeTask('a'));
    scheduler.runNow('a');
    const stopped = settle(scheduler.stop({ graceMs: 5_000 }));
    clock.advanceBy(4_999);
    expect(runner.cancels).toEqual([]);
    clock.advanceBy(1);
    expect(runner.cancels).toEqual([{ runId: 1, reason: 'shutdown' }]);
    await flush();
    expect(stopped.done).toBe(true);
    expect(scheduler.get('a').lastRun).toMatchObject({ status: 'cancelled' });
  });

  test('default grace is 30 s', () => {
    const { clock, runner, scheduler } = createEngine('2027-06-01T00:00:00.000Z');
    scheduler.add(makeTask('a'));
    scheduler.runNow('a');
    void scheduler.stop();
    clock.advanceBy(29_999);
    expect(runner.cancels).toEqual([]);
    clock.advanceBy(1);
    expect(runner.cancels).toEqual([{ runId: 1, reason: 'shutdown' }]);
  });

  test('a second stop with graceMs 0 cancels at once; both calls resolve together', async () => {
    const { runner, scheduler } = createEngine('2027-06-01T00:00:00.000Z');
    scheduler.add(makeTask('a'));
    scheduler.runNow('a');
    const first = scheduler.stop({ graceMs: 30_000 });
    const second = scheduler.stop({ graceMs: 0 });
    expect(second).toBe(first);
    expect(runner.cancels).toEqual([{ runId: 1, reason: 'shutdown' }]);
    await second;
  });

  test('a second stop with a longer grace does not extend it', () => {
    const { clock, runner, scheduler } = createEngine('2027-06-01T00:00:00.000Z');
    scheduler.add(makeTask('a'));
    scheduler.runNow('a');
    void scheduler.stop({ graceMs: 1_000 });
    clock.advanceBy(500);
    void scheduler.stop({ graceMs: 60_000 });
    clock.advanceBy(500);
    expect(runner.cancels).toEqual([{ runId: 1, reason: 'shutdown' }]);
  });

  test('after stop: no scheduled runs, no retries, no dependents; runNow and start are STOPPED', async () => {
    const { clock, runner, scheduler } = createEngine('2027-06-01T00:00:00.000Z');
    runner.finishOnCancel = false;
    scheduler.add(
      makeTask('a', {
        schedule: every('1m'),
        onFailure: ['b'],
        retry: { attempts: 2, delayMs: 1_000, backoff: 1, maxDelayMs: 1_000 },
      }),
    );
    scheduler.add(makeTask('b'));
    scheduler.start();
    clock.advanceTo('2027-06-01T00:01:00.000Z');
    const stopped = scheduler.stop({ graceMs: 60_000 });
    runner.finish(1, { status: 'failed', exitCode: 1 });
    await stopped;
    clock.advanceBy(3_600_000);
    expect(runner.requests.map((request) => request.runId)).toEqual([1]);
    expect(() => scheduler.runNow('a')).toThrow(expect.objectContaining({ code: 'STOPPED' }));
    expect(() => scheduler.start()).toThrow(expect.objectContaining({ code: 'STOPPED' }));
  });

  test('a listener that stops the scheduler mid-wake: the other tasks due at that instant do not fire', async () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2027-06-01T00:00:00.000Z');
    scheduler.on('run-started', () => void scheduler.stop({ graceMs: 0 }));
    scheduler.add(makeTask('a', { schedule: every('1m') }));
    scheduler.add(makeTask('b', { schedule: every('1m') }));
    scheduler.start();
    clock.advanceTo('2027-06-01T00:01:00.000Z');
    await flush();
    expect(runner.requests.map((request) => request.task.name)).toEqual(['a']);
    expect(eventsOf('run-skipped')).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });
});
