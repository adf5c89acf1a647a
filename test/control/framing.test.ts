import { describe, expect, test } from 'vitest';
import { createFrameDecoder, encodeFrame, parseRequestLine, type Frame } from '../../src/control/framing.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');
const lines = (frames: Frame[]): string[] =>
  frames.map((frame) => (frame.kind === 'line' ? frame.text : `<${frame.kind}>`));

describe('createFrameDecoder', () => {
  test('a line split across chunks comes out once, whole', () => {
    const decoder = createFrameDecoder(100);
    expect(decoder.push(bytes('{"id":1,'))).toEqual([]);
    expect(decoder.pendingBytes).toBe(8);
    expect(decoder.push(bytes('"method":'))).toEqual([]);
    expect(lines(decoder.push(bytes('"list"}\n')))).toEqual(['{"id":1,"method":"list"}']);
    expect(decoder.pendingBytes).toBe(0);
  });

  test('several lines in one chunk, and a partial one kept for the next', () => {
    const decoder = createFrameDecoder(100);
    expect(lines(decoder.push(bytes('a\nbb\n\nccc\ndd')))).toEqual(['a', 'bb', '', 'ccc']);
    expect(decoder.pendingBytes).toBe(2);
    expect(lines(decoder.push(bytes('d\n')))).toEqual(['ddd']);
  });

  test('a line of exactly the maximum passes; one byte more is oversized', () => {
    const exact = createFrameDecoder(10);
    expect(lines(exact.push(bytes(`${'x'.repeat(10)}\n`)))).toEqual(['x'.repeat(10)]);
    const over = createFrameDecoder(10);
    expect(over.push(bytes(`${'x'.repeat(11)}\n`))).toEqual([{ kind: 'oversized', limit: 10 }]);
  });

  test('the maximum is checked across chunks, and before any newline arrives', () => {
    const exact = createFrameDecoder(10);
    expect(exact.push(bytes('x'.repeat(6)))).toEqual([]);
    expect(exact.push(bytes('x'.repeat(4)))).toEqual([]);
    expect(lines(exact.push(bytes('\n')))).toEqual(['x'.repeat(10)]);
    const over = createFrameDecoder(10);
    expect(over.push(bytes('x'.repeat(6)))).toEqual([]);
    // No newline yet: the 11th byte alone is enough to give up.
    expect(over.push(bytes('x'.repeat(5)))).toEqual([{ kind: 'oversized', limit: 10 }]);
    expect(over.pendingBytes).toBe(0);
    // After oversized the stream cannot be framed: everything else is ignored.
    expect(over.push(bytes('ok\n'))).toEqual([]);
  });

  test('lines before an oversized one in the same chunk still come out', () => {
    const decoder = createFrameDecoder(4);
    expect(lines(decoder.push(bytes('ab\nabcde\nzz\n')))).toEqual(['ab', '<oversized>']);
  });

  test('the limit counts bytes, not characters', () => {
    // "é" is 2 bytes: 5 of them are 10 bytes.
    expect(lines(createFrameDecoder(10).push(bytes(`${'é'.repeat(5)}\n`)))).toEqual(['é'.repeat(5)]);
    expect(lines(createFrameDecoder(9).push(bytes(`${'é'.repeat(5)}\n`)))).toEqual(['<oversized>']);
  });

  test('a UTF-8 character split across chunks is decoded whole', () => {
    const decoder = createFrameDecoder(100);
    const text = '{"note":"€ 🚀"}\n';
    const all = bytes(text);
    const frames: Frame[] = [];
    // One byte at a time splits the 3-byte euro sign and the 4-byte rocket everywhere.
    for (const byte of all) frames.push(...decoder.push(Uint8Array.of(byte)));
    expect(lines(frames)).toEqual(['{"note":"€ 🚀"}']);
  });

  test('invalid UTF-8 is reported for that line only', () => {
    const decoder = createFrameDecoder(100);
    const frames = decoder.push(Buffer.concat([bytes('ok\n'), Buffer.from([0xff, 0xfe, 0x0a]), bytes('next\n')]));
    expect(frames).toEqual([
      { kind: 'line', text: 'ok' },
      { kind: 'bad-utf8', bytes: 2 },
      { kind: 'line', text: 'next' },
    ]);
  });

  test('a chunk the caller reuses afterwards does not change a pending line', () => {
    const decoder = createFrameDecoder(100);
    const chunk = bytes('abc');
    decoder.push(chunk);
    chunk.fill(0x7a);
    expect(lines(decoder.push(bytes('\n')))).toEqual(['abc']);
  });
});

describe('encodeFrame', () => {
  test('one line per message; newlines inside strings are escaped', () => {
    expect(encodeFrame({ id: 1, event: 'output', data: { chunk: 'a\nb' } })).toBe(
      '{"id":1,"event":"output","data":{"chunk":"a\\nb"}}\n',
    );
  });

  test('a round trip through the decoder gives the message back', () => {
    const message = { id: 'x', result: { text: 'line1\nline2\r\n€' } };
    const [frame] = createFrameDecoder(1000).push(bytes(encodeFrame(message)));
    expect(frame?.kind === 'line' ? JSON.parse(frame.text) : frame).toEqual(message);
  });
});

describe('parseRequestLine', () => {
  test('a good request', () => {
    expect(parseRequestLine('{"id":7,"method":"show","params":{"name":"a"}}')).toEqual({
      ok: true,
      id: 7,
      method: 'show',
      params: { name: 'a' },
    });
    expect(parseRequestLine('{"id":"r1","method":"list"}')).toEqual({
      ok: true,
      id: 'r1',
      method: 'list',
      params: undefined,
    });
  });

  test.each([
    ['{"id":1,', null, /^not valid JSON: /],
    ['[1,2]', null, /^a request must be a JSON object, got an array$/],
    ['"hello"', null, /^a request must be a JSON object, got a string$/],
    ['null', null, /^a request must be a JSON object, got null$/],
    ['{"method":"list"}', null, /^"id" must be a number or a string$/],
    ['{"id":{},"method":"list"}', null, /^"id" must be a number or a string$/],
    ['{"id":3}', 3, /^"method" must be a non-empty string$/],
    ['{"id":"a","method":5}', 'a', /^"method" must be a non-empty string$/],
  ])('%s is refused', (text, id, message) => {
    const parsed = parseRequestLine(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.id).toBe(id);
    expect(parsed.message).toMatch(message);
  });
});
