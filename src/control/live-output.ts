/**
 * The output of running runs, kept in the daemon while they run, so that `logs --follow` shows
 * what a run printed before the client asked, then every chunk as it comes. The engine passes
 * chunks on without keeping them (a run's record gets its output only when it ends), and the
 * store writes a run's output once, at its end; so this is the only place a running run's output
 * so far exists. Bounded: the last `limitBytes` of each running run, freed when it ends.
 */
import type { EngineEventName, EngineListener } from '../engine/events.js';

/** Bytes of a running run's latest output kept for a client that starts following it. */
export const LIVE_OUTPUT_BYTES = 64 * 1024;

/** The engine events this needs (a Scheduler). */
export interface LiveOutputSource {
  on<E extends EngineEventName>(event: E, listener: EngineListener<E>): () => void;
}

type ChunkListener = (chunk: string) => void;

interface LiveRun {
  chunks: string[];
  bytes: number;
  /** Bytes no longer kept (the head of a long output). */
  dropped: number;
  readonly listeners: Set<ChunkListener>;
}

export class LiveOutput {
  readonly #runs = new Map<number, LiveRun>();
  readonly #limitBytes: number;
  readonly #unsubscribe: (() => void)[];

  constructor(source: LiveOutputSource, limitBytes: number = LIVE_OUTPUT_BYTES) {
    this.#limitBytes = limitBytes;
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

  /** What a running run printed so far (its tail, after a marker when the head was dropped); '' for a run not known. */
  snapshot(runId: number): string {
    const run = this.#runs.get(runId);
    if (run === undefined) return '';
    const kept = run.chunks.join('');
    // One string from now on: a snapshot per follower should not re-join thousands of chunks.
    run.chunks = kept === '' ? [] : [kept];
    return run.dropped > 0 ? `[taskkit: ${run.dropped} earlier bytes not shown]\n${kept}` : kept;
  }

  /**
   * The snapshot, and from then on each chunk of the run to `onChunk` (synchronously, so none
   * falls between the two) until the returned function is called. The run's end is not
   * signalled here: wait for it with the engine's waitForRun.
   */
  follow(runId: number, onChunk: ChunkListener): { snapshot: string; stop: () => void } {
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
      run = { chunks: [], bytes: 0, dropped: 0, listeners: new Set() };
      this.#runs.set(runId, run);
    }
    return run;
  }

  #append(runId: number, chunk: string): void {
    const run = this.#entry(runId);
    run.chunks.push(chunk);
    run.bytes += Buffer.byteLength(chunk);
    if (run.bytes > this.#limitBytes) this.#trim(run);
    for (const listener of run.listeners) listener(chunk);
  }

  /** Drop whole chunks from the front, then cut the first one, until the tail fits the limit. */
  #trim(run: LiveRun): void {
    while (run.bytes > this.#limitBytes && run.chunks.length > 0) {
      const first = run.chunks[0] as string;
      const firstBytes = Buffer.byteLength(first);
      if (run.bytes - firstBytes >= this.#limitBytes) {
        run.chunks.shift();
        run.bytes -= firstBytes;
        run.dropped += firstBytes;
        continue;
      }
      // Cut on a character boundary: decoding a cut byte buffer would invent a U+FFFD.
      const excess = run.bytes - this.#limitBytes;
      const bytes = Buffer.from(first);
      let cut = excess;
      while (cut < bytes.length && ((bytes[cut] as number) & 0xc0) === 0x80) cut++;
      run.chunks[0] = bytes.subarray(cut).toString('utf8');
      run.bytes -= cut;
      run.dropped += cut;
    }
  }
}
