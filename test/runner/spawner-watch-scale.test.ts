/**
 * The test-only scale of the spawner watch (runner/spawner-client.ts testWatchScale): the clock-change
 * faults run the daemon with both clocks at 720x and scale the watch back to real time with it.
 */
import { describe, expect, test } from 'vitest';
import { testWatchScale } from '../../src/runner/spawner-client.js';

describe('TASKKIT_TEST_SPAWNER_WATCH_SCALE', () => {
  test('multiplies by the number it holds', () => {
    expect(testWatchScale({ TASKKIT_TEST_SPAWNER_WATCH_SCALE: '720' })).toBe(720);
    expect(testWatchScale({ TASKKIT_TEST_SPAWNER_WATCH_SCALE: '1.5' })).toBe(1.5);
  });

  test('is 1 when unset, empty, not a number or below 1 (a watch is never shortened)', () => {
    for (const value of [undefined, '', 'fast', '0', '0.5', '-3', 'Infinity']) {
      expect(testWatchScale(value === undefined ? {} : { TASKKIT_TEST_SPAWNER_WATCH_SCALE: value })).toBe(1);
    }
  });
});
