// DESIGN.md "The tasks file": `output-limit: 256KiB`; KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024.
import { describe, expect, test } from 'vitest';
import { formatByteSize, parseByteSize } from '../../src/schedule/byte-size.js';

describe('parseByteSize', () => {
  test.each([
    ['256KiB', 262_144],
    ['1MiB', 1_048_576],
    ['1GiB', 1_073_741_824],
    ['512B', 512],
    ['64KB', 64_000],
    ['2MB', 2_000_000],
    ['1GB', 1_000_000_000],
    ['4096', 4096],
    [4096, 4096],
    [0, 0],
  ])('accepts %j as %d bytes', (raw, bytes) => {
    expect(parseByteSize(raw)).toEqual({ ok: true, value: bytes });
  });

  test.each(['1.5MB', '1 KB', '1kb', '1TB', 'KiB', '-1', '', -1, 1.5, null])('rejects %j', (raw) => {
    const result = parseByteSize(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/^expected a size like "512B", "64KB" or "256KiB", got /);
  });
});

describe('formatByteSize: as the tasks file writes sizes', () => {
  test.each([
    [262_144, '256KiB'],
    [1_048_576, '1MiB'],
    [8 * 1_048_576, '8MiB'],
    [1_073_741_824, '1GiB'],
    [1_024, '1KiB'],
    [64_000, '64KB'],
    [2_000_000, '2MB'],
    [1_500, '1500B'],
    [1, '1B'],
    [0, '0B'],
  ])('%d bytes is "%s", which parses back to them', (bytes, text) => {
    expect(formatByteSize(bytes)).toBe(text);
    expect(parseByteSize(text)).toEqual({ ok: true, value: bytes });
  });
});
