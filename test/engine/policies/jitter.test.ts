// src/engine/policies/jitter.ts, DESIGN.md task options `jitter`: a delay in [0, jitter) from an injected random
// source.
import { describe, expect, test } from 'vitest';
import { computeJitterDelay } from '../../../src/engine/policies/jitter.js';

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
