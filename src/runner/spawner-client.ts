/**
 * The daemon's side of its spawner process (spawner-main.ts): fork it (early in start-up, while the
 * daemon is small), send it each run, hand each run's events to its sink, and restart it if it
 * dies. Runs in flight when it dies are told (`lost`): spawned-run.ts ends them honestly. The
 * spawner neither keeps the daemon alive when idle nor outlives it (it exits when the channel closes).
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { snapshotEnvironment } from './environment.js';
import type { StartFault } from './outcome.js';
import { FrameReader } from './spawn-frames.js';
import type { SpawnerEvent, SpawnerMessage, SpawnRequest } from './spawn-protocol.js';
import { SendBacklog } from './send-backlog.js';
import { SPAWNER_PING_EVERY_MS, SPAWNER_SILENT_LIMIT_MS, SpawnerWatch } from './spawner-watch.js';
import type { OutputStream } from './types.js';

/** What one run hears from the spawner, in this order: pid or fault, output, exit, end (or lost). */
export interface SpawnSink {
  /** `endFollows`: the run's end came in the same read (a short run: spawner-main.ts holds the pid for its exit). */
  started(pid: number, endFollows: boolean): void;
  fault(fault: StartFault): void;
  /** A chunk of output, latin1 (spawn-protocol.ts). */
  output(text: string, stream: OutputStream): void;
  exit(exitCode: number | null, signal: string | null): void;
  /** The output kept (head and tail), latin1. */
  end(output: string, outputTruncated: boolean, outputBytes: number): void;
  /** The spawner died before this run's end; `why` words it ("taskkit-spawner (pid 12) was killed by SIGKILL"). */
  lost(why: string): void;
}

export type SpawnOrder = Omit<SpawnRequest, 'id'>;

export interface Spawner {
  /**
   * Send one run to the spawner (at once: its journal row is committed already, or with the others
   * of `together`); its events go to `sink`.
   */
  spawn(order: SpawnOrder, sink: SpawnSink): void;
  /**
   * The runs `work` spawns go out in one write (one IPC message) after `beforeWrite` (the journal's
   * commit) returns, so a kill of the daemon leaves the spawner with all of them or none. Nested calls
   * join the outer one (their `beforeWrite` runs at once after their work).
   */
  together(work: () => void, beforeWrite?: () => void): void;
  /** The spawner's pid, or null while none runs (between a death and the restart). */
  readonly pid: number | null;
  /** Give the daemon's logger (the spawner is forked before the daemon has one). */
  setLog(log: SpawnerLog): void;
  /** Close the channel: the spawner exits. Runs still in flight are told `lost`. */
  close(): void;
}

export type SpawnerLog = (level: 'info' | 'warn' | 'error', message: string) => void;

/**
 * The spawner's bundle (scripts/bundle.js: one CommonJS file, whose listener is in place before
 * its loop reads the channel), from src/runner/, dist/runner/ and dist/bin/ alike: all at depth 2.
 */
const SPAWNER_SCRIPT = new URL('../../dist/bin/spawner.cjs', import.meta.url);

/**
 * The spawner's heap stays small: a 1 MiB young generation (V8's default grows it to 16). After
 * 1,000 spawns of `true` it holds 18.8-20.7 MiB private (8 in flight) and 14.8-14.9 (one at a
 * time), against 21.1-22.7 and 18.4-19.1 with Node's defaults, its CPU per spawn the same (0.73-0.93
 * ms against 0.74-0.92, load 3); bench scenario 5, 4 rounds interleaved at load 3.4-5.9: runs/s
 * 476-559 against 265-497 (one at a time). `--single-threaded` saved 2-3 MiB more but scenario 5's
 * runs/s fell (median of 7 rounds 320 against 457); `--lite-mode` prints a warning. Idle the spawner
 * is a bare Node (6.9 MiB private): most of its ~42 MiB RSS is the node binary's pages, shared with
 * the daemon.
 */
const SPAWNER_NODE_FLAGS = ['--max-semi-space-size=1'];

/** A restart sooner than this after the last fork waits until then (a spawner that dies at once must not spin). */
const RESTART_PAUSE_MS = 1_000;

/** The pipe the spawner writes its events to (its stdout): a socket, which can be unref'd. */
function eventsOf(child: ChildProcess): Socket | null {
  return child.stdout as Socket | null;
}

export interface SpawnerOptions {
  readonly log?: SpawnerLog;
  /** How often a busy spawner is pinged, and how long its silence may last (spawner-watch.ts; tests shorten them). */
  readonly pingEveryMs?: number;
  readonly silentLimitMs?: number;
}

/**
 * `TASKKIT_TEST_SPAWNER_WATCH_SCALE` (tests only) multiplies the watch's periods: a daemon under
 * libfaketime at 720x (test/faults/clock-changes.test.ts) counts 10 s of silence in 14 ms of real
 * time, less than one fork takes on a loaded machine, and would kill a spawner that is only waiting
 * for a core. 1 when unset or unreadable.
 */
export function testWatchScale(env: NodeJS.ProcessEnv): number {
  const value = Number(env['TASKKIT_TEST_SPAWNER_WATCH_SCALE'] ?? '');
  return Number.isFinite(value) && value >= 1 ? value : 1;
}

/** Whether the run of the `at`-th event ends later in the same read. */
export function endsLater(read: readonly SpawnerEvent[], at: number): boolean {
  const { id } = read[at] as SpawnerEvent;
  for (let next = at + 1; next < read.length; next++) {
    const event = read[next] as SpawnerEvent;
    if (event.kind === 'end' && event.id === id) return true;
  }
  return false;
}

/** Fork the spawner now. */
export function startSpawner(options: SpawnerOptions = {}): Spawner {
  const scale = testWatchScale(process.env);
  if (scale === 1) return new SpawnerClient(options);
  return new SpawnerClient({
    ...options,
    pingEveryMs: (options.pingEveryMs ?? SPAWNER_PING_EVERY_MS) * scale,
    silentLimitMs: (options.silentLimitMs ?? SPAWNER_SILENT_LIMIT_MS) * scale,
  });
}

class SpawnerClient implements Spawner {
  readonly #script = fileURLToPath(SPAWNER_SCRIPT);
  readonly #sinks = new Map<number, SpawnSink>();
  readonly #options: SpawnerOptions;
  #log: SpawnerLog;
  #child: ChildProcess | null = null;
  #watch: SpawnerWatch | null = null;
  #forkedAt = 0;
  #nextId = 1;
  #closed = false;
  #restartTimer: NodeJS.Timeout | null = null;
  /** The requests of the `together` under way, or null: each goes out at once. */
  #held: SpawnRequest[] | null = null;
  /** The daemon's environment, read once at the first run (it changes only while the daemon starts). */
  #baseEnv: Record<string, string> | null = null;
  /** The spawner that has the base: a new one (a restart) is sent it with its first runs. */
  #baseSentTo: ChildProcess | null = null;
  /** Requests the kernel did not take at once: said in the log (the journal's guarantee waits on them). */
  readonly #backlog = new SendBacklog((message) => this.#log('warn', message));

  constructor(options: SpawnerOptions) {
    this.#options = options;
    this.#log = options.log ?? (() => undefined);
    this.#child = this.#fork();
  }

  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  setLog(log: SpawnerLog): void {
    this.#log = log;
  }

  spawn(order: SpawnOrder, sink: SpawnSink): void {
    if (this.#closed) return sink.lost('taskkit-spawner was closed (the daemon is stopping)');
    const child = this.#child ?? this.#restart();
    const id = this.#nextId++;
    this.#sinks.set(id, sink);
    // Only runs in flight keep the daemon's loop alive (through the events' pipe).
    if (this.#sinks.size === 1) eventsOf(child)?.ref();
    const request: SpawnRequest = { id, ...order };
    if (this.#held === null) this.#send(child, [request]);
    else this.#held.push(request);
    this.#watch?.wake();
  }

  together(work: () => void, beforeWrite?: () => void): void {
    if (this.#held !== null) {
      work();
      return beforeWrite?.();
    }
    const held: SpawnRequest[] = (this.#held = []);
    try {
      work();
    } finally {
      this.#held = null;
      beforeWrite?.();
      // Nothing of the daemon's between the commit and this write: its return, and the message's JSON.
      const child = this.#child;
      if (child !== null && held.length > 0) this.#send(child, held);
    }
  }

  /** One message, one write. A closed channel: the child's exit follows, and its runs are told `lost` there. */
  #send(child: ChildProcess, requests: readonly SpawnRequest[]): void {
    if (!child.connected) return;
    let message: SpawnerMessage = { kind: 'spawn', requests };
    if (this.#baseSentTo !== child) {
      this.#baseEnv ??= snapshotEnvironment(process.env);
      this.#baseSentTo = child;
      message = { ...message, baseEnv: this.#baseEnv };
    }
    this.#backlog.send(requests.length, (written) => child.send(message, written));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#restartTimer !== null) clearTimeout(this.#restartTimer);
    const child = this.#child;
    this.#child = null;
    this.#watch?.stop();
    if (child?.connected === true) child.disconnect();
    this.#loseAll('taskkit-spawner was closed (the daemon is stopping)');
  }

  #fork(): ChildProcess {
    this.#forkedAt = performance.now();
    const child = fork(this.#script, [], {
      execArgv: SPAWNER_NODE_FLAGS,
      // JSON: a request is written from its string; 'advanced' put each in a fresh off-heap buffer
      // that only a full collection frees (the daemon crept 21 MiB in test/faults/load.test.ts).
      serialization: 'json',
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    child.unref();
    child.channel?.unref();
    const watch = (this.#watch = this.#watchOver(child));
    const reader = new FrameReader();
    child.stdout?.setEncoding('latin1');
    child.stdout?.on('data', (piece: string) => {
      watch.heard();
      // A read's events are told once all are decoded: a pid learns whether its run's end came with it.
      const events: SpawnerEvent[] = [];
      let garbled: { readonly error: unknown } | null = null;
      try {
        reader.push(piece, (event) => void events.push(event));
      } catch (error) {
        garbled = { error };
      }
      events.forEach((event, at) => (event.kind === 'pong' ? watch.pong(event.id) : this.#receive(event, events, at)));
      if (garbled === null) return;
      // A garbled stream cannot be resynchronised: end this spawner (its runs are told lost) and start anew.
      const { error } = garbled;
      this.#log('error', `taskkit-spawner: ${error instanceof Error ? error.message : String(error)}`);
      child.kill('SIGKILL');
    });
    eventsOf(child)?.unref();
    // A failed fork (EAGAIN, EMFILE) or a send on a closed channel; a failed fork has no exit to come.
    child.on('error', (error: Error) => {
      if (child.pid === undefined) this.#died(child, `could not be started (${error.message})`);
    });
    // 'close': exited, and every event it wrote read (a run's end may be the last of them).
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) =>
      this.#died(child, signal === null ? `exited with code ${code}` : `was killed by ${signal}`),
    );
    return child;
  }

  /** Ping `child` while it owes anything; silent too long, it is frozen: kill it and end its runs as a death does. */
  #watchOver(child: ChildProcess): SpawnerWatch {
    const { pingEveryMs, silentLimitMs } = this.#options;
    return new SpawnerWatch({
      pingEveryMs,
      silentLimitMs,
      busy: () => this.#child === child && this.#sinks.size > 0,
      ping: (id) => {
        const ping: SpawnerMessage = { kind: 'ping', id };
        if (child.connected) child.send(ping);
      },
      frozen: (silentMs) => {
        if (this.#child !== child) return;
        child.kill('SIGKILL');
        // Not waiting for its exit: its runs are ended and a new spawner forked now.
        const seconds = (silentMs / 1000).toFixed(1);
        this.#died(child, `did not answer for ${seconds} s (stopped or hung) and was killed (SIGKILL)`);
      },
    });
  }

  /** `event`, the `at`-th of the events of one read. */
  #receive(event: Exclude<SpawnerEvent, { kind: 'pong' }>, read: readonly SpawnerEvent[], at: number): void {
    const sink = this.#sinks.get(event.id);
    if (sink === undefined) return;
    switch (event.kind) {
      case 'pid':
        return sink.started(event.pid, endsLater(read, at));
      case 'fault':
        this.#forget(event.id);
        return sink.fault(event.fault);
      case 'output':
        return sink.output(event.text, event.stream);
      case 'exit':
        return sink.exit(event.exitCode, event.signal);
      case 'end':
        this.#forget(event.id);
        return sink.end(event.output, event.outputTruncated, event.outputBytes);
    }
  }

  #forget(id: number): void {
    this.#sinks.delete(id);
    if (this.#sinks.size === 0 && this.#child !== null) eventsOf(this.#child)?.unref();
  }

  #died(child: ChildProcess, how: string): void {
    if (this.#child !== child) return;
    this.#child = null;
    this.#watch?.stop();
    this.#watch = null;
    const who = `taskkit-spawner${child.pid === undefined ? '' : ` (pid ${child.pid})`} ${how}`;
    const inFlight = this.#sinks.size;
    this.#log(
      'error',
      `${who}; ${inFlight === 0 ? 'no run was in flight' : `${inFlight} run(s) in flight are ended as interrupted`}; ` +
        'starting a new one',
    );
    this.#loseAll(who);
    const wait = Math.max(0, this.#forkedAt + RESTART_PAUSE_MS - performance.now());
    if (wait === 0) return void this.#restart();
    this.#restartTimer = setTimeout(() => {
      if (!this.#closed && this.#child === null) this.#restart();
    }, wait);
    this.#restartTimer.unref();
  }

  /** A new spawner after one died (at once, after the pause, or sooner when a run needs it). */
  #restart(): ChildProcess {
    if (this.#restartTimer !== null) clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
    const child = (this.#child = this.#fork());
    this.#log('info', `taskkit-spawner restarted (pid ${child.pid ?? 'unknown'})`);
    return child;
  }

  #loseAll(why: string): void {
    const sinks = [...this.#sinks.values()];
    this.#sinks.clear();
    for (const sink of sinks) sink.lost(why);
  }
}
