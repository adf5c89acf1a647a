// SchedulerOptions.nextRunId: where run ids come from (cluster mode: blocks from a sequence shared by
// every host). Every record the engine makes takes its id from it: runs, retries, skips, held spans.
// Without it, firstRunId keeps counting up as before.
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, makeTask } from '../support/engine-task.js';

/** Ids served from blocks of `size` starting at each of `starts`, as an allocator would. */
function blockIds(starts: number[], size: number): () => number {
  const ids = starts.flatMap((start) => Array.from({ length: size }, (_, index) => start + index));
  return () => {
    const id = ids.shift();
    if (id === undefined) throw new Error('no ids left');
    return id;
  };
}

describe('nextRunId', () => {
  test('runs, retries, skipped triggers and held spans take their ids from it, in order', async () => {
    const engine = createEngine('2027-07-01T00:00:00.000Z', {
      nextRunId: blockIds([641, 1_281], 2),
      firstRunId: 5_000,
    });
    const { clock, runner, scheduler, eventsOf } = engine;
    scheduler.add(makeTask('job', { retry: { attempts: 1, delayMs: 1_000, backoff: 1, maxDelayMs: 1_000 } }));
    scheduler.add(makeTask('tick', { schedule: every('1m') }));
    scheduler.start();
    expect(scheduler.runNow('job').id).toBe(641);
    expect(scheduler.runNow('job')).toMatchObject({ id: 642, status: 'skipped' });
    runner.finish(641, { status: 'failed', exitCode: 1 });
    await flush();
    clock.advanceBy(1_000);
    expect(runner.running()).toEqual([1_281]);
    scheduler.hold('tick');
    clock.advanceTo('2027-07-01T00:03:00.000Z');
    scheduler.resume('tick');
    expect(eventsOf('run-skipped').map((run) => [run.id, run.task, run.skip?.reason])).toEqual([
      [642, 'job', 'overlap'],
      [1_282, 'tick', 'held'],
    ]);
  });

  test('without it, firstRunId still numbers the runs', () => {
    const { scheduler } = createEngine('2027-07-01T00:00:00.000Z', { firstRunId: 5_000 });
    scheduler.add(makeTask('job'));
    scheduler.add(makeTask('other'));
    expect([scheduler.runNow('job').id, scheduler.runNow('other').id]).toEqual([5_000, 5_001]);
  });
});
