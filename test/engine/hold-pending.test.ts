// Issue 15: a hold answered while a scheduled run waits out its jitter stops that run: it never
// starts (not when its wait would have ended, not after a resume), and it is recorded as
// cancelled with the reason. The same for a scheduled run queued behind another run or for a
// free slot. What the schedule did not make (run-now, dependency triggers, retries) and what has
// started go on: a hold stops the schedule; `cancel` stops runs. All on the fake clock.
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask } from '../support/engine-task.js';

/** `job` every hour with a 10m jitter; random() 0.5: the 01:00 run waits until 01:05. */
function waitingOutJitter() {
  const engine = createEngine('2026-12-01T00:00:00.000Z', { random: () => 0.5 });
  engine.scheduler.add(makeTask('job', { schedule: every('1h'), jitterMs: 600_000 }));
  engine.scheduler.start();
  engine.clock.advanceTo('2026-12-01T01:02:00.000Z');
  return engine;
}

describe('a hold while a run waits out its jitter', () => {
  test('the run never starts, and is recorded as cancelled with the reason', () => {
    const { clock, runner, scheduler, eventsOf } = waitingOutJitter();
    expect(scheduler.get('job')).toMatchObject({ queued: 1 });
    const status = scheduler.hold('job', 'migration');
    expect(status).toMatchObject({ state: 'held', queued: 0 });
    expect(eventsOf('run-finished').map((run) => [run.id, run.status, iso(run.scheduledAt), run.error])).toEqual([
      [1, 'cancelled', '2026-12-01T01:00:00.000Z', 'task held while the run waited out its jitter'],
    ]);
    // Its wait is gone from the timeline: the only timer left is the task's next instant.
    expect(clock.pendingTimers).toBe(1);
    clock.advanceTo('2026-12-01T01:30:00.000Z');
    expect(runner.requests).toEqual([]);
    expect(eventsOf('run-started')).toEqual([]);
  });

  test('a resume before the wait would have ended does not bring it back; the next instant runs', () => {
    const { clock, scheduler, eventsOf } = waitingOutJitter();
    scheduler.hold('job');
    scheduler.resume('job');
    clock.advanceTo('2026-12-01T02:10:00.000Z');
    expect(eventsOf('run-started').map((run) => [run.id, iso(run.scheduledAt), iso(run.startedAt)])).toEqual([
      [2, '2026-12-01T02:00:00.000Z', '2026-12-01T02:05:00.000Z'],
    ]);
  });

  test('without the hold the same run starts when its wait ends (the test above can fail)', () => {
    const { clock, runner } = waitingOutJitter();
    clock.advanceTo('2026-12-01T01:05:00.000Z');
    expect(runner.requests.map((request) => request.runId)).toEqual([1]);
  });

  test('hold: true added to the file (reload) stops it the same way', () => {
    const { clock, runner, scheduler, eventsOf } = waitingOutJitter();
    scheduler.replace(makeTask('job', { schedule: every('1h'), jitterMs: 600_000, hold: true }));
    expect(eventsOf('run-finished').map((run) => run.error)).toEqual(['task held while the run waited out its jitter']);
    clock.advanceTo('2026-12-01T01:30:00.000Z');
    expect(runner.requests).toEqual([]);
  });

  test('a hold from a running run of the task (its handle) stops the next one waiting out its jitter', () => {
    const engine = createEngine('2026-12-01T00:00:00.000Z', { random: () => 0.5 });
    engine.scheduler.add(makeTask('job', { schedule: every('1h'), jitterMs: 600_000, overlap: 'allow' }));
    engine.scheduler.start();
    engine.scheduler.runNow('job');
    engine.clock.advanceTo('2026-12-01T01:02:00.000Z');
    engine.runner.request(1).handle.hold('from inside');
    engine.clock.advanceTo('2026-12-01T01:30:00.000Z');
    expect(engine.runner.requests.map((request) => request.trigger)).toEqual(['manual']);
    expect(engine.eventsOf('run-finished').map((run) => [run.id, run.trigger, run.status])).toEqual([
      [2, 'schedule', 'cancelled'],
    ]);
  });
});

describe('a hold and the task’s other runs that have not started', () => {
  test('a scheduled run queued behind a running one (overlap: queue) is dropped; the running one goes on', async () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-12-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('1h'), overlap: 'queue' }));
    scheduler.start();
    clock.advanceTo('2026-12-01T01:00:00.000Z');
    clock.advanceTo('2026-12-01T02:00:00.000Z');
    expect(scheduler.get('job')).toMatchObject({ running: [{ id: 1 }], queued: 1 });
    scheduler.hold('job');
    expect(runner.cancels).toEqual([]);
    expect(eventsOf('run-finished').map((run) => [run.id, run.status, run.error])).toEqual([
      [2, 'cancelled', 'task held before the run started'],
    ]);
    runner.finish(1);
    await flush();
    expect(runner.requests.map((request) => request.runId)).toEqual([1]);
  });

  test('a scheduled run waiting for a max-concurrent slot is dropped; a manual one waiting goes on', async () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-12-01T00:00:00.000Z', { maxConcurrent: 1 });
    scheduler.add(makeTask('busy'));
    scheduler.add(makeTask('job', { schedule: every('1h'), overlap: 'allow' }));
    scheduler.start();
    scheduler.runNow('busy');
    clock.advanceTo('2026-12-01T01:00:00.000Z');
    scheduler.runNow('job');
    scheduler.hold('job');
    expect(eventsOf('run-finished').map((run) => [run.id, run.trigger, run.error])).toEqual([
      [2, 'schedule', 'task held before the run started'],
    ]);
    runner.finish(1);
    await flush();
    expect(runner.requests.map((request) => [request.runId, request.trigger])).toEqual([
      [1, 'manual'],
      [3, 'manual'],
    ]);
  });

  test('a retry waiting out its backoff goes on (a hold is not a cancel)', async () => {
    const { clock, runner, scheduler } = createEngine('2026-12-01T00:00:00.000Z');
    scheduler.add(
      makeTask('job', {
        schedule: every('1h'),
        retry: { attempts: 1, delayMs: 60_000, backoff: 1, maxDelayMs: 60_000 },
      }),
    );
    scheduler.start();
    clock.advanceTo('2026-12-01T01:00:00.000Z');
    runner.finish(1, { status: 'failed', exitCode: 1 });
    await flush();
    scheduler.hold('job');
    clock.advanceTo('2026-12-01T01:01:00.000Z');
    expect(runner.requests.map((request) => [request.runId, request.trigger])).toEqual([
      [1, 'schedule'],
      [2, 'retry'],
    ]);
  });
});
