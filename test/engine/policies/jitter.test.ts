// src/engine/policies/jitter.ts, DESIGN.md task options `jitter`: a delay in [0, jitter) from an injected random
// source.
import { describe, expect, test } from 'vitest';
import { computeJitterDelay, instantJitter } from '../../../src/engine/policies/jitter.js';

const PINNED = { backup: 0.465031789150089, rotate: 0.05683974432758987, accented: 0.8785526303108782 };

describe('computeJitterDelay', () => {
  test.each([
    [0, 0],
    [0.25, 15_000],
    [0.5, 30_000],
    [0.9999999, 59_999],
    [1, 59_999],
    [Number.NaN, 0],
    [-1, 0],
  ])('random() = %d, jitter 60s: %d ms', (draw, delay) => {
    expect(computeJitterDelay(60_000, () => draw)).toBe(delay);
  });

  test('no jitter: no delay, and the random source is not consulted', () => {
    expect(
      computeJitterDelay(0, () => {
        throw new Error('consulted');
      }),
    ).toBe(0);
  });
});

describe('instantJitter', () => {
  test('is pinned: every host and every version draws the same (a change splits a mixed cluster)', () => {
    // FNV-1a 32 over UTF-8 "task\0instant", then murmur3 fmix32, over 2^32 (policies/jitter.ts);
    // the figures were computed by a separate Python implementation of the same steps.
    expect(instantJitter('backup', 1_764_806_400_000)).toBe(PINNED.backup);
    expect(instantJitter('rotate-logs', 0)).toBe(PINNED.rotate);
    expect(instantJitter('días', 1_764_806_460_000)).toBe(PINNED.accented);
  });

  test('is a function of (task, instant) alone', () => {
    expect(instantJitter('backup', 1_000)).toBe(instantJitter('backup', 1_000));
    expect(instantJitter('backup', 1_000)).not.toBe(instantJitter('backup', 2_000));
    expect(instantJitter('backup', 1_000)).not.toBe(instantJitter('backupx', 1_000));
    // The separator: ("a1", 23) and ("a", 123) are different inputs.
    expect(instantJitter('a1', 23)).not.toBe(instantJitter('a', 123));
  });

  test('spreads over [0, 1): one task every minute for a week, and 5,000 tasks at one instant', () => {
    const start = Date.parse('2026-12-01T00:00:00.000Z');
    const minutes = Array.from({ length: 7 * 1_440 }, (_, index) => instantJitter('backup', start + index * 60_000));
    const tasks = Array.from({ length: 5_000 }, (_, index) => instantJitter(`task-${index}`, start));
    for (const draws of [minutes, tasks]) {
      expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...draws)).toBeLessThan(1);
      const buckets = new Array<number>(10).fill(0);
      for (const draw of draws) buckets[Math.floor(draw * 10)]! += 1;
      const expected = draws.length / 10;
      // Chi-square with 9 degrees of freedom: 27.9 is its 0.1% tail.
      const chiSquare = buckets.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
      expect(chiSquare).toBeLessThan(27.9);
      expect(new Set(draws).size).toBeGreaterThan(draws.length * 0.99);
    }
  });
});
