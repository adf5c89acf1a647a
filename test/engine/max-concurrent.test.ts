// DESIGN.md settings, `max-concurrent`: at most that many runs started and not finished across all
// tasks; the rest wait (status 'queued') in a fair queue: round-robin over tasks, FIFO within one.
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, makeTask } from '../support/engine-task.js';

describe('max-concurrent', () => {
  test('no more than the limit run at once; the rest are queued', () => {
    const { runner, scheduler } = createEngine('2026-09-01T00:00:00.000Z', { maxConcurrent: 2 });
    for (const name of ['a', 'b', 'c']) scheduler.add(makeTask(name));
    expect(['a', 'b', 'c'].map((name) => scheduler.runNow(name).status)).toEqual(['running', 'running', 'queued']);
    expect(runner.running()).toEqual([1, 2]);
    expect(scheduler.get('c')).toMatchObject({ state: 'on-demand', queued: 1, running: [] });
  });

  test('fair: round-robin over tasks, FIFO within a task', async () => {
    const { runner, scheduler } = createEngine('2026-09-01T00:00:00.000Z', { maxConcurrent: 1 });
    scheduler.add(makeTask('busy', { overlap: 'allow' }));
    scheduler.add(makeTask('b'));
    scheduler.add(makeTask('c'));
    scheduler.runNow('busy'); // #1 runs
    scheduler.runNow('busy'); // #2
    scheduler.runNow('busy'); // #3
    scheduler.runNow('busy'); // #4
    scheduler.runNow('b'); // #5
    scheduler.runNow('c'); // #6
    const order: number[] = [];
    for (let i = 0; i < 6; i++) {
      const [id] = runner.running();
      order.push(id as number);
      runner.finish(id as number);
      await flush();
    }
    expect(order).toEqual([1, 2, 5, 6, 3, 4]);
  });

  test('queued scheduled runs keep their instant and start when a slot frees', async () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-09-01T00:00:00.000Z', { maxConcurrent: 1 });
    scheduler.add(makeTask('long'));
    scheduler.add(makeTask('tick', { schedule: every('1m') }));
    scheduler.start();
    scheduler.runNow('long');
    clock.advanceTo('2026-09-01T00:01:00.000Z');
    expect(scheduler.get('tick')).toMatchObject({ queued: 1 });
    clock.advanceTo('2026-09-01T00:01:30.000Z');
    runner.finish(1);
    await flush();
    expect(eventsOf('run-started').map((run) => [run.task, run.scheduledAt, run.startedAt])).toEqual([
      ['long', null, Date.parse('2026-09-01T00:00:00.000Z')],
      ['tick', Date.parse('2026-09-01T00:01:00.000Z'), Date.parse('2026-09-01T00:01:30.000Z')],
    ]);
  });

  test('a run dropped from the queue (cancel) frees no slot and breaks no order', async () => {
    const { runner, scheduler } = createEngine('2026-09-01T00:00:00.000Z', { maxConcurrent: 1 });
    for (const name of ['a', 'b', 'c']) scheduler.add(makeTask(name));
    for (const name of ['a', 'b', 'c']) scheduler.runNow(name);
    expect(scheduler.cancel('b').map((run) => [run.id, run.status])).toEqual([[2, 'cancelled']]);
    expect(runner.running()).toEqual([1]);
    runner.finish(1);
    await flush();
    expect(runner.running()).toEqual([3]);
  });
});
