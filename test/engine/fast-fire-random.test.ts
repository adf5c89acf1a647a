/**
 * The fast path (engine/fast-fire.ts) against the ordinary path on random runs: every task function
 * (seeded) throws, returns a promise, takes time on the clock, asks the Scheduler or asks to run again;
 * tasks have dependents (on-success, on-failure, after-all), retries, overlap queue, catch-up, and the
 * event loop stalls now and then (late wakes). Each seed runs with taskkit's own runner (fast) and with
 * it passed in (ordinary), on both fake clocks: the functions must see, and the engine record, the same.
 */
import { afterEach, expect, test } from 'vitest';
import { Scheduler, type TaskContext } from '../../src/index.js';
import { createRunner } from '../../src/runner/runner.js';
import { FakeClock, PreciseFakeClock } from '../support/fake-clock.js';
import { flush } from '../support/fake-runner.js';

const START = '2026-03-01T09:59:59.500Z';
const SEEDS = 20;

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** A small seeded generator: the same choices on both paths. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

/** Every run's final record by id up to the last one known ('pending' not ended, 'missing' forgotten). */
async function records(scheduler: Scheduler): Promise<unknown[]> {
  const all: unknown[] = [];
  for (let id = 1; id < 400; id++) {
    try {
      all.push(await Promise.race([scheduler.waitForRun(id), flush().then(() => 'pending')]));
    } catch {
      all.push('missing');
    }
  }
  while (all[all.length - 1] === 'missing') all.pop();
  return all;
}

async function scenario(fast: boolean, seed: number, precise: boolean) {
  const choose = random(seed);
  const act = random(seed * 7 + 1);
  const clock = precise ? new PreciseFakeClock(START) : new FakeClock(START);
  const runner = fast ? undefined : createRunner({ clock });
  const scheduler = new Scheduler({ timezone: 'UTC', clock, runner, maxConcurrent: 4 });
  stops.push(async () => {
    const stopped = scheduler.stop({ graceMs: 0 });
    clock.advanceBy(60_000);
    await stopped;
  });
  const seen: unknown[] = [];
  const body = (name: string) => (ctx: TaskContext) => {
    seen.push([name, ctx.runId, ctx.scheduledAt, ctx.trigger, clock.now()]);
    const kind = Math.floor(act() * 8);
    clock.stall(Math.floor(act() * 5));
    if (kind === 0) {
      // Without engine frames in its stack: the two paths call the function from different places.
      const error = new Error('no');
      error.stack = 'Error: no';
      throw error;
    }
    if (kind === 1) return new Promise((resolve) => clock.setTimer(Math.floor(act() * 1500), () => resolve(name)));
    if (kind === 2 && ctx.trigger === 'schedule') ctx.handle.runOnCompletion();
    if (kind === 3) seen.push(scheduler.get('a').lastRun?.id ?? null);
    return name;
  };
  scheduler.add('a', { every: '1s', 'on-success': ['c'], run: body('a') });
  scheduler.add('b', { every: '1s', retry: { attempts: 1, delay: '200ms' }, 'on-failure': ['c'], run: body('b') });
  scheduler.add('c', { overlap: 'allow', run: body('c') });
  scheduler.add('d', { every: '1s', overlap: 'queue', run: body('d') });
  scheduler.add('e', { every: '2s', 'catch-up': 'all', run: body('e') });
  scheduler.add('j', { 'after-all': ['a', 'e'], run: body('j') });
  scheduler.start();
  for (let step = 0; step < 25; step++) {
    if (choose() < 0.15) clock.stall(Math.floor(choose() * 3000));
    clock.advanceBy(choose() < 0.4 ? 1000 : Math.floor(choose() * 1400) + 50);
    await flush();
  }
  clock.advanceBy(5000);
  await flush();
  return { seen, records: await records(scheduler), statuses: JSON.stringify(scheduler.list()) };
}

test(`${SEEDS} random runs: the same calls, records and states on the fast path as on the ordinary one`, async () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    for (const precise of [false, true]) {
      const fast = await scenario(true, seed, precise);
      const ordinary = await scenario(false, seed, precise);
      expect(ordinary.records.length).toBeGreaterThan(50);
      expect(fast.seen, `seed ${seed}${precise ? ', precise' : ''}`).toEqual(ordinary.seen);
      expect(fast.records, `seed ${seed}${precise ? ', precise' : ''}`).toEqual(ordinary.records);
      expect(fast.statuses, `seed ${seed}${precise ? ', precise' : ''}`).toBe(ordinary.statuses);
    }
  }
});
