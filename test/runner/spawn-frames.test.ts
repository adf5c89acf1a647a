// The spawner's frames (runner/spawn-frames.ts): every event comes back as it went, whatever
// pieces the pipe cuts the stream into, bytes of output exact (latin1), a fault's JSON as UTF-8.
import { describe, expect, test } from 'vitest';
import { encodeEvent, FrameReader } from '../../src/runner/spawn-frames.js';
import type { SpawnerEvent } from '../../src/runner/spawn-protocol.js';

const allBytes = Buffer.from(Array.from({ length: 256 }, (_, byte) => byte)).toString('latin1');
const EVENTS: SpawnerEvent[] = [
  { kind: 'pid', id: 1, pid: 4242 },
  { kind: 'pong', id: 7 },
  { kind: 'output', id: 1, stream: 'stdout', text: `line\n${allBytes}` },
  { kind: 'output', id: 1, stream: 'stderr', text: 'p 2 3\n' },
  { kind: 'fault', id: 2, fault: { kind: 'not-found', file: '/opt/é x\n' } },
  { kind: 'exit', id: 1, exitCode: 3, signal: null },
  { kind: 'exit', id: 3, exitCode: null, signal: 'SIGTERM' },
  { kind: 'end', id: 1, output: `line\n${allBytes}p 2 3\n`, outputTruncated: true, outputBytes: 1_000_000 },
  { kind: 'end', id: 3, output: '', outputTruncated: false, outputBytes: 0 },
];

function decodeAll(pieces: readonly string[]): SpawnerEvent[] {
  const reader = new FrameReader();
  const events: SpawnerEvent[] = [];
  for (const piece of pieces) reader.push(piece, (event) => events.push(event));
  return events;
}

describe('spawner frames', () => {
  const stream = EVENTS.map(encodeEvent).join('');

  test('whole: every event as it went', () => {
    expect(decodeAll([stream])).toEqual(EVENTS);
  });

  test('cut at every place, and byte by byte', () => {
    for (let at = 0; at <= stream.length; at++)
      expect(decodeAll([stream.slice(0, at), stream.slice(at)])).toEqual(EVENTS);
    expect(decodeAll([...stream])).toEqual(EVENTS);
  });

  test('a bad header is an error, not a silent skip', () => {
    expect(() => decodeAll(['o 1 1 x\n'])).toThrow('spawner: bad frame header "o 1 1 x"');
    expect(() => decodeAll(['z 1\n'])).toThrow('spawner: unknown frame "z 1"');
  });
});
