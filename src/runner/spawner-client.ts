/**
 * The daemon's side of its spawner process (spawner-main.ts): fork it (early in start-up, while the
 * daemon is small), send it each run, hand each run's events to its sink, and restart it if it
 * dies. Runs in flight when it dies are told (`lost`): spawned-run.ts ends them honestly. The
 * spawner neither keeps the daemon alive when idle nor outlives it (it exits when the channel closes).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StartFault } from './outcome.js';
import type { SpawnerBatch, SpawnRequest } from './spawn-protocol.js';
import type { OutputStream } from './types.js';

/** What one run hears from the spawner, in this order: pid or fault, output, exit, end (or lost). */
export interface SpawnSink {
  started(pid: number): void;
  fault(fault: StartFault): void;
  output(chunk: Buffer, stream: OutputStream): void;
  /** Bytes the spawner kept but did not relay live (a flood). */
  skipped(bytes: number): void;
  exit(exitCode: number | null, signal: string | null): void;
  end(output: Buffer, outputTruncated: boolean, outputBytes: number): void;
  /** The spawner died before this run's end; `why` words it ("taskkit-spawner (pid 12) was killed by SIGKILL"). */
  lost(why: string): void;
}

export type SpawnOrder = Omit<SpawnRequest, 'kind' | 'id'>;

export interface Spawner {
  /** Send one run to the spawner (at once: its journal row is committed already); its events go to `sink`. */
  spawn(order: SpawnOrder, sink: SpawnSink): void;
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

/** A restart sooner than this after the last fork waits until then (a spawner that dies at once must not spin). */
const RESTART_PAUSE_MS = 1_000;

/** Fork the spawner now. */
export function startSpawner(options: { log?: SpawnerLog } = {}): Spawner {
  return new SpawnerClient(options.log ?? (() => undefined));
}

class SpawnerClient implements Spawner {
  readonly #script = fileURLToPath(SPAWNER_SCRIPT);
  readonly #sinks = new Map<number, SpawnSink>();
  #log: SpawnerLog;
  #child: ChildProcess | null = null;
  #forkedAt = 0;
  #nextId = 1;
  #closed = false;
  #restartTimer: NodeJS.Timeout | null = null;

  constructor(log: SpawnerLog) {
    this.#log = log;
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
    // Only runs in flight keep the daemon's loop alive through the channel.
    if (this.#sinks.size === 1) child.channel?.ref();
    const request: SpawnRequest = { kind: 'spawn', id, ...order };
    // A closed channel: the child's exit follows, and the run is told `lost` there.
    if (child.connected) child.send(request);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#restartTimer !== null) clearTimeout(this.#restartTimer);
    const child = this.#child;
    this.#child = null;
    if (child?.connected === true) child.disconnect();
    this.#loseAll('taskkit-spawner was closed (the daemon is stopping)');
  }

  #fork(): ChildProcess {
    this.#forkedAt = performance.now();
    const child = fork(this.#script, [], {
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.unref();
    child.channel?.unref();
    child.on('message', (batch: SpawnerBatch) => this.#receive(batch));
    // A failed fork (EAGAIN, EMFILE) or a send on a closed channel; a failed fork has no exit to come.
    child.on('error', (error: Error) => {
      if (child.pid === undefined) this.#died(child, `could not be started (${error.message})`);
    });
    child.once('exit', (code: number | null, signal: NodeJS.Signals | null) =>
      this.#died(child, signal === null ? `exited with code ${code}` : `was killed by ${signal}`),
    );
    return child;
  }

  #receive(batch: SpawnerBatch): void {
    for (const event of batch) {
      const sink = this.#sinks.get(event.id);
      if (sink === undefined) continue;
      switch (event.kind) {
        case 'pid':
          sink.started(event.pid);
          break;
        case 'fault':
          this.#forget(event.id);
          sink.fault(event.fault);
          break;
        case 'output':
          sink.output(event.chunk, event.stream);
          break;
        case 'skipped':
          sink.skipped(event.bytes);
          break;
        case 'exit':
          sink.exit(event.exitCode, event.signal);
          break;
        case 'end':
          this.#forget(event.id);
          sink.end(event.output, event.outputTruncated, event.outputBytes);
          break;
      }
    }
  }

  #forget(id: number): void {
    this.#sinks.delete(id);
    if (this.#sinks.size === 0) this.#child?.channel?.unref();
  }

  #died(child: ChildProcess, how: string): void {
    if (this.#child !== child) return;
    this.#child = null;
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
