import { describe, expect, test } from 'vitest';
import { ReconnectBackoff } from '../../../src/store/postgres/backoff.js';

describe('reconnect backoff', () => {
  test('doubles from 100 ms to 30 s; equal jitter keeps each wait within [step/2, step]', () => {
    const low = new ReconnectBackoff({ random: () => 0 });
    const high = new ReconnectBackoff({ random: () => 0.999999 });
    const lows = Array.from({ length: 12 }, () => low.next());
    const highs = Array.from({ length: 12 }, () => high.next());
    expect(lows).toEqual([50, 100, 200, 400, 800, 1600, 3200, 6400, 12800, 15000, 15000, 15000]);
    expect(highs).toEqual([100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000]);
    expect(low.attempts).toBe(12);
  });

  test('a reset starts again from the shortest step; a long outage never overflows', () => {
    const backoff = new ReconnectBackoff({ random: () => 0.5 });
    for (let i = 0; i < 5000; i += 1) backoff.next();
    expect(backoff.next()).toBe(22500);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(75);
  });

  test('Math.random by default: hosts cut off together spread out', () => {
    const waits = new Set(Array.from({ length: 20 }, () => new ReconnectBackoff().next()));
    expect(waits.size).toBeGreaterThan(1);
    for (const wait of waits) expect(wait).toBeGreaterThanOrEqual(50);
  });
});
