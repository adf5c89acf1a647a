/**
 * One run of a shell (`run:`) or argv (`command:`) task through execa (DESIGN.md "Runs"): its own
 * process group, stdin ignored, stdout and stderr interleaved into one bounded buffer, timeout and
 * cancel through kill-tree.ts. A task that fails, or cannot even start, is a RunOutcome, never a throw.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { execa, type ResultPromise } from 'execa';
import type { TaskAction } from '../config/types.js';
import { formatDuration } from '../schedule/duration.js';
import { buildRunEnvironment } from './environment.js';
import { stopProcessGroup, type GroupStop } from './kill-tree.js';
import { createOutputBuffer } from './output-buffer.js';
import type { CancelReason, OutputListener, RunHandle, RunOutcome, RunRequest } from './types.js';

/**
 * How long output still in the pipes is read after the leader exits. Background children
 * (`sleep 300 &`) inherit the pipes and may hold them open for ever; like cron, taskkit leaves
 * them running but does not wait for them.
 */
export const DRAIN_AFTER_EXIT_MS = 100;

const CANCEL_WORDS: Readonly<Record<CancelReason, string>> = {
  cancel: 'cancelled by taskkit cancel',
  replace: 'replaced by a new run',
  shutdown: 'stopped by shutdown',
};

interface Stopping {
  readonly status: 'timed-out' | 'cancelled';
  readonly reason: string;
  readonly group: GroupStop;
}

/** Start one run of a shell or argv task; never throws, and `done` never rejects. */
export function startProcessRun(request: RunRequest, onOutput?: OutputListener): RunHandle {
  const startedAt = Date.now();
  const { task } = request;
  const command = pickCommand(task.action);
  if (command === null) return createNotStartedHandle(startedAt, `task "${task.name}" runs a ${task.action.kind}, not a process`);
  const cwdProblem = checkWorkingDirectory(task.cwd);
  if (cwdProblem !== null) return createNotStartedHandle(startedAt, cwdProblem);

  let subprocess: ResultPromise;
  try {
    subprocess = execa(command.file, command.args, {
      cwd: task.cwd,
      env: buildRunEnvironment(request),
      extendEnv: false,
      detached: true,
      stdin: 'ignore',
      // Our own bounded capture reads the streams; execa's buffering would be unbounded.
      buffer: false,
      reject: false,
      cleanup: false,
      forceKillAfterDelay: false,
    });
  } catch (error) {
    return createNotStartedHandle(startedAt, `cannot start ${command.file}: ${describeError(error)}`);
  }
  // Everything we need comes from events; the result promise (settled once the streams close) is
  // only a safety net should execa ever end a run without an 'exit' or spawn 'error' event.
  subprocess.then(
    (result) => settleWithoutExit(result.failed ? (result.shortMessage ?? 'unknown failure') : 'ended without an exit status'),
    (error: unknown) => settleWithoutExit(describeError(error)),
  );

  const pid = subprocess.pid ?? null;
  const output = createOutputBuffer(request.outputLimitBytes);
  const streams = [subprocess.stdout, subprocess.stderr].filter((stream): stream is Readable => stream !== null);
  const flushDecoders = streams.map((stream) => captureStream(stream, output.write.bind(output), onOutput));
  let leaderExited = false;
  let finished = false;
  let stopping: Stopping | null = null;
  let resolveDone: (outcome: RunOutcome) => void = () => undefined;
  const done = new Promise<RunOutcome>((resolvePromise) => (resolveDone = resolvePromise));

  const finish = (fields: Pick<RunOutcome, 'status' | 'exitCode' | 'signal' | 'error'>): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timeoutTimer);
    stopping?.group.dispose();
    for (const flush of flushDecoders) flush();
    const outcome: RunOutcome = {
      ...fields,
      startedAt,
      endedAt: Date.now(),
      output: output.text(),
      outputTruncated: output.truncated,
      outputBytes: output.totalBytes,
    };
    resolveDone(outcome);
  };

  const beginStop = (status: Stopping['status'], reason: string): void => {
    if (pid === null || leaderExited || finished || stopping !== null) return;
    const group = stopProcessGroup({ pid, killAfterMs: task.killAfterMs });
    stopping = { status, reason, group };
  };

  const timeoutMs = task.timeoutMs;
  const timeoutTimer =
    pid !== null && timeoutMs !== null ? setTimeout(() => beginStop('timed-out', `timed out after ${formatDuration(timeoutMs)}`), timeoutMs) : undefined;

  subprocess.once('exit', (exitCode: number | null, signal: NodeJS.Signals | null) => {
    leaderExited = true;
    clearTimeout(timeoutTimer);
    // A run that ends by itself leaves its background children alone (as cron does); a stopped
    // run ends only when its whole group is gone, so nothing outlives a timeout, cancel or shutdown.
    const groupGone = stopping === null ? Promise.resolve() : stopping.group.settled;
    void Promise.all([groupGone, drainStreams(streams, DRAIN_AFTER_EXIT_MS)]).then(() => {
      if (stopping === null) {
        finish({ status: exitCode === 0 ? 'succeeded' : 'failed', exitCode, signal, error: null });
        return;
      }
      const sent = stopping.group.describeSent();
      finish({ status: stopping.status, exitCode, signal, error: sent === '' ? stopping.reason : `${stopping.reason}; ${sent}` });
    });
  });
  const settleWithoutExit = (message: string): void => {
    if (leaderExited || finished) return;
    finish({ status: 'failed', exitCode: null, signal: null, error: `cannot start ${command.file}: ${message}` });
  };
  // Without a pid the spawn itself failed (ENOENT, EACCES...); later 'error's would come from kill(), which we never call.
  subprocess.on('error', (error: Error) => {
    if (pid !== null || leaderExited) return;
    for (const stream of streams) stream.destroy();
    finish({ status: 'failed', exitCode: null, signal: null, error: describeSpawnError(error, command.file, task.cwd) });
  });

  return {
    pid,
    done,
    cancel: (reason) => beginStop('cancelled', CANCEL_WORDS[reason]),
  };
}

function pickCommand(action: TaskAction): { file: string; args: string[] } | null {
  if (action.kind === 'shell') return { file: action.shell, args: ['-c', action.script] };
  if (action.kind === 'argv') return { file: action.argv[0], args: action.argv.slice(1) };
  return null;
}

/** Checked before spawning: Node reports a missing cwd as ENOENT of the command, which misleads. */
function checkWorkingDirectory(cwd: string): string | null {
  try {
    if (!statSync(cwd).isDirectory()) return `working directory is not a directory: ${cwd}`;
    accessSync(cwd, constants.X_OK);
    return null;
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return `working directory does not exist: ${cwd}`;
    if (code === 'EACCES' || code === 'EPERM') return `permission denied: working directory ${cwd}`;
    return `cannot use working directory ${cwd}: ${describeError(error)}`;
  }
}

function describeSpawnError(error: Error, file: string, cwd: string): string {
  const code = errnoOf(error);
  if (code === 'EACCES') return `permission denied: ${file}`;
  if (code === 'ENOENT') {
    // A script that exists but whose #! interpreter does not is reported by the kernel as ENOENT too.
    if (file.includes('/') && existsSync(resolve(cwd, file))) return `cannot start ${file}: its interpreter (#! line) was not found`;
    return `command not found: ${file}`;
  }
  return `cannot start ${file}: ${describeError(error)}`;
}

/** Feed a stream into the buffer and the listener; returns the flush for a character cut at the very end. */
function captureStream(stream: Readable, write: (chunk: Uint8Array) => void, onOutput: OutputListener | undefined): () => void {
  // One decoder per stream: a character split across two chunks of stdout is not split for the listener.
  const decoder = new StringDecoder('utf8');
  const emit = (text: string): void => {
    if (onOutput === undefined || text === '') return;
    try {
      onOutput(text);
    } catch {
      // A broken listener (a client gone from `logs --follow`) must not end or fail the run.
    }
  };
  stream.on('data', (chunk: Buffer) => {
    write(chunk);
    emit(decoder.write(chunk));
  });
  // Destroying the pipes after the drain may surface as an error here; it is expected.
  stream.on('error', () => undefined);
  return () => emit(decoder.end());
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

function createNotStartedHandle(startedAt: number, error: string): RunHandle {
  const outcome: RunOutcome = {
    status: 'failed',
    exitCode: null,
    signal: null,
    startedAt,
    endedAt: Date.now(),
    output: '',
    outputTruncated: false,
    outputBytes: 0,
    error,
  };
  return { pid: null, done: Promise.resolve(outcome), cancel: () => undefined };
}

function errnoOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
