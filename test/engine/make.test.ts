// `run-now NAME --make` (issue 17.4, engine/make-chain.ts): the after-all prerequisites first, in
// dependency order, each once, then NAME; fail-fast with the rest recorded as skipped.
import { describe, expect, test } from 'vitest';
import { makeOrder } from '../../src/engine/make-order.js';
import type { TaskSpec } from '../../src/config/types.js';
import { flush } from '../support/fake-runner.js';
import { createEngine, makeTask } from '../support/engine-task.js';

const START = '2026-11-01T00:00:00.000Z';

/** raw -> extract, raw -> clean; extract + clean -> transform; extract + transform -> load. */
function diamond(overrides: Partial<Record<string, Partial<TaskSpec>>> = {}) {
  const engine = createEngine(START);
  const add = (name: string, afterAll?: string[]) =>
    engine.scheduler.add(makeTask(name, { ...(afterAll === undefined ? {} : { afterAll }), ...overrides[name] }));
  add('raw');
  add('extract', ['raw']);
  add('clean', ['raw']);
  add('transform', ['extract', 'clean']);
  add('load', ['extract', 'transform']);
  add('other');
  const started = () => engine.runner.requests.map((request) => request.task.name);
  /** End the newest run as `status`, then let the chain go on. */
  const end = async (outcome: { status?: 'failed'; exitCode?: number } = {}) => {
    engine.clock.advanceBy(1_000);
    engine.runner.finish(engine.runner.requests.at(-1)!.runId, outcome);
    await flush();
  };
  return { ...engine, started, end };
}

describe('makeOrder', () => {
  test('prerequisites depth first in after-all order, each once, the task last', () => {
    const specs = new Map<string, Pick<TaskSpec, 'afterAll'>>([
      ['raw', {}],
      ['extract', { afterAll: ['raw'] }],
      ['clean', { afterAll: ['raw'] }],
      ['transform', { afterAll: ['extract', 'clean'] }],
      ['load', { afterAll: ['extract', 'transform'] }],
    ]);
    expect(makeOrder('load', (name) => specs.get(name))).toEqual({
      ok: true,
      order: ['raw', 'extract', 'clean', 'transform', 'load'],
    });
    expect(makeOrder('raw', (name) => specs.get(name))).toEqual({ ok: true, order: ['raw'] });
  });

  test('an unknown prerequisite or a loop (library tasks are not checked across) is said', () => {
    const specs = new Map<string, Pick<TaskSpec, 'afterAll'>>([
      ['a', { afterAll: ['b'] }],
      ['b', { afterAll: ['c', 'a'] }],
      ['c', { afterAll: ['ghost'] }],
    ]);
    expect(makeOrder('b', (name) => specs.get(name))).toEqual({
      ok: false,
      message: '"c" has "ghost" in its after-all, and there is no task of that name',
    });
    specs.set('c', {});
    expect(makeOrder('a', (name) => specs.get(name))).toEqual({
      ok: false,
      message: 'the after-all prerequisites loop: a -> b -> a',
    });
  });
});

describe('runMake', () => {
  test('runs the order one step at a time, each once, the join task as the last step, not twice', async () => {
    const { scheduler, started, end, runner } = diamond();
    expect(scheduler.makeOrder('load')).toEqual(['raw', 'extract', 'clean', 'transform', 'load']);
    const { chain, first } = scheduler.runMake('load');
    expect(first.task).toBe('raw');
    expect(started()).toEqual(['raw']);
    for (let step = 0; step < 5; step++) await end();
    expect(started()).toEqual(['raw', 'extract', 'clean', 'transform', 'load']);
    expect(runner.requests.map((request) => request.trigger)).toEqual(Array(5).fill('manual'));
    const result = await chain.done;
    expect(result.failed).toBeNull();
    expect(result.steps.map((run) => [run.task, run.status])).toEqual([
      ['raw', 'succeeded'],
      ['extract', 'succeeded'],
      ['clean', 'succeeded'],
      ['transform', 'succeeded'],
      ['load', 'succeeded'],
    ]);
    expect([...chain.runIds]).toEqual([1, 2, 3, 4, 5]);
    // The joins inside the chain neither fired nor kept the chain's successes: they start afresh.
    await flush();
    expect(started()).toHaveLength(5);
    expect(scheduler.get('load').join?.succeeded).toEqual([]);
  });

  test('a failed prerequisite fails the chain; the rest are skipped rows with the reason', async () => {
    const { scheduler, started, end, eventsOf } = diamond();
    const { chain } = scheduler.runMake('load');
    await end();
    await end({ status: 'failed', exitCode: 3 });
    const result = await chain.done;
    expect(started()).toEqual(['raw', 'extract']);
    expect(result.failed).toMatchObject({ task: 'extract', status: 'failed', exitCode: 3 });
    expect(result.steps.map((run) => [run.task, run.status, run.skip?.reason ?? null])).toEqual([
      ['raw', 'succeeded', null],
      ['extract', 'failed', null],
      ['clean', 'skipped', 'prerequisite-failed'],
      ['transform', 'skipped', 'prerequisite-failed'],
      ['load', 'skipped', 'prerequisite-failed'],
    ]);
    expect(eventsOf('run-skipped').map((run) => [run.task, run.error])).toEqual([
      ['clean', 'prerequisite extract did not succeed (run #2 failed with exit code 3)'],
      ['transform', 'prerequisite extract did not succeed (run #2 failed with exit code 3)'],
      ['load', 'prerequisite extract did not succeed (run #2 failed with exit code 3)'],
    ]);
  });

  test('a prerequisite with retries fails the chain only after its last attempt', async () => {
    const retry = { attempts: 1, delayMs: 5_000, backoff: 1, maxDelayMs: 5_000 };
    const { scheduler, started, end, clock, runner } = diamond({ raw: { retry } });
    scheduler.start();
    const { chain } = scheduler.runMake('extract');
    await end({ status: 'failed', exitCode: 1 });
    expect(started()).toEqual(['raw']);
    clock.advanceBy(5_000);
    await flush();
    expect(runner.requests.map((request) => [request.task.name, request.trigger, request.attempt])).toEqual([
      ['raw', 'manual', 1],
      ['raw', 'retry', 2],
    ]);
    await end();
    await end();
    const result = await chain.done;
    expect(result.failed).toBeNull();
    expect(result.steps.map((run) => [run.task, run.attempt, run.status])).toEqual([
      ['raw', 2, 'succeeded'],
      ['extract', 1, 'succeeded'],
    ]);
    expect(chain.runIds.size).toBe(3);
  });

  test('a step whose task is running waits for that run (serial), then runs; no join of the chain fires', async () => {
    const { scheduler, started, end, runner } = diamond();
    const busy = scheduler.runNow('raw');
    const { chain } = scheduler.runMake('extract');
    expect(started()).toEqual(['raw']);
    runner.finish(busy.id);
    await flush();
    // The earlier run of raw fires clean's join (not a step), not extract's (the chain runs it).
    expect(started()).toEqual(['raw', 'raw', 'clean']);
    runner.finish(runner.requests.at(-1)!.runId);
    await flush();
    expect(started()).toEqual(['raw', 'raw', 'clean']);
    runner.finish(runner.requests[1]!.runId);
    await flush();
    await end();
    await end();
    expect((await chain.done).steps.map((run) => run.task)).toEqual(['raw', 'extract']);
  });

  test('a task without after-all is a chain of one; a run outside the chain still feeds the joins', async () => {
    const { scheduler, started, end } = diamond();
    expect(scheduler.makeOrder('other')).toEqual(['other']);
    const { chain } = scheduler.runMake('raw');
    await end();
    expect((await chain.done).steps.map((run) => run.task)).toEqual(['raw']);
    // raw's success came from a chain that does not run extract or clean: both joins fire.
    expect(started()).toEqual(['raw', 'extract', 'clean']);
  });

  test('unknown task: TASK_UNKNOWN; a stopping scheduler: STOPPED', async () => {
    const { scheduler } = diamond();
    expect(() => scheduler.runMake('nope')).toThrow(expect.objectContaining({ code: 'TASK_UNKNOWN' }));
    expect(() => scheduler.makeOrder('nope')).toThrow(expect.objectContaining({ code: 'TASK_UNKNOWN' }));
    await scheduler.stop({ graceMs: 0 });
    expect(() => scheduler.runMake('load')).toThrow(expect.objectContaining({ code: 'STOPPED' }));
  });
});
