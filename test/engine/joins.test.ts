// `after-all:` (issue 17.3, engine/join.ts): the join task runs once every parent has succeeded
// since its own last run started; `after:` stays "after each success of any".
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, makeTask, ms } from '../support/engine-task.js';

const START = '2026-11-01T00:00:00.000Z';

function joinEngine() {
  const engine = createEngine(START);
  engine.scheduler.add(makeTask('extract'));
  engine.scheduler.add(makeTask('transform'));
  engine.scheduler.add(makeTask('load', { afterAll: ['extract', 'transform'] }));
  const started = () => engine.runner.requests.map((request) => [request.task.name, request.trigger]);
  /** Run `name` now and end it with `status` after `afterMs`. */
  const run = async (name: string, status: 'succeeded' | 'failed' = 'succeeded', afterMs = 1_000) => {
    const { id } = engine.scheduler.runNow(name);
    engine.clock.advanceBy(afterMs);
    engine.runner.finish(id, status === 'failed' ? { status: 'failed', exitCode: 2 } : {});
    await flush();
    return id;
  };
  return { ...engine, started, run };
}

describe('after-all: a join', () => {
  test('fires once after both parents succeeded, not after one; with the completing run as upstream', async () => {
    const { run, started, runner, scheduler } = joinEngine();
    await run('extract');
    expect(started()).toEqual([['extract', 'manual']]);
    expect(scheduler.get('load').join).toEqual({
      since: null,
      succeeded: [{ task: 'extract', at: ms(START) + 1_000 }],
    });
    const transform = await run('transform');
    expect(started()).toEqual([
      ['extract', 'manual'],
      ['transform', 'manual'],
      ['load', 'dependency'],
    ]);
    expect(runner.requests[2]?.upstream).toEqual({
      task: 'transform',
      runId: transform,
      status: 'succeeded',
      exitCode: 0,
    });
    // Fired: the wait began afresh when it fired, and again when its run started.
    expect(scheduler.get('load').join).toEqual({ since: ms(START) + 2_000, succeeded: [] });
  });

  test('a failed parent does not count, nor undo an earlier success', async () => {
    const { run, started, scheduler } = joinEngine();
    await run('extract');
    await run('transform', 'failed');
    expect(started().map(([name]) => name)).toEqual(['extract', 'transform']);
    expect(scheduler.get('load').join?.succeeded.map((parent) => parent.task)).toEqual(['extract']);
    await run('transform');
    expect(started().map(([name]) => name)).toEqual(['extract', 'transform', 'transform', 'load']);
  });

  test('two successes of one parent still need the other; the later success is the one kept', async () => {
    const { run, started, scheduler } = joinEngine();
    await run('extract');
    await run('extract');
    expect(started().map(([name]) => name)).toEqual(['extract', 'extract']);
    expect(scheduler.get('load').join?.succeeded).toEqual([{ task: 'extract', at: ms(START) + 2_000 }]);
  });

  test('resets after its run: the next round needs both parents again', async () => {
    const { run, started, runner } = joinEngine();
    await run('extract');
    await run('transform');
    const load = runner.requests.at(-1)!.runId;
    runner.finish(load);
    await flush();
    await run('extract');
    expect(started().map(([name]) => name)).toEqual(['extract', 'transform', 'load', 'extract']);
    await run('transform');
    expect(started().map(([name]) => name)).toEqual(['extract', 'transform', 'load', 'extract', 'transform', 'load']);
  });

  test('a run of the join task of any kind (run-now here) starts its wait afresh', async () => {
    const { run, started, scheduler } = joinEngine();
    await run('extract');
    await run('load');
    expect(scheduler.get('load').join).toEqual({ since: ms(START) + 1_000, succeeded: [] });
    await run('transform');
    expect(started().map(([name]) => name)).toEqual(['extract', 'load', 'transform']);
  });

  test('a parent success during the join task run counts for the next round', async () => {
    const { run, started, scheduler, runner, clock } = joinEngine();
    const load = scheduler.runNow('load').id;
    await run('extract');
    await run('transform');
    // load still runs (overlap skip): the join fired into a skip, its wait begins again.
    expect(started().map(([name]) => name)).toEqual(['load', 'extract', 'transform']);
    clock.advanceBy(1_000);
    runner.finish(load);
    await flush();
    expect(scheduler.get('load').join?.succeeded).toEqual([]);
  });

  test('after: keeps its meaning beside after-all: each success of any parent', async () => {
    const { run, started, scheduler, runner } = joinEngine();
    scheduler.add(makeTask('notify', { after: ['extract', 'transform'] }));
    await run('extract');
    runner.finish(runner.requests.at(-1)!.runId);
    await run('extract');
    expect(started().map(([name]) => name)).toEqual(['extract', 'notify', 'extract', 'notify']);
  });

  test('a join with a schedule fires on its instants as well, and each scheduled run resets it', async () => {
    const { scheduler, runner, clock, run, started } = joinEngine();
    scheduler.add(makeTask('hourly', { afterAll: ['extract', 'transform'], schedule: every('1h') }));
    scheduler.start();
    await run('extract');
    clock.advanceTo('2026-11-01T01:00:00.000Z');
    await flush();
    expect(started().at(-1)).toEqual(['hourly', 'schedule']);
    runner.finish(runner.requests.at(-1)!.runId);
    await flush();
    await run('transform');
    // load, whose wait was not reset, fires; hourly's scheduled run reset its wait after extract.
    expect(started().map(([name]) => name)).toEqual(['extract', 'hourly', 'transform', 'load']);
  });

  test('a reload drops parents no longer listed; a join removed by reload is gone', async () => {
    const { run, scheduler } = joinEngine();
    await run('extract');
    await run('transform', 'failed');
    scheduler.replace(makeTask('load', { afterAll: ['transform'] }));
    expect(scheduler.get('load').join).toEqual({ since: null, succeeded: [] });
    scheduler.replace(makeTask('load', { afterAll: ['transform', 'extract'] }));
    await run('extract');
    expect(scheduler.get('load').join?.succeeded.map((parent) => parent.task)).toEqual(['extract']);
    scheduler.replace(makeTask('load'));
    expect(scheduler.get('load').join).toBeUndefined();
    await run('transform');
    expect(scheduler.get('load').join).toBeUndefined();
  });

  test('a join added by reload waits from then; a parent no longer in the index no longer counts', async () => {
    const { run, scheduler, started } = joinEngine();
    scheduler.add(makeTask('late'));
    await run('extract');
    scheduler.replace(makeTask('late', { afterAll: ['extract'] }));
    expect(scheduler.get('late').join).toEqual({ since: null, succeeded: [] });
    await run('extract');
    expect(started().map(([name]) => name)).toEqual(['extract', 'extract', 'late']);
  });
});
