// DESIGN.md "The tasks file": durations are `90s`, `5m`, `1h30m`, `2d`, `500ms`.
import { describe, expect, test } from 'vitest';
import { formatDuration, parseDuration } from '../../src/schedule/duration.js';

describe('parseDuration: the duration units of the tasks file', () => {
  test.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['1h30m15s', 5_415_000],
    ['1d2h3m4s5ms', 93_784_005],
    ['0s', 0],
  ])('accepts %j as %d ms', (raw, ms) => {
    expect(parseDuration(raw)).toEqual({ ok: true, value: ms });
  });

  test.each<[unknown, string]>([
    ['1w', 'weeks are not a unit'],
    ['5 minutes', 'words are not units'],
    ['5', 'a bare number has no unit'],
    [5, 'a bare YAML number has no unit'],
    ['1h 30m', 'no whitespace inside'],
    [' 5m', 'no surrounding whitespace'],
    ['30m1h', 'largest unit first'],
    ['5m5m', 'each unit once'],
    ['1.5h', 'no fractions'],
    ['-5m', 'no negatives'],
    ['', 'empty'],
    [null, 'nothing'],
  ])('rejects %j (%s)', (raw) => {
    const result = parseDuration(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/^expected a duration like "90s", "5m" or "1h30m", got /);
  });

  test('the message quotes what was written', () => {
    expect(parseDuration('5 minutes')).toEqual({
      ok: false,
      message: 'expected a duration like "90s", "5m" or "1h30m", got "5 minutes"',
    });
  });
});

describe('formatDuration: the compact inverse', () => {
  test.each([
    [90_000, '1m30s'],
    [500, '500ms'],
    [0, '0s'],
    [86_400_000, '1d'],
    [5_400_000, '1h30m'],
    [93_784_005, '1d2h3m4s5ms'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test.each(['500ms', '1m30s', '1h30m', '2d', '1h30m15s'])('round-trips %s', (text) => {
    const parsed = parseDuration(text);
    expect(parsed.ok && formatDuration(parsed.value)).toBe(text);
  });
});
