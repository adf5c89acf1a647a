/**
 * The library's real clock waits precisely (engine/clock.ts createSystemClock({ precise: true }),
 * Clock.waitUntil): the engine arms its timer 2 ms early and waits out the rest on it (timeline.ts).
 * The wait sleeps in the kernel to the last fraction of a ms and spins only that: a spin of the
 * whole lead took CPU a loaded machine then denied the wake's entries (issue 20 point 1).
 */
import { describe, expect, test } from 'vitest';
import { createSystemClock } from '../../src/engine/clock.js';

const clock = createSystemClock({ precise: true });

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

describe('the precise wait of the system clock', () => {
  test('returns once Date.now() reads the instant, having slept most of the way', () => {
    // CPU time is the whole process's (vitest's other threads, GC) and a shared machine can stall
    // any one round, so the quietest of five rounds is judged: a spin uses ~all of every round.
    const rounds: Array<{ waited: number; used: number }> = [];
    for (let round = 0; round < 5; round++) {
      const at = Date.now() + 20;
      const cpu = process.cpuUsage();
      const started = performance.now();
      clock.waitUntil?.(at, 40);
      const waited = performance.now() - started;
      rounds.push({ waited, used: cpuMs(cpu) });
      expect(Date.now()).toBeGreaterThanOrEqual(at);
    }
    const quietest = rounds.reduce((a, b) => (b.used < a.used ? b : a));
    expect(Math.min(...rounds.map((r) => r.waited))).toBeLessThan(40 + 25);
    // A spin would use about all of the ~20 ms waited.
    expect(quietest.used).toBeLessThan(Math.max(5, quietest.waited / 4));
  });

  test('gives up after its bound when the instant is out of reach (a wall-clock step)', () => {
    const started = performance.now();
    clock.waitUntil?.(Date.now() + 60_000, 15);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(14.5);
    expect(waited).toBeLessThan(15 + 25);
  });

  test('an instant already reached returns at once', () => {
    const started = performance.now();
    clock.waitUntil?.(Date.now() - 5, 15);
    expect(performance.now() - started).toBeLessThan(5);
  });
});
