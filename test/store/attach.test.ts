// attachStore: the engine's events persisted as they happen (a real engine on a fake clock and fake
// runner, a real SQLite file): runs started, finished and skipped, task state, per-task retention.
import { describe, expect, test } from 'vitest';
import { attachStore } from '../../src/store/attach.js';
import { snapshotTaskState } from '../../src/store/task-restore.js';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, makeTask, ms } from '../support/engine-task.js';
import { useTempState } from './_support.js';

const temp = useTempState();

function setup(start = '2026-07-01T08:00:00.000Z') {
  const engine = createEngine(start);
  const store = temp.open({ now: () => engine.clock.now() });
  const detach = attachStore(engine.scheduler, store);
  return { ...engine, store, detach };
}

describe('runs', () => {
  test('a run is stored running when it starts, then exactly as it finished', async () => {
    const { scheduler, runner, store, eventsOf, clock } = setup();
    scheduler.add(makeTask('backup'));
    scheduler.runNow('backup');
    const started = eventsOf('run-started')[0];
    expect(store.getRun(1)).toStrictEqual(started);
    expect(store.getRun(1)).toMatchObject({ status: 'running', pid: 1001, startedAt: ms('2026-07-01T08:00:00.000Z') });
    clock.advanceBy(2_500);
    runner.finish(1, {
      status: 'failed',
      exitCode: 2,
      output: Buffer.from('boom\n'),
      outputBytes: 5,
      error: 'exited with code 2',
      result: { partial: true },
    });
    await flush();
    const finished = eventsOf('run-finished')[0];
    expect(store.getRun(1)).toStrictEqual(finished);
    expect(store.getRun(1)).toMatchObject({
      status: 'failed',
      exitCode: 2,
      output: Buffer.from('boom\n'),
      endedAt: ms('2026-07-01T08:00:02.500Z'),
      result: { partial: true },
    });
  });

  test('a run that has to wait is stored queued (a crash then leaves a trace), then as it goes on', async () => {
    const engine = createEngine('2026-07-01T08:00:00.000Z', { maxConcurrent: 1 });
    const store = temp.open({ now: () => engine.clock.now() });
    attachStore(engine.scheduler, store);
    const { scheduler, runner } = engine;
    const queued: [number, string][] = [];
    scheduler.on('run-queued', (run) => queued.push([run.id, run.status]));
    scheduler.add(makeTask('a'));
    scheduler.add(makeTask('b', { retry: { attempts: 1, delayMs: 5_000, backoff: 1, maxDelayMs: 5_000 } }));
    scheduler.runNow('a');
    const waiting = scheduler.runNow('b');
    expect(queued).toEqual([[2, 'queued']]);
    expect(store.getRun(2)).toMatchObject({ status: 'queued', task: 'b', startedAt: null });
    runner.finish(1);
    await flush();
    expect(store.getRun(waiting.id)).toMatchObject({ status: 'running' });
    runner.finish(2, { status: 'failed', exitCode: 1, error: 'exited with code 1' });
    await flush();
    // The retry waits out its delay: stored queued too, as attempt 2.
    expect(store.getRun(3)).toMatchObject({ status: 'queued', task: 'b', attempt: 2 });
    expect(queued).toEqual([
      [2, 'queued'],
      [3, 'queued'],
    ]);
  });

  test('a skipped trigger is stored with its reason', () => {
    const { scheduler, store } = setup();
    scheduler.add(makeTask('backup'));
    scheduler.runNow('backup');
    const skipped = scheduler.runNow('backup');
    expect(store.getRun(skipped.id)).toStrictEqual(skipped);
    expect(store.getRun(skipped.id)).toMatchObject({
      status: 'skipped',
      error: expect.stringContaining('overlap') as unknown,
    });
  });

  test('a run the claim yields leaves no row, not even the queued one it had while it waited', () => {
    const engine = createEngine('2026-07-01T08:00:00.000Z', {
      random: () => 0.5,
      claim: (run) => (run.task === 'lost' ? { yielded: 'claimed by host b' } : true),
    });
    const store = temp.open({ now: () => engine.clock.now() });
    attachStore(engine.scheduler, store);
    const { scheduler, clock } = engine;
    scheduler.add(makeTask('lost', { schedule: every('1m'), jitterMs: 10_000 }));
    scheduler.add(makeTask('won', { schedule: every('1m'), jitterMs: 10_000 }));
    scheduler.start();
    clock.advanceTo('2026-07-01T08:01:00.000Z');
    // Both wait out their jitter with a queued row.
    expect(store.listRuns().map((run) => [run.task, run.status])).toEqual([
      ['won', 'queued'],
      ['lost', 'queued'],
    ]);
    clock.advanceTo('2026-07-01T08:01:05.000Z');
    expect(store.listRuns().map((run) => [run.task, run.status])).toEqual([['won', 'running']]);
  });

  test("retention follows the task's own history.keep", async () => {
    const { scheduler, runner, store } = setup();
    scheduler.add(makeTask('small', { history: { keep: 3, outputLimitBytes: 1024 } }));
    for (let i = 1; i <= 5; i++) {
      scheduler.runNow('small');
      runner.finish(i);
      await flush();
    }
    expect(store.listRuns({ task: 'small' }).map((run) => run.id)).toEqual([5, 4, 3]);
  });

  test('tasks of the common keep and of their own keeps each keep theirs, also when a reload changes one', async () => {
    const { scheduler, runner, store } = setup();
    const history = (keep: number) => ({ history: { keep, outputLimitBytes: 1024 } });
    scheduler.add(makeTask('first', history(2)));
    scheduler.add(makeTask('other', history(4)));
    scheduler.add(makeTask('same', history(2)));
    let id = 0;
    const runs = async (task: string, count: number): Promise<void> => {
      for (let i = 0; i < count; i++) {
        scheduler.runNow(task);
        runner.finish(++id);
        await flush();
      }
    };
    const kept = (task: string) => store.listRuns({ task }).length;
    await runs('first', 5);
    await runs('other', 5);
    await runs('same', 5);
    expect([kept('first'), kept('other'), kept('same')]).toEqual([2, 4, 2]);
    // A reload gives `other` the common keep and `same` one of its own.
    scheduler.replace(makeTask('other', history(2)));
    scheduler.replace(makeTask('same', history(3)));
    await runs('other', 1);
    await runs('same', 3);
    expect([kept('first'), kept('other'), kept('same')]).toEqual([2, 2, 3]);
  });
});

describe('task state', () => {
  test('hold, reschedule, last instant and counter are saved as they change', () => {
    const { scheduler, store, clock } = setup();
    scheduler.add(makeTask('job', { schedule: every('1h') }));
    scheduler.start();
    clock.advanceTo('2026-07-01T09:00:00.000Z');
    clock.advanceTo('2026-07-01T09:10:00.000Z');
    scheduler.hold('job', 'disk full');
    clock.advanceTo('2026-07-01T09:20:00.000Z');
    scheduler.reschedule('job', every('10m'));
    expect(store.loadTaskState('job')).toStrictEqual({
      ...snapshotTaskState(scheduler.get('job')),
      savedAt: ms('2026-07-01T09:20:00.000Z'),
    });
    expect(store.loadTaskState('job')).toMatchObject({
      hold: { note: 'disk full', at: ms('2026-07-01T09:10:00.000Z') },
      reschedule: every('10m'),
      lastScheduledAt: ms('2026-07-01T09:00:00.000Z'),
      scheduledRuns: 1,
    });
  });
});

test('after detach nothing more is stored', () => {
  const { scheduler, store, detach } = setup();
  scheduler.add(makeTask('backup'));
  detach();
  scheduler.runNow('backup');
  scheduler.hold('backup');
  expect(store.listRuns()).toEqual([]);
  expect(store.loadTaskState('backup')?.hold).toBeNull();
});

test('a closed store never breaks the engine: writes are dropped with a warning', () => {
  const { scheduler, store, logs } = setup();
  const warnings: string[] = [];
  store.close();
  const reopened = temp.open({ log: (_level, message) => warnings.push(message) });
  reopened.close();
  attachStore(scheduler, reopened);
  scheduler.add(makeTask('backup'));
  expect(scheduler.runNow('backup').status).toBe('running');
  expect(logs).toEqual([]);
  expect(warnings).toEqual([
    `history database ${temp.dbPath}: closed; dropping writes from now on (first: task:backup)`,
  ]);
  expect(reopened.batchStats.dropped).toBe(3);
});
