/**
 * The loader child's messages to the daemon (load-child.ts -> load-isolated.ts): each value
 * structured-cloned (v8.serialize, what an 'advanced' IPC channel sends) behind its length, on a
 * pipe of their own. Written synchronously: the child loads in one synchronous call and never
 * yields to its event loop before the end, so an IPC channel's queued writes would all go out
 * after the load; a blocking write hands each chunk of tasks over while the child goes on (issue 20.4).
 */
import { writeSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';

const HEADER_BYTES = 4;

/** Write one value to the pipe `fd`, whole, waiting while the reader is behind. */
export function writeFrame(fd: number, value: unknown): void {
  const body = serialize(value);
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE(body.length);
  writeAll(fd, header);
  writeAll(fd, body);
}

function writeAll(fd: number, buffer: Buffer): void {
  let written = 0;
  while (written < buffer.length) {
    try {
      written += writeSync(fd, buffer, written);
    } catch (error) {
      // A pipe left non-blocking: wait a moment for the reader instead of failing the load.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

/** Turns the pipe's data back into values, in order; `onValue` gets each as soon as it is whole. */
export function createFrameReader(onValue: (value: unknown) => void): (data: Buffer) => void {
  let parts: Buffer[] = [];
  let buffered = 0;
  let needed = HEADER_BYTES;
  let inBody = false;
  return (data) => {
    parts.push(data);
    buffered += data.length;
    while (buffered >= needed) {
      // One copy per frame, not one per read: a chunk of tasks arrives in many 64 KiB reads.
      const whole = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, buffered);
      const frame = whole.subarray(0, needed);
      const rest = whole.subarray(needed);
      parts = rest.length === 0 ? [] : [rest];
      buffered = rest.length;
      if (inBody) {
        needed = HEADER_BYTES;
        inBody = false;
        onValue(deserialize(frame));
      } else {
        needed = frame.readUInt32BE(0);
        inBody = true;
      }
    }
  };
}
