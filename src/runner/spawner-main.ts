/**
 * Entry of the daemon's spawner process (spawner-client.ts forks it early, while the daemon is
 * small): it spawns each run the daemon asks for exactly as process.ts would (own process group,
 * stdin ignored, stdout and stderr piped), keeps the run's output head and tail, and sends back the
 * pid (or the start fault), live output, the exit and the end. A fork of the big daemon costs its
 * main thread 5-11 ms per run (libuv forks, then waits for the exec); this process is small and
 * does that wait instead. It exits when the daemon's channel closes (the daemon stopped or died),
 * after spawning what it had already been sent: a run whose row the daemon committed is started.
 * Its runs, each in its own process group, live on as a dead daemon's did before.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { createOutputBuffer, type OutputBuffer } from './output-buffer.js';
import { captureStream, DRAIN_AFTER_EXIT_MS, drainStreams } from './pipes.js';
import { checkWorkingDirectory, classifySpawnError } from './spawn-command.js';
import { RELAY_BYTES_PER_SECOND, SPAWNER_TITLE, type SpawnerEvent, type SpawnRequest } from './spawn-protocol.js';
import type { OutputStream } from './types.js';

process.title = SPAWNER_TITLE;
// The daemon decides about stops: a Ctrl-C to `start -f`'s terminal group must not end the spawner
// under the daemon's grace, nor a hangup; it goes when the daemon's channel does.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGPIPE'] as const) process.on(signal, () => undefined);

let pending: SpawnerEvent[] = [];
/** The runs whose leader has not exited, with their pipes: let go when the daemon is gone. */
const running = new Map<ChildProcess, readonly Readable[]>();
let flushQueued = false;

/** Queue an event; all events of this turn go in one message, in order. */
function emit(event: SpawnerEvent): void {
  pending.push(event);
  if (flushQueued) return;
  flushQueued = true;
  setImmediate(flush);
}

function flush(): void {
  flushQueued = false;
  if (pending.length === 0) return;
  const batch = pending;
  pending = [];
  if (process.connected) process.send?.(batch);
}

/** Live relay budget (a token bucket): a flooding run's output is kept here, not pushed at the daemon. */
const relay = { tokens: RELAY_BYTES_PER_SECOND, at: performance.now() };

function mayRelay(bytes: number): boolean {
  const now = performance.now();
  relay.tokens = Math.min(RELAY_BYTES_PER_SECOND, relay.tokens + ((now - relay.at) / 1000) * RELAY_BYTES_PER_SECOND);
  relay.at = now;
  if (relay.tokens < bytes) return false;
  relay.tokens -= bytes;
  return true;
}

function start(request: SpawnRequest): void {
  const { id, file, cwd } = request;
  const cwdFault = checkWorkingDirectory(cwd);
  if (cwdFault !== null) return emit({ kind: 'fault', id, fault: cwdFault });
  let child: ChildProcess;
  try {
    child = spawn(file, [...request.args], {
      cwd,
      env: request.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    return emit({ kind: 'fault', id, fault: classifySpawnError(error, file, cwd) });
  }
  const pid = child.pid;
  // Without a pid the spawn failed (ENOENT, EACCES, EMFILE...): its 'error' comes next.
  if (pid === undefined) {
    child.stdout?.destroy();
    child.stderr?.destroy();
    child.once('error', (error: Error) => emit({ kind: 'fault', id, fault: classifySpawnError(error, file, cwd) }));
    return;
  }
  child.on('error', () => undefined);
  emit({ kind: 'pid', id, pid });
  const output = createOutputBuffer(request.outputLimitBytes);
  const streams = capture(id, child, output);
  running.set(child, streams);
  child.once('exit', (exitCode: number | null, signal: NodeJS.Signals | null) => {
    running.delete(child);
    emit({ kind: 'exit', id, exitCode, signal });
    // Background children may hold the pipes for ever: wait DRAIN_AFTER_EXIT_MS at most.
    void drainStreams(streams, DRAIN_AFTER_EXIT_MS).then(() =>
      emit({
        kind: 'end',
        id,
        output: output.bytes(),
        outputTruncated: output.truncated,
        outputBytes: output.totalBytes,
      }),
    );
  });
}

/** Read both pipes into `output`, relaying live what the budget allows (and how much it skipped). */
function capture(id: number, child: ChildProcess, output: OutputBuffer): Readable[] {
  let skipped = 0;
  const relayChunk = (chunk: Buffer, stream: OutputStream): void => {
    if (!mayRelay(chunk.length)) {
      skipped += chunk.length;
      return;
    }
    if (skipped > 0) emit({ kind: 'skipped', id, bytes: skipped });
    skipped = 0;
    // Serialized at the flush: only the chunk's own bytes cross, even when it is a slice of a pool.
    emit({ kind: 'output', id, stream, chunk });
  };
  const streams: Readable[] = [];
  for (const [stream, name] of [
    [child.stdout, 'stdout'],
    [child.stderr, 'stderr'],
  ] as const) {
    if (stream === null) continue;
    streams.push(stream);
    captureStream(stream, name, output.write.bind(output), relayChunk);
  }
  return streams;
}

process.on('message', (message: SpawnRequest) => {
  if (message.kind === 'spawn') start(message);
});
// Messages already received are handled before this (they come first on the channel, and this
// CommonJS bundle listens before its loop first reads): every run the daemon asked for is spawned.
// Then nothing is left to tell: the pipes close (as a dead daemon's did), the runs stay on their
// own, and with nothing holding its loop the spawner exits.
process.once('disconnect', () => {
  pending = [];
  for (const [child, streams] of running) {
    for (const stream of streams) stream.destroy();
    child.unref();
  }
});
