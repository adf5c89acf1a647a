// Issue 16.4, `hold-after-failures: N`: after N consecutive failed slots (an instant with all its
// retries) the task is held with a note, an `auto-hold` event goes out, and `resume` clears the
// count. A failure followed by a successful retry is not a failed slot; the count survives a restart.
import { describe, expect, test } from 'vitest';
import { snapshotTaskState, restoreTaskState } from '../../src/store/task-restore.js';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, makeTask } from '../support/engine-task.js';

const START = '2026-10-01T00:00:00.000Z';

/** Let the next minute's slot start, and end its one running run as `status`. */
async function slot(engine: ReturnType<typeof createEngine>, status: 'failed' | 'succeeded'): Promise<void> {
  engine.clock.advanceBy(60_000);
  const [id] = engine.runner.running();
  expect(id).toBeDefined();
  engine.runner.finish(id as number, status === 'failed' ? { status, exitCode: 1 } : { status, exitCode: 0 });
  await flush();
}

describe('hold-after-failures', () => {
  test('N consecutive failed slots hold the task with a note, once, and send auto-hold', async () => {
    const engine = createEngine(START);
    const { scheduler, eventsOf, logs, runner } = engine;
    scheduler.add(makeTask('flaky', { schedule: every('1m'), holdAfterFailures: 3 }));
    scheduler.start();
    await slot(engine, 'failed');
    await slot(engine, 'failed');
    expect(scheduler.get('flaky')).toMatchObject({ held: false, failedSlots: 2, autoHeld: false });
    expect(eventsOf('auto-hold')).toEqual([]);
    await slot(engine, 'failed');
    expect(scheduler.get('flaky')).toMatchObject({
      state: 'held',
      held: true,
      holdNote: 'auto-held after 3 consecutive failures',
      heldUntil: null,
      failedSlots: 3,
      autoHeld: true,
    });
    expect(eventsOf('auto-hold').map((task) => [task.name, task.holdNote])).toEqual([
      ['flaky', 'auto-held after 3 consecutive failures'],
    ]);
    expect(logs).toContainEqual(['warn', 'flaky: auto-held after 3 consecutive failures (last: run #3)']);
    // Held: its instants pass without running.
    engine.clock.advanceBy(5 * 60_000);
    expect(runner.running()).toEqual([]);
  });

  test('a success in between resets the count; a failure then a successful retry is no failed slot', async () => {
    const engine = createEngine(START);
    const { scheduler, runner, eventsOf } = engine;
    scheduler.add(
      makeTask('flaky', {
        schedule: every('1m'),
        holdAfterFailures: 2,
        retry: { attempts: 1, delayMs: 10_000, backoff: 1, maxDelayMs: 10_000 },
      }),
    );
    scheduler.start();
    // Slot 1: attempt 1 fails, its retry fails: one failed slot (not two).
    engine.clock.advanceBy(60_000);
    runner.finish(1, { status: 'failed', exitCode: 1 });
    await flush();
    expect(scheduler.get('flaky').failedSlots).toBe(0);
    engine.clock.advanceBy(10_000);
    runner.finish(2, { status: 'failed', exitCode: 1 });
    await flush();
    expect(scheduler.get('flaky')).toMatchObject({ failedSlots: 1, held: false });
    // Slot 2: attempt 1 fails, the retry succeeds: not a failed slot, and the count starts again.
    engine.clock.advanceBy(50_000);
    runner.finish(3, { status: 'failed', exitCode: 1 });
    await flush();
    engine.clock.advanceBy(10_000);
    runner.finish(4, { status: 'succeeded', exitCode: 0 });
    await flush();
    expect(scheduler.get('flaky')).toMatchObject({ failedSlots: 0, held: false });
    // Slot 3 fails for good: 1 of 2, still not held.
    engine.clock.advanceBy(50_000);
    runner.finish(5, { status: 'failed', exitCode: 1 });
    await flush();
    engine.clock.advanceBy(10_000);
    runner.finish(6, { status: 'failed', exitCode: 1 });
    await flush();
    expect(scheduler.get('flaky')).toMatchObject({ failedSlots: 1, held: false });
    expect(eventsOf('auto-hold')).toEqual([]);
  });

  test('run-now failures of a scheduled task do not count; without the key nothing is held', async () => {
    const engine = createEngine(START);
    const { scheduler, runner } = engine;
    scheduler.add(makeTask('hourly', { schedule: every('1h'), holdAfterFailures: 1 }));
    scheduler.add(makeTask('plain', { schedule: every('1m') }));
    scheduler.start();
    scheduler.runNow('hourly');
    runner.finish(1, { status: 'failed', exitCode: 1 });
    await flush();
    expect(scheduler.get('hourly')).toMatchObject({ failedSlots: 0, held: false });
    for (let i = 0; i < 5; i++) await slot(engine, 'failed');
    expect(scheduler.get('plain')).toMatchObject({ failedSlots: 5, held: false, autoHeld: false });
  });

  test('a task without instants of its own: each triggered run is a slot, so its failures hold it', async () => {
    const engine = createEngine(START);
    const { scheduler, runner } = engine;
    scheduler.add(makeTask('manual', { holdAfterFailures: 2 }));
    scheduler.start();
    for (const status of ['failed', 'succeeded', 'failed'] as const) {
      const run = scheduler.runNow('manual');
      runner.finish(run.id, status === 'failed' ? { status, exitCode: 1 } : { status, exitCode: 0 });
      await flush();
    }
    expect(scheduler.get('manual')).toMatchObject({ failedSlots: 1, held: false });
    const last = scheduler.runNow('manual');
    runner.finish(last.id, { status: 'failed', exitCode: 1 });
    await flush();
    expect(scheduler.get('manual')).toMatchObject({ failedSlots: 2, held: true, autoHeld: true });
  });

  test('resume clears the count: N more failed slots are needed to hold again', async () => {
    const engine = createEngine(START);
    const { scheduler, eventsOf } = engine;
    scheduler.add(makeTask('flaky', { schedule: every('1m'), holdAfterFailures: 2 }));
    scheduler.start();
    await slot(engine, 'failed');
    await slot(engine, 'failed');
    expect(scheduler.get('flaky').held).toBe(true);
    expect(scheduler.resume('flaky')).toMatchObject({ held: false, failedSlots: 0, autoHeld: false });
    await slot(engine, 'failed');
    expect(scheduler.get('flaky')).toMatchObject({ held: false, failedSlots: 1 });
    await slot(engine, 'failed');
    expect(scheduler.get('flaky')).toMatchObject({ held: true, failedSlots: 2, autoHeld: true });
    expect(eventsOf('auto-hold')).toHaveLength(2);
  });

  test('a restart keeps the count (through the stored task state)', async () => {
    const spec = makeTask('flaky', { schedule: every('1m'), holdAfterFailures: 3 });
    const before = createEngine(START);
    before.scheduler.add(spec);
    before.scheduler.start();
    await slot(before, 'failed');
    await slot(before, 'failed');
    const saved = { ...snapshotTaskState(before.scheduler.get('flaky')), savedAt: before.clock.now() };
    expect(saved.failedSlots).toBe(2);
    await before.scheduler.stop();

    const after = createEngine('2026-10-01T00:02:30.000Z');
    after.scheduler.add(spec, restoreTaskState(spec, saved).state);
    after.scheduler.start();
    expect(after.scheduler.get('flaky')).toMatchObject({ failedSlots: 2, held: false });
    await slot(after, 'failed');
    expect(after.scheduler.get('flaky')).toMatchObject({
      held: true,
      holdNote: 'auto-held after 3 consecutive failures',
    });
    expect(after.eventsOf('auto-hold')).toHaveLength(1);
  });
});
