/**
 * Is the spawner process still answering? A spawner that is alive but frozen (kill -STOP, a hung
 * kernel call) has no exit for spawner-client.ts to see: runs asked of it would never start and runs
 * in flight would never end. While the spawner owes the daemon anything (a run asked or in flight),
 * the watch pings it every `pingEveryMs`; when nothing at all has come from it for `silentLimitMs`
 * since the oldest ping it has not answered, it is frozen: the client kills and replaces it.
 * Silence is counted from the last byte heard, so a spawner busy with a backlog (still sending pids
 * and output) is never taken for a frozen one; and the verdict is given only after the daemon's loop
 * has read what is waiting in the pipe, so a daemon that was itself stalled does not blame its spawner.
 */

/** Every this often, while runs are asked or in flight, the daemon pings its spawner. */
export const SPAWNER_PING_EVERY_MS = 2_500;

/**
 * Silent this long with a ping unanswered: frozen. It answers in milliseconds, and in seconds on a
 * machine loaded far past its cores; 10 s is long enough never to kill a slow one (which ends its
 * runs as interrupted) and short enough that a run asked of a frozen one starts within ~13 s.
 */
export const SPAWNER_SILENT_LIMIT_MS = 10_000;

export interface SpawnerWatchOptions {
  readonly pingEveryMs?: number;
  readonly silentLimitMs?: number;
  /** Send ping number `id` (the client writes it to the channel). */
  readonly ping: (id: number) => void;
  /** True while the spawner owes anything: the watch stops when this is false and no ping is out. */
  readonly busy: () => boolean;
  /** Nothing heard for `silentMs` with a ping out. Called once; the watch is stopped. */
  readonly frozen: (silentMs: number) => void;
}

export class SpawnerWatch {
  readonly #pingEveryMs: number;
  readonly #silentLimitMs: number;
  readonly #options: SpawnerWatchOptions;
  #timer: NodeJS.Timeout | null = null;
  #lastHeard = performance.now();
  /** When the oldest unanswered ping went out (null: none out), and its number. */
  #pingSentAt: number | null = null;
  #pingId = 0;
  #stopped = false;

  constructor(options: SpawnerWatchOptions) {
    this.#options = options;
    this.#pingEveryMs = options.pingEveryMs ?? SPAWNER_PING_EVERY_MS;
    this.#silentLimitMs = options.silentLimitMs ?? SPAWNER_SILENT_LIMIT_MS;
  }

  /** Something came from the spawner (any frame counts as a sign of life). */
  heard(): void {
    this.#lastHeard = performance.now();
  }

  /** A pong came: its ping (and every request sent before it) has been dealt with. */
  pong(id: number): void {
    if (id === this.#pingId) this.#pingSentAt = null;
  }

  /** The spawner owes something now (a run was asked of it): watch, if not watching already. */
  wake(): void {
    if (this.#timer !== null || this.#stopped) return;
    this.#timer = setInterval(() => this.#tick(), this.#pingEveryMs);
    // The watch never keeps the daemon alive by itself.
    this.#timer.unref();
    if (this.#pingSentAt === null) this.#ping();
  }

  /** For good (the spawner died or was closed). */
  stop(): void {
    this.#stopped = true;
    this.#sleep();
  }

  #sleep(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  #tick(): void {
    if (this.#pingSentAt === null) {
      if (!this.#options.busy()) return this.#sleep();
      return this.#ping();
    }
    if (this.#silence() < this.#silentLimitMs) return;
    // Timers run before the loop polls: let it read what the pipe holds first (the daemon may
    // have been the one stalled).
    setImmediate(() => {
      const silent = this.#silence();
      if (this.#stopped || this.#pingSentAt === null || silent < this.#silentLimitMs) return;
      this.stop();
      this.#options.frozen(silent);
    });
  }

  #ping(): void {
    this.#pingSentAt = performance.now();
    this.#options.ping(++this.#pingId);
  }

  #silence(): number {
    return performance.now() - Math.max(this.#lastHeard, this.#pingSentAt ?? 0);
  }
}
