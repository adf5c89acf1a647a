/**
 * The in-process fast path (engine/fast-fire.ts, issue 20 point 1): due function tasks are entered
 * before their runs are booked, and booking them afterwards makes the same records, ids and task
 * states as the ordinary path. Each scenario runs twice on the fake clock, through the library's
 * Scheduler: with taskkit's own runner (fast path on) and with the same runner passed in (off).
 */
import { afterEach, describe, expect, test } from 'vitest';
import { Scheduler, type RunRecord, type TaskContext } from '../../src/index.js';
import { Scheduler as EngineScheduler } from '../../src/engine/scheduler.js';
import { validateTaskDefinition } from '../../src/config/normalize.js';
import { resolveSettings } from '../../src/config/normalize.js';
import type { TaskSpec } from '../../src/config/types.js';
import { createRunner } from '../../src/runner/runner.js';
import { FakeClock, PreciseFakeClock } from '../support/fake-clock.js';
import { flush } from '../support/fake-runner.js';

const START = '2026-03-01T09:59:59.500Z';
const SECOND = 1000;

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

type Mode = 'fast' | 'ordinary';

/**
 * A library Scheduler on the fake clock: fast with taskkit's own runner, ordinary with it passed in.
 * `precise`: a clock that waits precisely, as the library's own (the timer's lead: wakes on the instant).
 */
function library(
  mode: Mode,
  { precise = false, ...options }: { maxConcurrent?: number; precise?: boolean } = {},
): { clock: FakeClock; scheduler: Scheduler } {
  const clock = precise ? new PreciseFakeClock(START) : new FakeClock(START);
  const runner = mode === 'fast' ? undefined : createRunner({ clock });
  const scheduler = new Scheduler({ timezone: 'UTC', clock, runner, ...options });
  stops.push(() => stopOn(clock, scheduler.stop({ graceMs: 0 })));
  return { clock, scheduler };
}

/** A stop's cancels end after kill-after on the fake clock. */
async function stopOn(clock: FakeClock, stopped: Promise<void>): Promise<void> {
  clock.advanceBy(60 * SECOND);
  await stopped;
}

/** Every run's final record by id (the engine keeps the last 200 ended ones), `pending` for one not ended. */
async function records(scheduler: Scheduler): Promise<(RunRecord | 'pending')[]> {
  const all: (RunRecord | 'pending')[] = [];
  for (let id = 1; ; id++) {
    try {
      all.push(await Promise.race([scheduler.waitForRun(id), flush().then(() => 'pending' as const)]));
    } catch {
      return all;
    }
  }
}

/** A mix of every kind of function run, fired second by second for `seconds`; what it saw and left. */
async function mixedScenario(mode: Mode, seconds: number, precise = false) {
  const { clock, scheduler } = library(mode, { precise });
  const asked: (number | null)[] = [];
  let holds = 0;
  let periods = 0;
  const later = (ms: number, value?: unknown): Promise<unknown> =>
    new Promise((resolve) => clock.setTimer(ms, () => resolve(value)));
  scheduler.add('plain', { every: '1s', run: () => undefined });
  scheduler.add('value', { every: '1s', run: (ctx: TaskContext) => ({ at: ctx.scheduledAt, id: ctx.runId }) });
  scheduler.add('logs', { every: '2s', run: (ctx: TaskContext) => ctx.log('hello', ctx.runId) });
  scheduler.add('throws', {
    every: '2s',
    retry: { attempts: 1, delay: '300ms' },
    run: () => {
      // Without engine frames in its stack: the two paths call the function from different places.
      const error = new Error('no');
      error.stack = 'Error: no';
      throw error;
    },
  });
  scheduler.add('awaits', { every: '1s', run: () => later(1500, 'late') });
  const rejection = new Error('nope');
  rejection.stack = 'Error: nope';
  scheduler.add('rejects', { every: '3s', run: () => later(200).then(() => Promise.reject(rejection)) });
  scheduler.add('stuck', { every: '5s', timeout: '2s', 'kill-after': '1s', run: () => new Promise(() => {}) });
  scheduler.add('parent', { every: '2s', 'on-success': ['child'], run: () => 'p' });
  scheduler.add('child', { run: () => 'c' });
  scheduler.add('asker', { every: '1s', run: () => void asked.push(scheduler.get('plain').lastRun?.id ?? null) });
  scheduler.add('holder', {
    every: '1s',
    run: (ctx: TaskContext) => {
      if (++holds === 3) ctx.handle.hold('enough');
    },
  });
  scheduler.add('stretch', {
    every: '1s',
    run: (ctx: TaskContext) => {
      if (++periods === 2) ctx.handle.setPeriod('3s');
    },
  });
  scheduler.add('again', {
    every: '2s',
    overlap: 'allow',
    run: (ctx: TaskContext) => {
      if (ctx.trigger === 'schedule') ctx.handle.runOnCompletion();
    },
  });
  scheduler.start();
  for (let second = 1; second <= seconds; second++) {
    clock.advanceBy(SECOND);
    await flush();
  }
  clock.advanceBy(5 * SECOND);
  await flush();
  return { records: await records(scheduler), statuses: scheduler.list(), asked };
}

describe('fast path: the same records, ids and states as the ordinary path', () => {
  test('sync, async, throwing, retried, rejecting, timing out, dependent, holding, rescheduling', async () => {
    const fast = await mixedScenario('fast', 8);
    const ordinary = await mixedScenario('ordinary', 8);
    expect(ordinary.records.length).toBeGreaterThan(60);
    expect(fast.records).toEqual(ordinary.records);
    // As JSON: each scenario's task functions are its own.
    expect(JSON.stringify(fast.statuses)).toBe(JSON.stringify(ordinary.statuses));
    expect(fast.asked).toEqual(ordinary.asked);
    // The scenario reaches what it is about.
    const ended = fast.records.filter((run) => run !== 'pending');
    const statuses = new Set(ended.map((run) => `${run.task}:${run.status}:${run.trigger}`));
    for (const seen of [
      'throws:failed:retry',
      'awaits:skipped:schedule',
      'rejects:failed:schedule',
      'stuck:timed-out:schedule',
      'child:succeeded:dependency',
      'again:succeeded:manual',
    ])
      expect(statuses).toContain(seen);
    expect(fast.statuses.find((task) => task.name === 'holder')?.state).toBe('held');
  });

  test('the same on a clock that waits precisely (every wake on its instant, the timer armed early)', async () => {
    const fast = await mixedScenario('fast', 8, true);
    const ordinary = await mixedScenario('ordinary', 8, true);
    expect(ordinary.records.length).toBeGreaterThan(60);
    expect(fast.records).toEqual(ordinary.records);
    expect(JSON.stringify(fast.statuses)).toBe(JSON.stringify(ordinary.statuses));
    expect(fast.asked).toEqual(ordinary.asked);
    // Each scheduled run of the plain task started on its instant.
    const plain = fast.records.filter((run) => run !== 'pending' && run.task === 'plain' && run.trigger === 'schedule');
    expect(plain.length).toBeGreaterThan(5);
    for (const run of plain) if (run !== 'pending') expect(run.startedAt).toBe(run.scheduledAt);
  });

  test('a late wake on a precise clock: missed instants are booked as on the ordinary path', async () => {
    const run = async (mode: Mode) => {
      const { clock, scheduler } = library(mode, { precise: true });
      for (const name of ['a', 'b', 'c']) scheduler.add(name, { every: '1s', 'catch-up': 'once', run: () => name });
      scheduler.start();
      clock.advanceBy(2 * SECOND);
      // The event loop was blocked 3.5 s: the next wake is late, three instants of each task missed.
      clock.stall(3500);
      clock.advanceBy(2 * SECOND);
      await flush();
      return records(scheduler);
    };
    const fast = await run('fast');
    const ordinary = await run('ordinary');
    expect(fast).toEqual(ordinary);
    const triggers = fast.map((record) => (record === 'pending' ? record : record.trigger));
    expect(triggers).toContain('catch-up');
  });

  test('a late wake: the catch-up after a function that returned a promise comes once it returned', async () => {
    const run = async (mode: Mode) => {
      const { clock, scheduler } = library(mode, { precise: true });
      // 4 ms of its code before it returns a promise: catch-up comes after those, as on the ordinary path.
      const slow = (): Promise<void> => {
        clock.stall(4);
        return new Promise<void>((resolve) => clock.setTimer(100, resolve));
      };
      scheduler.add('slow', { every: '1s', 'catch-up': 'skip', run: slow });
      scheduler.start();
      clock.advanceBy(2 * SECOND);
      await flush();
      clock.stall(3500);
      clock.advanceBy(2 * SECOND);
      await flush();
      return (await records(scheduler)).map((record) =>
        record === 'pending' ? record : [record.status, record.createdAt - record.scheduledAt!],
      );
    };
    const fast = await run('fast');
    expect(fast).toContainEqual(['skipped', expect.any(Number)]);
    expect(fast).toEqual(await run('ordinary'));
  });

  test('a task given a dependent after its run was made ahead: the run is booked before the next entry', async () => {
    const run = async (mode: Mode) => {
      const { clock, scheduler } = library(mode, { precise: true });
      for (const name of ['a', 'b']) scheduler.add(name, { every: '1s', run: () => name });
      scheduler.start();
      clock.advanceBy(2 * SECOND);
      await flush();
      // The runs of the next instant are made ahead already: a's now has a dependent.
      scheduler.add('after-a', { after: ['a'], run: () => 'after' });
      clock.advanceBy(2 * SECOND);
      await flush();
      return records(scheduler);
    };
    const fast = await run('fast');
    const ordinary = await run('ordinary');
    expect(fast).toEqual(ordinary);
    const ids = fast.map((record) => (record === 'pending' ? record : `${record.task}#${record.id}`));
    expect(ids).toEqual(['a#1', 'b#2', 'a#3', 'b#4', 'a#5', 'after-a#6', 'b#7', 'a#8', 'after-a#9', 'b#10']);
  });

  test('an overlap skip of a function still going is recorded as before', async () => {
    const run = async (mode: Mode) => {
      const { clock, scheduler } = library(mode);
      scheduler.add('long', { every: '1s', run: () => new Promise<void>((resolve) => clock.setTimer(2500, resolve)) });
      scheduler.start();
      for (let second = 0; second < 4; second++) {
        clock.advanceBy(SECOND);
        await flush();
      }
      return records(scheduler);
    };
    const fast = await run('fast');
    expect(
      fast.map((record) => (record === 'pending' ? record : [record.id, record.status, record.skip?.reason ?? null])),
    ).toEqual([[1, 'succeeded', null], [2, 'skipped', 'overlap'], [3, 'skipped', 'overlap'], 'pending']);
    expect(fast).toEqual(await run('ordinary'));
  });
});

describe('fast path: entering', () => {
  test('a run made ahead (in the booking before) gets a fresh ctx with its own id and instant', async () => {
    const run = async (mode: Mode) => {
      const { clock, scheduler } = library(mode);
      const kept: TaskContext[] = [];
      for (const name of ['a', 'b'])
        scheduler.add(name, { every: '1s', run: (ctx: TaskContext) => void kept.push(ctx) });
      scheduler.start();
      for (let second = 0; second < 3; second++) {
        clock.advanceBy(SECOND);
        await flush();
      }
      const ended = (await records(scheduler)).filter((record) => record !== 'pending');
      expect(new Set(kept).size).toBe(kept.length);
      // Read after the fact: what a task that keeps its ctx sees later.
      const seen = kept.map((ctx) => [ctx.name, ctx.runId, ctx.scheduledAt, ctx.trigger, ctx.attempt]);
      expect(seen).toEqual(ended.map((record) => [record.task, record.id, record.scheduledAt, 'schedule', 1]));
      return seen;
    };
    const fast = await run('fast');
    expect(fast).toHaveLength(6);
    expect(fast).toEqual(await run('ordinary'));
  });

  test('the timeout of a run made ahead runs from its entry, not from when it was made', async () => {
    const run = async (mode: Mode) => {
      const { clock, scheduler } = library(mode);
      scheduler.add('stuck', {
        every: '1s',
        overlap: 'allow',
        timeout: '300ms',
        'kill-after': '100ms',
        run: () => new Promise(() => {}),
      });
      scheduler.start();
      for (let second = 0; second < 3; second++) {
        clock.advanceBy(SECOND);
        await flush();
      }
      return (await records(scheduler)).map((record) =>
        record === 'pending' ? record : [record.status, record.endedAt! - record.startedAt!],
      );
    };
    const fast = await run('fast');
    // The first run is made at its entry, the next two in the booking before theirs: all alike.
    expect(fast).toHaveLength(3);
    expect(fast[0]).toEqual(['timed-out', expect.any(Number)]);
    expect((fast[0] as [string, number])[1]).toBeGreaterThanOrEqual(300);
    expect(fast[1]).toEqual(fast[0]);
    expect(fast[2]).toEqual(fast[0]);
    expect(fast).toEqual(await run('ordinary'));
  });

  test("a run's record says when its function really started and ended, though booked later", async () => {
    const run = async (mode: Mode) => {
      const { clock, scheduler } = library(mode);
      // Each function takes 10 ms of the (fake) wall clock.
      for (const name of ['a', 'b', 'c']) scheduler.add(name, { every: '1s', run: () => clock.stall(10) });
      scheduler.start();
      clock.advanceTo('2026-03-01T10:00:00Z');
      await flush();
      return (await records(scheduler)).map((record) =>
        record === 'pending' ? record : [record.task, record.createdAt, record.startedAt, record.endedAt],
      );
    };
    const at = Date.parse('2026-03-01T10:00:00Z');
    const fast = await run('fast');
    expect(fast).toEqual([
      ['a', at, at, at + 10],
      ['b', at + 10, at + 10, at + 20],
      ['c', at + 20, at + 20, at + 30],
    ]);
    expect(fast).toEqual(await run('ordinary'));
  });

  test('a dependent entered while its parent is booked: its record says how long its function took', async () => {
    const run = async (mode: Mode) => {
      const { clock, scheduler } = library(mode);
      // The parent's run is booked with the clock pinned to its end; its dependent runs in that booking.
      scheduler.add('parent', { every: '1s', 'on-success': ['child'], run: () => clock.stall(7) });
      scheduler.add('child', { run: () => clock.stall(11) });
      scheduler.add('next', { every: '1s', run: () => clock.stall(3) });
      scheduler.start();
      clock.advanceTo('2026-03-01T10:00:00Z');
      await flush();
      return (await records(scheduler)).map((record) =>
        record === 'pending' ? record : [record.task, record.createdAt, record.startedAt, record.endedAt],
      );
    };
    const at = Date.parse('2026-03-01T10:00:00Z');
    const fast = await run('fast');
    expect(fast).toEqual([
      ['parent', at, at, at + 7],
      ['child', at + 7, at + 7, at + 18],
      ['next', at + 18, at + 18, at + 21],
    ]);
    expect(fast).toEqual(await run('ordinary'));
  });

  test('with max-concurrent 1, the k-th synchronous function runs in the same turn', () => {
    const { clock, scheduler } = library('fast', { maxConcurrent: 1 });
    const entered: string[] = [];
    for (let i = 0; i < 5; i++)
      scheduler.add(`t${i}`, { every: '1s', run: (ctx: TaskContext) => entered.push(ctx.name) });
    scheduler.start();
    clock.advanceTo('2026-03-01T10:00:00Z'); // no microtask runs between here and the checks
    expect(entered).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(scheduler.list().map((task) => task.lastRun?.status)).toEqual(Array(5).fill('succeeded'));
  });

  test('a due function is entered before the runs before it are booked, and only then without listeners', () => {
    const run = (fastFunctions: boolean, listen: boolean): (number | null)[] => {
      const clock = new FakeClock(START);
      const seen: (number | null)[] = [];
      const engine = new EngineScheduler({ clock, runner: createRunner({ clock }), fastFunctions });
      stops.push(() => stopOn(clock, engine.stop({ graceMs: 0 })));
      if (listen) engine.on('run-finished', () => undefined);
      // The engine's own view as each function is entered: the first task's latest run (ids are 1, 2, 3 in order).
      const look = (): unknown => seen.push(engine.get('a').lastRun?.id ?? null);
      for (const name of ['a', 'b', 'c']) engine.add(spec(name, { every: '1s', run: look }));
      engine.start();
      clock.advanceTo('2026-03-01T10:00:00Z');
      expect(engine.list().map((task) => task.lastRun?.id)).toEqual([1, 2, 3]);
      // The second fire: its runs were made ahead, in the first one's booking; entered the same way.
      clock.advanceTo('2026-03-01T10:00:01Z');
      expect(engine.list().map((task) => task.lastRun?.id)).toEqual([4, 5, 6]);
      return seen;
    };
    expect(run(true, false)).toEqual([null, null, null, 1, 1, 1]);
    expect(run(false, false)).toEqual([null, 1, 1, 1, 4, 4]);
    expect(run(true, true)).toEqual([null, 1, 1, 1, 4, 4]);
  });

  test('a claim hook is honoured: with one, functions wait for its answer as before', async () => {
    const clock = new FakeClock(START);
    const entered: string[] = [];
    let answer: (verdict: true) => void = () => undefined;
    const engine = new EngineScheduler({
      clock,
      runner: createRunner({ clock }),
      fastFunctions: true,
      claim: () => new Promise<true>((resolve) => (answer = resolve)),
    });
    stops.push(() => stopOn(clock, engine.stop({ graceMs: 0 })));
    engine.add(spec('a', { every: '1s', run: () => void entered.push('a') }));
    engine.start();
    clock.advanceTo('2026-03-01T10:00:00Z');
    await flush();
    expect(entered).toEqual([]);
    answer(true);
    await flush();
    expect(entered).toEqual(['a']);
  });
});

/** A task spec validated as the library validates it. */
function spec(name: string, definition: Record<string, unknown>): TaskSpec {
  const settings = resolveSettings({ timezone: 'UTC' }, { baseDir: process.cwd(), env: process.env });
  const { task } = validateTaskDefinition(name, definition, { settings, baseDir: process.cwd() });
  if (task === undefined) throw new Error(`bad test task ${name}`);
  return task;
}
