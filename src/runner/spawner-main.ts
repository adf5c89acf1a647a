/**
 * Entry of the daemon's spawner process (spawner-client.ts forks it early, while the daemon is
 * small): it spawns each run the daemon asks for exactly as process.ts would (own process group,
 * stdin ignored, stdout and stderr piped), keeps the run's output head and tail, and sends back the
 * pid (or the start fault; the pid held up to PID_HOLD_MS, to go with a short run's exit), every
 * chunk of output (the runs' pipes wait while the daemon is behind), the exit and the end, on its
 * stdout (spawn-frames.ts). A fork of the big daemon costs its
 * main thread 5-11 ms per run (libuv forks, then waits for the exec); this process is small and
 * does that wait instead. It exits when the daemon's channel closes (the daemon stopped or died),
 * after spawning what it had already been sent: a run whose row the daemon committed is started.
 * Its runs, each in its own process group, live on as a dead daemon's did before.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { mergeEnvironment } from './environment.js';
import { createOutputBuffer, type OutputBuffer } from './output-buffer.js';
import { DRAIN_AFTER_EXIT_MS, drainStreams } from './pipes.js';
import { classifyStartFailure } from './spawn-command.js';
import { encodeEvent } from './spawn-frames.js';
import {
  RELAY_HIGH_WATER_BYTES,
  SPAWNER_TITLE,
  type SpawnerEvent,
  type SpawnerMessage,
  type SpawnRequest,
} from './spawn-protocol.js';
import type { OutputStream } from './types.js';

process.title = SPAWNER_TITLE;
// The daemon decides about stops: a Ctrl-C to `start -f`'s terminal group must not end the spawner
// under the daemon's grace, nor a hangup; it goes when the daemon's channel does.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGPIPE'] as const) process.on(signal, () => undefined);

/** The daemon reads the events here: fd 1, a pipe (async: a slow daemon must not stall the spawns). */
const out = new Socket({ fd: 1, readable: false, writable: true });
out.on('error', () => undefined);
/** The runs whose leader has not exited, with their pipes: let go when the daemon is gone. */
const running = new Map<ChildProcess, readonly Readable[]>();
/** Pipes not read while the daemon is behind. */
const paused = new Set<Readable>();
let corked = false;
/**
 * How long a run's pid waits to go out with its first output or its exit (issue 20, bench scenario
 * 5): a run that ends sooner (`true` ends 0.5-2 ms after its spawn) tells pid, exit and end in one
 * write, so the daemon wakes once for it, not twice, and writes its start and its end in one
 * transaction, not two. A longer run tells its pid this much later: a stop asked meanwhile is
 * delivered when it comes (spawned-run.ts). A manual run's pid is not held (SpawnRequest.pidAtOnce):
 * `run-now` answers with it. At 2 ms, runs of `true` on a loaded machine often outlasted the hold.
 */
const PID_HOLD_MS = 10;
/** The daemon's environment, under every run's own variables (sent with the first runs). */
let baseEnv: Readonly<Record<string, string>> = {};

/** Write an event; the writes of one turn of the loop go out together. */
function emit(event: SpawnerEvent): void {
  if (!corked) {
    corked = true;
    out.cork();
    setImmediate(() => {
      corked = false;
      out.uncork();
    });
  }
  out.write(encodeEvent(event), 'latin1');
}

out.on('drain', () => {
  for (const stream of paused) stream.resume();
  paused.clear();
});

/** Relay a chunk; while the daemon is behind, stop reading this pipe until the events drain. */
function relay(id: number, stream: Readable, name: OutputStream, text: string): void {
  emit({ kind: 'output', id, stream: name, text });
  if (out.writableLength <= RELAY_HIGH_WATER_BYTES) return;
  stream.pause();
  paused.add(stream);
}

function start(request: SpawnRequest): void {
  const { id, file, cwd } = request;
  let child: ChildProcess;
  try {
    child = spawn(file, [...request.args], {
      cwd,
      env: mergeEnvironment(baseEnv, request.env),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    return emit({ kind: 'fault', id, fault: classifyStartFailure(error, file, cwd) });
  }
  const pid = child.pid;
  // Without a pid the spawn failed (ENOENT, EACCES, EMFILE...): its 'error' comes next.
  if (pid === undefined) {
    child.stdout?.destroy();
    child.stderr?.destroy();
    child.once('error', (error: Error) => emit({ kind: 'fault', id, fault: classifyStartFailure(error, file, cwd) }));
    return;
  }
  child.on('error', () => undefined);
  // Told first, before any output or the exit: the daemon's order per run.
  const tellPid = (): void => {
    if (pidHeld === null) return;
    clearTimeout(pidHeld);
    pidHeld = null;
    emit({ kind: 'pid', id, pid });
  };
  let pidHeld: NodeJS.Timeout | null = setTimeout(tellPid, PID_HOLD_MS);
  pidHeld.unref();
  if (request.pidAtOnce === true) tellPid();
  const output = createOutputBuffer(request.outputLimitBytes);
  const streams = capture(id, child, output, tellPid);
  running.set(child, streams);
  child.once('exit', (exitCode: number | null, signal: NodeJS.Signals | null) => {
    running.delete(child);
    tellPid();
    // What is left in the pipes is read now, backlog or not: the drain waits DRAIN_AFTER_EXIT_MS at most.
    for (const stream of streams) if (paused.delete(stream)) stream.resume();
    emit({ kind: 'exit', id, exitCode, signal });
    // Background children may hold the pipes for ever: wait DRAIN_AFTER_EXIT_MS at most.
    void drainStreams(streams, DRAIN_AFTER_EXIT_MS).then(() =>
      emit({
        kind: 'end',
        id,
        output: output.bytes().toString('latin1'),
        outputTruncated: output.truncated,
        outputBytes: output.totalBytes,
      }),
    );
  });
}

/**
 * Read both pipes into `output` (as bytes) and relay every chunk (as latin1 text: each byte one
 * character, the daemon turns it back into the same bytes).
 */
function capture(id: number, child: ChildProcess, output: OutputBuffer, tellPid: () => void): Readable[] {
  const streams: Readable[] = [];
  for (const [stream, name] of [
    [child.stdout, 'stdout'],
    [child.stderr, 'stderr'],
  ] as const) {
    if (stream === null) continue;
    streams.push(stream);
    stream.setEncoding('latin1');
    stream.on('data', (text: string) => {
      tellPid();
      output.write(Buffer.from(text, 'latin1'));
      if (text.length > 0) relay(id, stream, name, text);
    });
    // Destroying the pipes after the drain may surface as an error here; it is expected.
    stream.on('error', () => undefined);
  }
  return streams;
}

process.on('message', (message: SpawnerMessage) => {
  if (message.kind === 'spawn') {
    if (message.baseEnv !== undefined) baseEnv = message.baseEnv;
    message.requests.forEach(start);
  }
  // After every request sent before it: a pong says those were spawned too (a pid may still be held).
  else if (message.kind === 'ping') emit({ kind: 'pong', id: message.id });
});
// Messages already received are handled before this (they come first on the channel, and this
// CommonJS bundle listens before its loop first reads): every run the daemon asked for is spawned.
// Then nothing is left to tell: the pipes close (as a dead daemon's did), the runs stay on their
// own, and with nothing holding its loop the spawner exits.
process.once('disconnect', () => {
  out.destroy();
  paused.clear();
  for (const [child, streams] of running) {
    for (const stream of streams) stream.destroy();
    child.unref();
  }
});
