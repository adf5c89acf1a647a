/**
 * Newline-delimited JSON framing (control protocol): bytes in, whole lines out, with a maximum
 * line length so that a peer that never sends a newline cannot grow our memory without bound.
 * Lines are split on the byte 0x0A, which never occurs inside a UTF-8 multi-byte sequence, so a
 * character split across chunks is reassembled before it is decoded.
 */
import type { RequestId } from './protocol.js';

/** One unit the decoder yields. After `oversized` the stream cannot be framed any more. */
export type Frame =
  | { readonly kind: 'line'; readonly text: string }
  | { readonly kind: 'bad-utf8'; readonly bytes: number }
  | { readonly kind: 'oversized'; readonly limit: number };

export interface FrameDecoder {
  /** Feed a chunk; returns the frames it completed, in order. Ignores input after `oversized`. */
  push(chunk: Uint8Array): Frame[];
  /** Bytes held for an unfinished line. */
  readonly pendingBytes: number;
}

const NEWLINE = 0x0a;

/** A decoder for lines of at most `maxLineBytes` bytes (not counting the newline). */
export function createFrameDecoder(maxLineBytes: number): FrameDecoder {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let broken = false;

  const fail = (): Frame => {
    broken = true;
    pending = [];
    pendingBytes = 0;
    return { kind: 'oversized', limit: maxLineBytes };
  };

  const finishLine = (tail: Buffer): Frame => {
    const line = pending.length === 0 ? tail : Buffer.concat([...pending, tail], pendingBytes + tail.length);
    pending = [];
    pendingBytes = 0;
    try {
      return { kind: 'line', text: utf8.decode(line) };
    } catch {
      return { kind: 'bad-utf8', bytes: line.length };
    }
  };

  return {
    get pendingBytes() {
      return pendingBytes;
    },
    push(chunk) {
      if (broken) return [];
      const frames: Frame[] = [];
      const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let start = 0;
      for (let newline = bytes.indexOf(NEWLINE, start); newline !== -1; newline = bytes.indexOf(NEWLINE, start)) {
        if (pendingBytes + (newline - start) > maxLineBytes) {
          frames.push(fail());
          return frames;
        }
        frames.push(finishLine(bytes.subarray(start, newline)));
        start = newline + 1;
      }
      const rest = bytes.length - start;
      // Reject as soon as the limit is passed, without waiting for a newline that may never come.
      if (pendingBytes + rest > maxLineBytes) {
        frames.push(fail());
        return frames;
      }
      if (rest > 0) {
        // Copy: the caller may reuse its chunk's memory.
        pending.push(Buffer.from(bytes.subarray(start)));
        pendingBytes += rest;
      }
      return frames;
    },
  };
}

/** One message as one line. JSON.stringify escapes every newline inside strings. */
export function encodeFrame(message: unknown): string {
  return `${JSON.stringify(message)}\n`;
}

/** A request line, checked for shape only: method and params are checked by the handlers. */
export type ParsedRequest =
  | { readonly ok: true; readonly id: RequestId; readonly method: string; readonly params: unknown }
  | { readonly ok: false; readonly id: RequestId | null; readonly message: string };

/** Parse one line as a request envelope `{id, method, params}`; never throws. */
export function parseRequestLine(text: string): ParsedRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      id: null,
      message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, id: null, message: `a request must be a JSON object, got ${describeJsonType(value)}` };
  }
  const record = value as Record<string, unknown>;
  const rawId = record['id'];
  const id = typeof rawId === 'string' || (typeof rawId === 'number' && Number.isFinite(rawId)) ? rawId : null;
  if (id === null) return { ok: false, id: null, message: '"id" must be a number or a string' };
  const method = record['method'];
  if (typeof method !== 'string' || method === '')
    return { ok: false, id, message: '"method" must be a non-empty string' };
  return { ok: true, id, method, params: record['params'] };
}

/** "an array", "null", "a string"... for messages about JSON values. */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}
