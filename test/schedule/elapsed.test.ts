/** Durations at a glance (issue 18.7): exact strings at each boundary, rounding before the shape is chosen. */
import { describe, expect, test } from 'vitest';
import { formatElapsed, formatSpan } from '../../src/schedule/elapsed.js';

const S = 1_000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;

describe('formatElapsed', () => {
  test.each([
    [0, '0ms'],
    [0.4, '0ms'],
    [250, '250ms'],
    [999, '999ms'],
    [999.4, '999ms'],
    [999.5, '1.0s'],
    [1_000, '1.0s'],
    [3_017, '3.0s'],
    [3_050, '3.1s'],
    [9_940, '9.9s'],
    [9_950, '10s'],
    [10_000, '10s'],
    [42_400, '42s'],
    [59_499, '59s'],
    [59_500, '1m'],
    [60 * S, '1m'],
    [65 * S, '1m05s'],
    [72 * S, '1m12s'],
    [3_599 * S, '59m59s'],
    [3_599_500, '1h'],
    [H, '1h'],
    [2 * H + 5 * MIN + 29 * S, '2h05m'],
    [2 * H + 5 * MIN + 30 * S, '2h06m'],
    [D - 30 * S, '1d'],
    [D, '1d'],
    [D + H, '1d1h'],
    [3 * D + 4 * H + 29 * MIN, '3d4h'],
    [365 * D, '365d'],
  ])('%d ms is "%s"', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
  });

  test('never shows more than two units, so never "3s17ms"', () => {
    for (let ms = 0; ms < 400 * D; ms = ms * 1.37 + 17) {
      expect(formatElapsed(ms)).toMatch(/^(?:\d+ms|\d\.\ds|\d+s|\d+m(?:\d\ds)?|\d+h(?:\d\dm)?|\d+d(?:\d+h)?)$/);
    }
  });

  test('negative and non-finite values stay readable', () => {
    expect(formatElapsed(-1_500)).toBe('-1.5s');
    expect(formatElapsed(Number.NaN)).toBe('NaN');
  });
});

describe('formatSpan (relative instants)', () => {
  test.each([
    [0, '0s'],
    [1 * S, '1s'],
    [9_600, '10s'],
    [42 * S, '42s'],
    [5 * MIN + 10 * S, '5m10s'],
    [5 * MIN, '5m'],
    [3 * H + 20 * MIN, '3h20m'],
    [4 * D + 3 * H, '4d3h'],
    [29 * D + 23 * H + 29 * MIN, '29d23h'],
    [30 * D, '30d'],
    [45 * D + 20 * H, '45d'],
    [364 * D + 23 * H, '364d'],
    [365 * D, '1y'],
    [1125 * D + 11 * H + 31 * MIN + 55 * S, '3y'],
    [730 * D - 1 * H, '1y'],
  ])('%d ms is "%s"', (ms, text) => {
    expect(formatSpan(ms)).toBe(text);
  });
});
