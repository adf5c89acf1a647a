/**
 * One run of a shell (`run:`) or argv (`command:`) task (DESIGN.md "Runs"): its own process group,
 * stdin ignored, stdout and stderr interleaved into one bounded buffer, timeout and stop through
 * lifecycle.ts and kill-tree.ts. A task that fails, or cannot even start, is a RunOutcome, never a
 * throw. taskkit spawns with node:child_process itself (CONTRIBUTING.md "Dependencies" says why).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { TaskAction } from '../config/types.js';
import type { Clock } from '../engine/clock.js';
import { buildRunEnvironment } from './environment.js';
import { killGroupIfAlive, signalProcessGroup, watchGroup, type GroupWatch } from './kill-tree.js';
import { createNotStartedHandle, defaultRunClock, startLifecycle, stoppedStatus } from './lifecycle.js';
import { describeStartFault, type StartFault } from './outcome.js';
import { createOutputBuffer } from './output-buffer.js';
import type { OutputListener, OutputStream, RunHandle, RunOutcome, RunRequest } from './types.js';

/**
 * How long output still in the pipes is read after the leader exits. Background children
 * (`sleep 300 &`) inherit the pipes and may hold them open for ever; like cron, taskkit leaves
 * them running but does not wait for them.
 */
export const DRAIN_AFTER_EXIT_MS = 100;

/** Start one run of a shell or argv task; never throws, and `done` never rejects. */
export function startProcessRun(
  request: RunRequest,
  onOutput?: OutputListener,
  clock: Clock = defaultRunClock(),
): RunHandle {
  const { task } = request;
  const command = pickCommand(task.action);
  if (command === null)
    return createNotStartedHandle(clock.now(), `task "${task.name}" runs a ${task.action.kind}, not a process`);
  const cwdFault = checkWorkingDirectory(task.cwd);
  if (cwdFault !== null) return createNotStartedHandle(clock.now(), describeStartFault(cwdFault));

  let child: ChildProcess;
  try {
    child = spawn(command.file, command.args, {
      cwd: task.cwd,
      env: buildRunEnvironment(request),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    return createNotStartedHandle(clock.now(), describeStartFault(classifySpawnError(error, command.file, task.cwd)));
  }
  const pid = child.pid ?? null;
  const output = createOutputBuffer(request.outputLimitBytes);
  // Without a pid the spawn failed (ENOENT, EACCES, EMFILE...): its 'error' comes next, and the
  // pipes may not even exist (EMFILE stops Node before it makes them: undefined, not null).
  const named: [Readable | null | undefined, OutputStream][] = [
    [child.stdout, 'stdout'],
    [child.stderr, 'stderr'],
  ];
  const streams: Readable[] = [];
  for (const [stream, name] of named) {
    if (stream === null || stream === undefined) continue;
    streams.push(stream);
    captureStream(stream, name, output.write.bind(output), onOutput);
  }
  let leaderExited = false;
  let groupWatch: GroupWatch | null = null;
  let resolveDone: (outcome: RunOutcome) => void = () => undefined;
  const done = new Promise<RunOutcome>((resolvePromise) => (resolveDone = resolvePromise));
  let escalated: () => void = () => undefined;
  const escalation = new Promise<void>((resolveEscalation) => (escalated = resolveEscalation));

  const life = startLifecycle(
    { clock, timeoutMs: pid === null ? null : task.timeoutMs, killAfterMs: task.killAfterMs },
    {
      deliver: () => {
        if (pid === null) return;
        if (signalProcessGroup(pid, 'SIGTERM')) life.recordSignal('SIGTERM');
        groupWatch = watchGroup(pid);
      },
      escalate: () => {
        if (pid !== null && killGroupIfAlive(pid)) life.recordSignal('SIGKILL');
        escalated();
      },
    },
  );

  const finish = (fields: Pick<RunOutcome, 'status' | 'exitCode' | 'signal' | 'error'>): void => {
    if (life.ended) return;
    const { endedAt, stop } = life.end();
    groupWatch?.dispose();
    resolveDone({
      ...fields,
      startedAt: life.startedAt,
      endedAt,
      output: output.bytes(),
      outputTruncated: output.truncated,
      outputBytes: output.totalBytes,
      stop,
    });
  };

  child.once('exit', (exitCode: number | null, signal: NodeJS.Signals | null) => {
    leaderExited = true;
    life.disarmTimeout();
    // A run that ends by itself leaves its background children alone (as cron does); a stopped
    // run ends only when its whole group is gone (or SIGKILLed), so nothing outlives a stop.
    const watch: GroupWatch | null = groupWatch;
    const groupGone = watch === null ? Promise.resolve() : Promise.race([watch.gone, escalation]);
    void Promise.all([groupGone, drainStreams(streams, DRAIN_AFTER_EXIT_MS)]).then(() => {
      const cause = life.stopCause;
      const status = cause === null ? (exitCode === 0 ? 'succeeded' : 'failed') : stoppedStatus(cause);
      finish({ status, exitCode, signal, error: null });
    });
  });
  // Without a pid the spawn itself failed; a later 'error' could only come from child.kill(),
  // which taskkit never calls, but a listener must exist: an unheard 'error' ends the daemon.
  child.on('error', (error: Error) => {
    if (pid !== null || leaderExited) return;
    for (const stream of streams) stream.destroy();
    finish({
      status: 'failed',
      exitCode: null,
      signal: null,
      error: describeStartFault(classifySpawnError(error, command.file, task.cwd)),
    });
  });

  return {
    pid,
    done,
    cancel: (reason) => {
      if (pid !== null && !leaderExited) life.stop(reason);
    },
  };
}

function pickCommand(action: TaskAction): { file: string; args: string[] } | null {
  if (action.kind === 'shell') return { file: action.shell, args: ['-c', action.script] };
  if (action.kind === 'argv') return { file: action.argv[0], args: action.argv.slice(1) };
  return null;
}

/** Checked before spawning: Node reports a missing cwd as ENOENT of the command, which misleads. */
function checkWorkingDirectory(cwd: string): StartFault | null {
  try {
    if (!statSync(cwd).isDirectory()) return { kind: 'cwd-not-directory', cwd };
    accessSync(cwd, constants.X_OK);
    return null;
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'cwd-missing', cwd };
    if (code === 'EACCES' || code === 'EPERM') return { kind: 'cwd-permission', cwd };
    return { kind: 'cwd-other', cwd, detail: describeError(error) };
  }
}

function classifySpawnError(error: unknown, file: string, cwd: string): StartFault {
  const code = errnoOf(error);
  if (code === 'EMFILE' || code === 'ENFILE') return { kind: 'fd-limit' };
  if (code === 'EACCES') return { kind: 'permission', file };
  if (code === 'ENOENT') {
    // A script that exists but whose #! interpreter does not is reported by the kernel as ENOENT too.
    if (file.includes('/') && existsSync(resolve(cwd, file))) return { kind: 'no-interpreter', file };
    return { kind: 'not-found', file };
  }
  return { kind: 'other', file, detail: describeError(error) };
}

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
function captureStream(
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
function drainStreams(streams: readonly Readable[], limitMs: number): Promise<void> {
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

function errnoOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
