/**
 * The output of running runs, kept in the daemon while they run, so that `logs --follow` shows
 * what a run printed before the client asked, then every chunk as it comes. The engine passes
 * chunks on without keeping them (a run's record gets its output only when it ends), and the
 * store writes a run's output once, at its end; so this is the only place a running run's output
 * so far exists. Bounded: the last `limitBytes` of each running run, as bytes, freed when it ends.
 *
 * The chunks are copied into a ring of at most `limitBytes` and never kept (a small chunk is a
 * slice of an 8 KiB pool, which it would keep whole), so a run costs O(limit) however much it prints.
 */
import type { EngineEventName, EngineListener } from '../engine/events.js';

/** Bytes of a running run's latest output kept for a client that starts following it. */
export const LIVE_OUTPUT_BYTES = 64 * 1024;

/** The engine events this needs (a Scheduler). */
export interface LiveOutputSource {
  on<E extends EngineEventName>(event: E, listener: EngineListener<E>): () => void;
}

/** Gets each chunk during the call only: copy (or encode) it, never keep it. */
type ChunkListener = (chunk: Uint8Array) => void;

const MIN_RING_BYTES = 4096;

/** The last `capacity` bytes written: grown on demand (most runs print little), then a fixed ring. */
class TailRing {
  #bytes = new Uint8Array(0);
  /** Bytes held, at most capacity. */
  #length = 0;
  /** Where the next byte goes once the ring is full (and wraps). */
  #writeAt = 0;
  /** Bytes written and no longer held. */
  dropped = 0;

  constructor(readonly capacity: number) {}

  write(chunk: Uint8Array): void {
    const { capacity } = this;
    if (capacity === 0) {
      this.dropped += chunk.length;
      return;
    }
    if (this.#length + chunk.length <= capacity && this.#writeAt === this.#length) {
      // Not full yet, not wrapped: append, growing to at most capacity.
      this.#reserve(this.#length + chunk.length);
      this.#bytes.set(chunk, this.#length);
      this.#length += chunk.length;
      this.#writeAt = this.#length % capacity;
      return;
    }
    this.#reserve(capacity);
    const kept = chunk.length > capacity ? chunk.subarray(chunk.length - capacity) : chunk;
    this.dropped += chunk.length - kept.length + Math.max(0, this.#length + kept.length - capacity);
    const first = Math.min(kept.length, capacity - this.#writeAt);
    this.#bytes.set(kept.subarray(0, first), this.#writeAt);
    this.#bytes.set(kept.subarray(first), 0);
    this.#writeAt = (this.#writeAt + kept.length) % capacity;
    this.#length = Math.min(capacity, this.#length + kept.length);
  }

  /** A copy of the bytes held, oldest first. */
  read(): Buffer {
    const out = Buffer.allocUnsafe(this.#length);
    const start = (this.#writeAt - this.#length + this.capacity) % Math.max(1, this.capacity);
    const first = Math.min(this.#length, this.#bytes.length - start);
    out.set(this.#bytes.subarray(start, start + first));
    out.set(this.#bytes.subarray(0, this.#length - first), first);
    return out;
  }

  #reserve(needed: number): void {
    if (needed <= this.#bytes.length) return;
    const size = Math.min(this.capacity, Math.max(needed, this.#bytes.length * 2, MIN_RING_BYTES));
    const grown = new Uint8Array(size);
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
  }
}

interface LiveRun {
  readonly tail: TailRing;
  readonly listeners: Set<ChunkListener>;
}

export class LiveOutput {
  readonly #runs = new Map<number, LiveRun>();
  readonly #limitBytes: number;
  readonly #unsubscribe: (() => void)[];

  constructor(source: LiveOutputSource, limitBytes: number = LIVE_OUTPUT_BYTES) {
    this.#limitBytes = Math.max(0, Math.floor(limitBytes));
    this.#unsubscribe = [
      source.on('run-started', (run) => void this.#entry(run.id)),
      source.on('run-output', (run, chunk) => this.#append(run.id, chunk)),
      source.on('run-finished', (run) => void this.#runs.delete(run.id)),
    ];
  }

  /** Runs whose output is kept now. */
  get size(): number {
    return this.#runs.size;
  }

  /**
   * What a running run printed so far, as bytes: all of it, or its tail after a marker line when
   * the head was dropped (the tail then starts at a character, as a stored output's does: the rest
   * of one the cut split is counted as not shown). Empty for a run not known. A copy: keep it.
   */
  snapshot(runId: number): Buffer {
    const run = this.#runs.get(runId);
    if (run === undefined) return Buffer.alloc(0);
    const kept = run.tail.read();
    if (run.tail.dropped === 0) return kept;
    let start = 0;
    while (start < 3 && start < kept.length && ((kept[start] ?? 0) & 0xc0) === 0x80) start += 1;
    const marker = Buffer.from(`[taskkit: ${run.tail.dropped + start} earlier bytes not shown]\n`);
    return Buffer.concat([marker, kept.subarray(start)]);
  }

  /**
   * The snapshot, and from then on each chunk of the run to `onChunk` (synchronously, so none
   * falls between the two) until the returned function is called. The run's end is not
   * signalled here: wait for it with the engine's waitForRun.
   */
  follow(runId: number, onChunk: ChunkListener): { snapshot: Buffer; stop: () => void } {
    const snapshot = this.snapshot(runId);
    const run = this.#entry(runId);
    run.listeners.add(onChunk);
    return { snapshot, stop: () => run.listeners.delete(onChunk) };
  }

  /** Stop listening to the engine (the daemon stops). */
  close(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#runs.clear();
  }

  #entry(runId: number): LiveRun {
    let run = this.#runs.get(runId);
    if (run === undefined) {
      run = { tail: new TailRing(this.#limitBytes), listeners: new Set() };
      this.#runs.set(runId, run);
    }
    return run;
  }

  #append(runId: number, chunk: Uint8Array): void {
    const run = this.#entry(runId);
    run.tail.write(chunk);
    for (const listener of run.listeners) listener(chunk);
  }
}
