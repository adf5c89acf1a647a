/**
 * The loader child's frames (src/daemon/load-frames.ts): values come back whole and in order, however the
 * pipe cuts the bytes.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createFrameReader, writeFrame } from '../../src/daemon/load-frames.js';

const dir = mkdtempSync(join(tmpdir(), 'taskkit-load-frames-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The bytes writeFrame writes for `values`, through a file. */
function framesOf(values: unknown[]): Buffer {
  const path = join(dir, 'frames');
  const fd = openSync(path, 'w');
  for (const value of values) writeFrame(fd, value);
  closeSync(fd);
  return readFileSync(path);
}

const VALUES = [
  {
    kind: 'tasks',
    tasks: [
      { name: 'a', env: {}, after: [] },
      { name: 'b', note: 'é ⏰' },
    ],
  },
  { kind: 'restart' },
  { kind: 'reply', reply: { ok: true, taskCount: 2, shared: [1, 2, 3] } },
];

describe('load frames', () => {
  test('read whole, in one piece', () => {
    const got: unknown[] = [];
    createFrameReader((value) => got.push(value))(framesOf(VALUES));
    expect(got).toEqual(VALUES);
  });

  test('read in pieces of every size from 1 byte: the same values, each once it is whole', () => {
    const bytes = framesOf(VALUES);
    for (const size of [1, 2, 3, 5, 7, 64, bytes.length - 1]) {
      const got: unknown[] = [];
      const read = createFrameReader((value) => got.push(value));
      for (let at = 0; at < bytes.length; at += size) {
        read(bytes.subarray(at, Math.min(bytes.length, at + size)));
        // A value is handed over as soon as its last byte is in, never before.
        expect(got.length).toBeLessThanOrEqual(VALUES.length);
      }
      expect(got).toEqual(VALUES);
    }
  });

  test('objects shared inside a value stay shared (structured clone)', () => {
    const shared = { keep: 200 };
    const got: unknown[] = [];
    createFrameReader((value) => got.push(value))(framesOf([[shared, shared]]));
    const [first, second] = got[0] as [object, object];
    expect(first).toBe(second);
  });
});

describe('load frames through one reused buffer (issue 20.4)', () => {
  test('a larger frame after smaller ones, an empty array, many in one read: each value whole and its own', () => {
    const big = { kind: 'tasks', tasks: Array.from({ length: 500 }, (_, i) => ({ name: `task-${i}`, at: [i * 1.5] })) };
    const values = [{ kind: 'restart' }, big, [], { kind: 'restart' }, big, 'end'];
    const bytes = framesOf(values);
    for (const size of [1, 13, 4096, bytes.length]) {
      const got: unknown[] = [];
      const read = createFrameReader((value) => got.push(value));
      for (let at = 0; at < bytes.length; at += size) read(bytes.subarray(at, Math.min(bytes.length, at + size)));
      expect(got).toEqual(values);
      // Values read later do not change those read before (the bytes are reused, the values are not).
      expect(got[1]).toEqual(big);
      expect(got[1]).not.toBe(got[4]);
    }
  });
});
