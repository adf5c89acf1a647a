/**
 * The messages between the daemon and its spawner process (spawner-main.ts, spawner-client.ts),
 * sent over Node's IPC channel with `serialization: 'advanced'` (Buffers cross as Buffers).
 * The daemon sends one `spawn` per run, as soon as the run's journal row is committed; the spawner
 * answers with events, several per message (a batch per turn of its loop), in order per run:
 * `pid` or `fault`, then `output`s, `exit` when the leader exits, and `end` once its pipes are
 * drained (at most DRAIN_AFTER_EXIT_MS after the exit).
 */
import type { StartFault } from './outcome.js';
import type { OutputStream } from './types.js';

/** Start one run: the command process.ts would spawn, in its own process group. */
export interface SpawnRequest {
  readonly kind: 'spawn';
  /** The client's number for the run (not the run id: a restarted daemon's ids may repeat). */
  readonly id: number;
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The whole environment (runner/environment.ts buildRunEnvironment, computed by the daemon). */
  readonly env: Readonly<Record<string, string>>;
  /** The run's output limit: the spawner keeps head and tail within it, as the daemon did. */
  readonly outputLimitBytes: number;
}

export type SpawnerEvent =
  | { readonly kind: 'pid'; readonly id: number; readonly pid: number }
  | { readonly kind: 'fault'; readonly id: number; readonly fault: StartFault }
  | { readonly kind: 'output'; readonly id: number; readonly stream: OutputStream; readonly chunk: Buffer }
  /** Output not relayed live (a flood faster than RELAY_BYTES_PER_SECOND); the stored output still has it. */
  | { readonly kind: 'skipped'; readonly id: number; readonly bytes: number }
  | { readonly kind: 'exit'; readonly id: number; readonly exitCode: number | null; readonly signal: string | null }
  | {
      readonly kind: 'end';
      readonly id: number;
      readonly output: Buffer;
      readonly outputTruncated: boolean;
      readonly outputBytes: number;
    };

/** One IPC message from the spawner: the events of one turn of its loop, in order. */
export type SpawnerBatch = readonly SpawnerEvent[];

/**
 * How many bytes a second of output the spawner relays live (for `logs --follow`, `run-now
 * --wait`), with a burst as large. Output beyond it is still kept (head and tail) and stored; only
 * its live copy is skipped, so a task flooding its pipe cannot flood the daemon's loop and heap.
 */
export const RELAY_BYTES_PER_SECOND = 4 * 1024 * 1024;

/** The process title `ps` shows for the spawner. */
export const SPAWNER_TITLE = 'taskkit-spawner';
