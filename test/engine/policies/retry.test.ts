// src/engine/policies/retry.ts, DESIGN.md task options `retry`: failed and timed-out runs (not
// cancelled ones) retry after min(delay * backoff^(attempt-1), max-delay) while attempts are left.
import { describe, expect, test } from 'vitest';
import { computeRetryDelay } from '../../../src/engine/policies/retry.js';

const policy = { attempts: 5, delayMs: 10_000, backoff: 2, maxDelayMs: 60_000 };

describe('computeRetryDelay', () => {
  test.each([
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [4, 60_000],
    [5, 60_000],
    [6, null],
  ])('after attempt %d fails: %s', (attempt, delay) => {
    expect(computeRetryDelay(policy, 'failed', attempt)).toBe(delay);
  });

  test.each(['timed-out', 'failed'] as const)('%s retries', (status) => {
    expect(computeRetryDelay(policy, status, 1)).toBe(10_000);
  });

  test.each(['cancelled', 'succeeded', 'interrupted', 'skipped'] as const)('%s does not retry', (status) => {
    expect(computeRetryDelay(policy, status, 1)).toBeNull();
  });

  test('backoff 1 is a constant delay; attempts 0 never retries', () => {
    expect(computeRetryDelay({ ...policy, backoff: 1 }, 'failed', 4)).toBe(10_000);
    expect(computeRetryDelay({ ...policy, attempts: 0 }, 'failed', 1)).toBeNull();
  });
});
