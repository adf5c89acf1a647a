/**
 * A connection's lines go to its socket a slice at a time. Node hands the kernel everything a
 * socket has buffered as one writev, which is done only when all of it is taken: a client reading
 * a flood slowly had tens of MB in one write, showed no progress for seconds while it read, and the
 * reader's judge (reader-patience.ts) dropped it as stalled (test/faults/control-abuse.test.ts,
 * `logs --follow > file` on a loaded machine). With at most WRITE_SLICE_BYTES in the socket, each
 * write is done as the client reads it; the rest waits here, counted as behind.
 */
import type { Socket } from 'node:net';

/** The most a socket is given before what it has is taken by the kernel. */
export const WRITE_SLICE_BYTES = 256 * 1024;

export interface SocketFeed {
  /** Queue a line (the socket gets it now if its slice has room). */
  write(line: string): void;
  /** Bytes given to write() and not yet taken by the kernel: how far behind the client is. */
  behind(): number;
  /** Bytes the kernel has taken so far: grows while the client reads. */
  flushed(): number;
  /** End the socket once every line has been given to it. */
  end(): void;
}

export function createSocketFeed(socket: Socket): SocketFeed {
  const held: string[] = [];
  const heldLengths: number[] = [];
  let head = 0;
  let heldBytes = 0;
  let written = 0;
  let ending = false;
  let ended = false;

  const refill = (): void => {
    while (head < held.length && socket.writableLength < WRITE_SLICE_BYTES && !socket.destroyed) {
      const line = held[head] as string;
      heldBytes -= heldLengths[head] as number;
      held[head] = '';
      head++;
      socket.write(line, refill);
    }
    if (head === held.length && head > 0) {
      held.length = 0;
      heldLengths.length = 0;
      head = 0;
    }
    if (ending && !ended && held.length === 0 && !socket.destroyed) {
      ended = true;
      socket.end();
    }
  };

  return {
    write(line) {
      const bytes = Buffer.byteLength(line);
      written += bytes;
      if (held.length === 0 && socket.writableLength < WRITE_SLICE_BYTES) {
        socket.write(line, refill);
        return;
      }
      held.push(line);
      heldLengths.push(bytes);
      heldBytes += bytes;
    },
    behind: () => socket.writableLength + heldBytes,
    flushed: () => written - socket.writableLength - heldBytes,
    end() {
      ending = true;
      refill();
    },
  };
}
