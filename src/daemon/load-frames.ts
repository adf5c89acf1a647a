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

/**
 * Turns the pipe's data back into values, in order; `onValue` gets each as soon as it is whole.
 * Every frame's body is copied into one buffer, grown when a frame needs more and reused: a buffer
 * of its own per frame (~1 MB per chunk of 2,000 tasks) went through malloc's heap once the first
 * one freed raised glibc's mmap threshold, and the daemon kept ~20 MB of them idle at 100,000 tasks
 * (issue 20.4). So a value must hold no Buffer or typed array: one would view the reused bytes.
 */
export function createFrameReader(onValue: (value: unknown) => void): (data: Buffer) => void {
  const header = Buffer.alloc(HEADER_BYTES);
  let headerFilled = 0;
  let body = Buffer.alloc(0);
  /** The body's length while it is read; -1 while the header is. */
  let needed = -1;
  let filled = 0;
  return (data) => {
    let offset = 0;
    for (;;) {
      if (needed < 0) {
        if (offset >= data.length) return;
        const copied = data.copy(header, headerFilled, offset, offset + HEADER_BYTES - headerFilled);
        headerFilled += copied;
        offset += copied;
        if (headerFilled < HEADER_BYTES) return;
        headerFilled = 0;
        needed = header.readUInt32BE(0);
        filled = 0;
        if (body.length < needed) body = Buffer.allocUnsafeSlow(needed);
      }
      const copied = data.copy(body, filled, offset, offset + needed - filled);
      filled += copied;
      offset += copied;
      if (filled < needed) return;
      const frame = body.subarray(0, needed);
      needed = -1;
      onValue(deserialize(frame));
    }
  };
}
