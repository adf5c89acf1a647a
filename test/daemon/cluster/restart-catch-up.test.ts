/**
 * A restart's catch-up in cluster mode (daemon/cluster/restart-catch-up.ts) against a fake engine
 * and a fake `latestInstantWithRow`: a cluster task's range is taken, asked once its jitter and the
 * claims' settling have passed, and handed back from the latest instant another host ran; PostgreSQL
 * away or an engine not started yet: asked again later; `scope: host` tasks are left to the engine.
 */
import { describe, expect, test } from 'vitest';
import { CLAIM_SETTLE_MS, restartCatchUps } from '../../../src/daemon/cluster/restart-catch-up.js';
import { makeTask } from '../../support/task-spec.js';

const MIN = 60_000;
const T0 = Date.parse('2026-12-03T10:00:00Z');

function setup(latest: () => Promise<number | null>) {
  let now = T0;
  let started = true;
  const asked: [string, number, number][] = [];
  const handed: [string, number, number][] = [];
  const restarts = restartCatchUps({
    db: {
      latestInstantWithRow: (task, after, upTo) => {
        asked.push([task, after, upTo]);
        return latest();
      },
    },
    isHostScoped: (spec) => spec.scope === 'host',
    now: () => now,
    timer: false,
  });
  restarts.attach({
    has: () => true,
    catchUpRestart: (task, after, upTo) => {
      if (started) handed.push([task, after, upTo]);
      return started;
    },
  });
  return {
    restarts,
    asked,
    handed,
    advance: (ms: number) => (now += ms),
    setStarted: (value: boolean) => (started = value),
  };
}

describe('restart catch-up in cluster mode', () => {
  test('asked after jitter + settling; handed back from the latest instant with a row', async () => {
    const { restarts, asked, handed, advance } = setup(() => Promise.resolve(T0 - 2 * MIN));
    const spec = makeTask('tick', { jitterMs: 5_000 });
    expect(restarts.take(spec, { after: T0 - 10 * MIN, upTo: T0 })).toBe(true);
    advance(5_000 + CLAIM_SETTLE_MS - 1);
    await restarts.check();
    expect(asked).toEqual([]);
    advance(1);
    await restarts.check();
    expect(asked).toEqual([['tick', T0 - 10 * MIN, T0]]);
    expect(handed).toEqual([['tick', T0 - 2 * MIN, T0]]);
    await restarts.check();
    expect(asked).toHaveLength(1);
  });

  test('no row in the range: the whole range; PostgreSQL away or engine not started: asked again', async () => {
    let answer: Promise<number | null> = Promise.reject(new Error('away'));
    const { restarts, asked, handed, advance, setStarted } = setup(() => answer);
    restarts.take(makeTask('tick'), { after: T0 - 10 * MIN, upTo: T0 });
    advance(CLAIM_SETTLE_MS);
    await restarts.check();
    expect(handed).toEqual([]);
    answer = Promise.resolve(null);
    setStarted(false);
    advance(MIN);
    await restarts.check();
    expect(handed).toEqual([]);
    setStarted(true);
    advance(MIN);
    await restarts.check();
    expect(handed).toEqual([['tick', T0 - 10 * MIN, T0]]);
    expect(asked).toHaveLength(3);
  });

  test('scope: host tasks stay with the engine', () => {
    const { restarts } = setup(() => Promise.resolve(null));
    expect(restarts.take(makeTask('local', { scope: 'host' }), { after: T0 - MIN, upTo: T0 })).toBe(false);
  });

  test('a start of 200,000 cluster tasks: each take() arms the timer in constant time, and none throws', async () => {
    // The timer was re-armed from a spread of every pending range on each take(): quadratic in the
    // tasks (20,000 took 2.8 s), and a spread past ~120,000 arguments throws RangeError.
    const restarts = restartCatchUps({
      db: { latestInstantWithRow: () => Promise.resolve(null) },
      isHostScoped: () => false,
      now: () => T0,
    });
    restarts.attach({ has: () => true, catchUpRestart: () => true });
    try {
      for (let i = 0; i < 200_000; i++) {
        expect(restarts.take(makeTask(`t${i}`), { after: T0 - MIN, upTo: T0 - i })).toBe(true);
      }
      await restarts.check();
    } finally {
      restarts.stop();
    }
  });
});
