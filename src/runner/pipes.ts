/**
 * A run's pipes: stdout and stderr read into the bounded buffer and a listener, and the drain after
 * the leader's exit. Shared by the in-process spawn (process.ts) and the spawner (spawner-main.ts).
 */
import type { Readable } from 'node:stream';
import type { OutputListener, OutputStream } from './types.js';

/**
 * How long output still in the pipes is read after the leader exits. Background children
 * (`sleep 300 &`) inherit the pipes and may hold them open for ever; like cron, taskkit leaves
 * them running but does not wait for them.
 */
export const DRAIN_AFTER_EXIT_MS = 100;

/**
 * Feed a stream's bytes into the buffer (which copies them) and the listener, exactly as written.
 *
 * The pipe is read as latin1, which maps each byte to one character and back without loss. Read
 * as Buffers, each chunk is a fresh 64 KiB allocation outside V8's heap that only a garbage
 * collection frees, and nothing else here allocates on the heap to bring one on: a task printing
 * 200 MiB grew the daemon by 36 MiB (test/faults/resources-flood.test.ts) against 7 MiB when
 * the chunks were decoded as UTF-8 text. A latin1 string is on the heap, so the young generation
 * fills with the output itself and each scavenge frees the chunks read before it.
 */
export function captureStream(
  stream: Readable,
  name: OutputStream,
  write: (chunk: Uint8Array) => void,
  onOutput: OutputListener | undefined,
): void {
  stream.setEncoding('latin1');
  stream.on('data', (text: string) => {
    const chunk = Buffer.from(text, 'latin1');
    write(chunk);
    if (onOutput === undefined || chunk.length === 0) return;
    try {
      onOutput(chunk, name);
    } catch {
      // A broken listener (a client gone from `logs --follow`) must not end or fail the run.
    }
  });
  // Destroying the pipes after the drain may surface as an error here; it is expected.
  stream.on('error', () => undefined);
}

/** Resolve when every stream has ended, or after `limitMs`; then destroy whatever is still open. */
export function drainStreams(streams: readonly Readable[], limitMs: number): Promise<void> {
  const open = streams.filter((stream) => !stream.destroyed && !stream.readableEnded);
  if (open.length === 0) return Promise.resolve();
  return new Promise((resolveDrain) => {
    let pending = open.length;
    const complete = (): void => {
      clearTimeout(timer);
      for (const stream of open) stream.destroy();
      resolveDrain();
    };
    const timer = setTimeout(complete, limitMs);
    for (const stream of open) {
      stream.once('close', () => {
        pending -= 1;
        if (pending === 0) complete();
      });
    }
  });
}
