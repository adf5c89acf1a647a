import { describe, expect, test } from 'vitest';
import { createOutputBuffer, formatDroppedMarker } from '../../src/runner/output-buffer.js';

const marker = (dropped: number): string => `\n[taskkit: ${dropped} bytes dropped]\n`;

describe('createOutputBuffer', () => {
  test('the marker reads "[taskkit: N bytes dropped]" on its own line', () => {
    expect(formatDroppedMarker(12)).toBe('\n[taskkit: 12 bytes dropped]\n');
  });

  test('nothing written: empty, not truncated', () => {
    const buffer = createOutputBuffer(10);
    expect([buffer.text(), buffer.totalBytes, buffer.truncated]).toEqual(['', 0, false]);
  });

  test('bytes() keeps what was written as bytes: a NUL and a 0xFF stay, text() shows U+FFFD for the 0xFF', () => {
    const buffer = createOutputBuffer(64);
    const written = Buffer.from([0x61, 0x00, 0x62, 0xff, 0x0a]);
    buffer.write(written.subarray(0, 2));
    buffer.write(written.subarray(2));
    expect(buffer.bytes()).toEqual(written);
    expect(buffer.text()).toBe('a\0b\ufffd\n');
  });

  test('bytes() past the limit: head, the marker as UTF-8 bytes, tail; each byte value kept', () => {
    const buffer = createOutputBuffer(8);
    const written = Buffer.from([0x00, 0xff, 0x01, 0xfe, 0x10, 0x20, 0x30, 0x7f, 0x00, 0xfd, 0x02, 0x7e]);
    buffer.write(written);
    expect(buffer.bytes()).toEqual(
      Buffer.concat([written.subarray(0, 4), Buffer.from(marker(4)), written.subarray(8)]),
    );
    // bytes() is a copy: writing on does not change what it returned.
    const before = buffer.bytes();
    buffer.write(Buffer.from([0x41]));
    expect(before).toEqual(Buffer.concat([written.subarray(0, 4), Buffer.from(marker(4)), written.subarray(8)]));
  });

  test('exactly the limit is kept whole', () => {
    const buffer = createOutputBuffer(10);
    buffer.write('0123456789');
    expect([buffer.text(), buffer.totalBytes, buffer.truncated]).toEqual(['0123456789', 10, false]);
  });

  test('one byte over the limit drops one byte from the middle', () => {
    const buffer = createOutputBuffer(10);
    buffer.write('0123456789A');
    expect([buffer.text(), buffer.totalBytes, buffer.truncated]).toEqual([`01234${marker(1)}6789A`, 11, true]);
  });

  test('an odd limit gives the tail the extra byte', () => {
    const buffer = createOutputBuffer(11);
    buffer.write('abcdefghijklmnop');
    expect(buffer.text()).toBe(`abcde${marker(5)}klmnop`);
  });

  test('byte-by-byte writes keep the same head and tail as one big write', () => {
    const text = 'The quick brown fox jumps over the lazy dog';
    const whole = createOutputBuffer(16);
    whole.write(text);
    const pieces = createOutputBuffer(16);
    for (const char of text) pieces.write(char);
    expect(pieces.text()).toBe(whole.text());
    expect(pieces.text()).toBe(`The quic${marker(27)}lazy dog`);
    expect(pieces.totalBytes).toBe(43);
  });

  test('the tail ring wraps around across writes of uneven size', () => {
    const buffer = createOutputBuffer(8);
    for (const chunk of ['abc', 'defg', 'hij', 'k', 'lmnopq', 'rs']) buffer.write(chunk);
    expect(buffer.text()).toBe(`abcd${marker(11)}pqrs`);
    expect(buffer.totalBytes).toBe(19);
  });

  test('a chunk larger than the whole limit keeps its own head and tail', () => {
    const buffer = createOutputBuffer(6);
    buffer.write('HEAD-middle-middle-TAIL');
    expect(buffer.text()).toBe(`HEA${marker(17)}AIL`);
  });

  test('bytes are copied: the caller may reuse its array after write', () => {
    const buffer = createOutputBuffer(100);
    const bytes = new TextEncoder().encode('first');
    buffer.write(bytes);
    bytes.fill(0x21);
    buffer.write(bytes);
    expect(buffer.text()).toBe('first!!!!!');
  });

  test('totalBytes counts UTF-8 bytes, not characters', () => {
    const buffer = createOutputBuffer(100);
    buffer.write('€é');
    expect([buffer.totalBytes, buffer.text()]).toEqual([5, '€é']);
  });

  test('a character split by the head limit is dropped whole and counted as dropped', () => {
    // limit 10: head 5 bytes = "abcd" + the first byte of "€" (3 bytes).
    const buffer = createOutputBuffer(10);
    buffer.write('abcd€0123456789');
    // 17 bytes written; kept: "abcd" (4) + "56789" (5); 8 dropped.
    expect(buffer.text()).toBe(`abcd${marker(8)}56789`);
  });

  test('a character split by the tail start is dropped whole and counted as dropped', () => {
    // limit 10: tail = last 5 bytes = the last 2 bytes of "€" + "xyz".
    const buffer = createOutputBuffer(10);
    buffer.write('01234567€xyz');
    // 14 bytes written; kept "01234" and "xyz"; 6 dropped.
    expect(buffer.text()).toBe(`01234${marker(6)}xyz`);
  });

  test('a 4-byte character whose bytes arrive in separate writes survives when kept whole', () => {
    const buffer = createOutputBuffer(100);
    const bytes = new TextEncoder().encode('a😀b');
    for (const byte of bytes) buffer.write(Uint8Array.of(byte));
    expect(buffer.text()).toBe('a😀b');
  });

  test('multi-byte characters exactly at both boundaries are kept whole', () => {
    // limit 6: the head is exactly "€" (3 bytes), the tail exactly "é" + "x" (3 bytes).
    const buffer = createOutputBuffer(6);
    buffer.write('€-----éx');
    expect(buffer.text()).toBe(`€${marker(5)}éx`);
  });

  test('a zero limit keeps nothing but still counts', () => {
    const buffer = createOutputBuffer(0);
    buffer.write('abc');
    expect([buffer.text(), buffer.totalBytes, buffer.truncated]).toEqual([marker(3), 3, true]);
  });

  test('memory stays bounded: 64 MiB through a 1 KiB buffer keeps 1 KiB', () => {
    const buffer = createOutputBuffer(1024);
    const chunk = new Uint8Array(1024 * 1024).fill(0x61);
    for (let i = 0; i < 64; i += 1) buffer.write(chunk);
    buffer.write('END');
    const text = buffer.text();
    expect(buffer.totalBytes).toBe(64 * 1024 * 1024 + 3);
    expect(text).toBe(`${'a'.repeat(512)}${marker(64 * 1024 * 1024 + 3 - 1024)}${'a'.repeat(509)}END`);
  });
});
