/**
 * What the daemon and its spawner process say to each other (spawner-main.ts, spawner-client.ts).
 * The daemon sends the runs of one engine turn in one `spawn` message on Node's IPC channel, right
 * after their journal rows are committed (one request a message when started on their own). The
 * spawner answers on its stdout, a plain pipe, in frames (spawn-frames.ts), in order per run: `pid`
 * or `fault`, then `output`s, `exit` when the leader exits, and `end` once its pipes are drained
 * (at most DRAIN_AFTER_EXIT_MS after the exit); the pid is held up to PID_HOLD_MS (spawner-main.ts) so
 * that a short run's pid, exit and end go in one write. Not on the IPC channel: its reader copies every
 * message into a fresh off-heap buffer, and a 200 MiB flood grew the daemon twice as much as a pipe
 * read as latin1 text (test/faults/resources-flood.test.ts).
 * While it owes the daemon anything, the daemon also sends a `ping` every few seconds, answered by a
 * `pong` with its number: a spawner that stays silent too long is frozen (spawner-watch.ts).
 */
import type { StartFault } from './outcome.js';
import type { OutputStream } from './types.js';

/** Start one run: the command process.ts would spawn, in its own process group. */
export interface SpawnRequest {
  /** The client's number for the run (not the run id: a restarted daemon's ids may repeat). */
  readonly id: number;
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /**
   * What the run adds to the daemon's environment (environment.ts runEnvironmentOverlay): the
   * spawner defines it over the base the daemon sent (mergeEnvironment), as buildRunEnvironment would.
   */
  readonly env: Readonly<Record<string, string>>;
  /** The run's output limit: the spawner keeps head and tail within it, as the daemon did. */
  readonly outputLimitBytes: number;
  /**
   * Tell the pid as soon as the run is spawned, not held for its exit (spawner-main.ts PID_HOLD_MS):
   * someone waits for it (`run-now` answers with it), so a manual run's pid is never 10 ms late.
   */
  readonly pidAtOnce?: true;
}

/** Are you there? The spawner answers with a `pong` of the same number, after what it was sent before. */
export interface PingRequest {
  readonly kind: 'ping';
  readonly id: number;
}

/**
 * Runs to start, in one message (a turn's: spawner-client.ts `together`), with, in the first to
 * each spawner, the daemon's environment: the base of every run's.
 */
export interface SpawnBatch {
  readonly kind: 'spawn';
  readonly baseEnv?: Readonly<Record<string, string>>;
  readonly requests: readonly SpawnRequest[];
}

/** What the daemon sends its spawner. */
export type SpawnerMessage = SpawnBatch | PingRequest;

/**
 * What the spawner tells, in order per run (a `pong`'s id is its ping's number, not a run's).
 * Chunks of output and the kept output are latin1 text (one character per byte, lossless): strings
 * land on the daemon's heap, whose scavenges then free the pipe's read buffers as fast as they come
 * (pipes.ts says why a flood read as Buffers grew the daemon).
 */
export type SpawnerEvent =
  | { readonly kind: 'pong'; readonly id: number }
  | { readonly kind: 'pid'; readonly id: number; readonly pid: number }
  | { readonly kind: 'fault'; readonly id: number; readonly fault: StartFault }
  | { readonly kind: 'output'; readonly id: number; readonly stream: OutputStream; readonly text: string }
  | { readonly kind: 'exit'; readonly id: number; readonly exitCode: number | null; readonly signal: string | null }
  | {
      readonly kind: 'end';
      readonly id: number;
      readonly output: string;
      readonly outputTruncated: boolean;
      readonly outputBytes: number;
    };

/**
 * Output written to the daemon and not yet taken by the pipe, in bytes, above which the spawner
 * stops reading the runs' pipes until it drains: a flooding task then waits on its pipe, as it did
 * when the daemon read it, and every byte still goes live (`logs --follow > file` gets them all).
 */
export const RELAY_HIGH_WATER_BYTES = 1024 * 1024;

/** The process title `ps` shows for the spawner. */
export const SPAWNER_TITLE = 'taskkit-spawner';
