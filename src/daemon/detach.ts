/**
 * `taskkit start` without --foreground: start the daemon as a child in its own session, its
 * stdio going to the log file, and return only once it is ready (socket accepting) or has
 * failed, with its reason. The child reports on an extra pipe (fd 3): one JSON line,
 * `{"ok":true,"pid","socket"}` or `{"ok":false,"code","message"}`, so the parent never guesses
 * from a log or by polling the socket.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync, fstatSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { TaskkitError, type ErrorCode } from '../errors.js';

/** Environment variable that tells a daemon child which fd to report readiness on. */
export const READY_FD_ENV = 'TASKKIT_READY_FD';

/** How long `start` waits for the daemon to report before giving up (loading 10,000 tasks takes ~1 s). */
const START_TIMEOUT_MS = 30_000;

/** Log lines quoted when the daemon dies before it could report. */
const LOG_TAIL_LINES = 20;

const LOG_FILE_MODE = 0o600;

const LAUNCHER = fileURLToPath(new URL('../../bin/taskkit', import.meta.url));

/**
 * Node flags of the daemon process. A long-lived scheduler allocates in short bursts (a spawn, a
 * run's output); with V8's default 16 MB semi-space its young generation grows to ~50 MB it then
 * keeps. 2 MB held RSS with 10,000 tasks and 10 spawns/s at 93 MB instead of 124 MB, with the
 * same lateness and CPU (bench/scenarios/daemon-lateness.js). V8 reads it only at start-up, so it
 * cannot be set from code; `start --foreground` runs in whatever node runs the CLI.
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

export type StartupReport =
  | { readonly ok: true; readonly pid: number; readonly socket: string }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

export interface DetachedStart {
  readonly pid: number;
  readonly socket: string;
}

export interface DetachOptions {
  /** `start --foreground` arguments for the child (absolute --config and --socket). */
  readonly args: readonly string[];
  readonly logFile: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Spawn `node bin/taskkit start --foreground <args>` detached, logging to `logFile`; resolve
 * once it reports ready; reject with its own error (or why it died, with the log's last lines).
 */
export async function startDetached(options: DetachOptions): Promise<DetachedStart> {
  // Owner only: the log holds task output, which may hold secrets.
  const log = openSync(options.logFile, 'a', LOG_FILE_MODE);
  const logStart = fstatSync(log).size;
  let child;
  try {
    child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, LAUNCHER, 'start', '--foreground', ...options.args], {
      // The daemon(3) habit: do not pin the caller's directory (every path it uses is absolute).
      cwd: '/',
      env: { ...options.env, [READY_FD_ENV]: '3' },
      detached: true, // setsid(): no controlling terminal, so a Ctrl-C or hang-up there never reaches it
      stdio: ['ignore', log, log, 'pipe'],
    });
  } finally {
    closeSync(log);
  }
  const pid = child.pid;
  if (pid === undefined) throw new TaskkitError('INTERNAL', 'could not start the daemon process');
  const channel = child.stdio[3] as NodeJS.ReadableStream & { destroy(): void };
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal === null ? `exit status ${code ?? '?'}` : `signal ${signal}`)),
  );
  const firstLine = await new Promise<string | null>((resolve) => {
    const lines = createInterface({ input: channel });
    const timer = setTimeout(() => resolve(null), START_TIMEOUT_MS);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    lines.once('close', () => {
      clearTimeout(timer);
      resolve('');
    });
  });
  channel.destroy();
  if (firstLine === null) {
    // A daemon that never became ready must not linger half-started: stop it, then say so.
    child.kill('SIGTERM');
    child.unref();
    throw new TaskkitError(
      'INTERNAL',
      `the daemon (pid ${pid}) did not become ready within ${START_TIMEOUT_MS / 1000}s and was stopped; ` +
        `see ${options.logFile}`,
    );
  }
  if (firstLine === '') {
    const how = await exited;
    throw new TaskkitError(
      'INTERNAL',
      `the daemon exited during start-up (${how})${describeLogTail(options.logFile, logStart)}`,
    );
  }
  child.unref();
  const report = parseStartupReport(firstLine);
  if (report.ok) return { pid: report.pid, socket: report.socket };
  throw new TaskkitError(report.code, report.message);
}

function parseStartupReport(line: string): StartupReport {
  try {
    const report = JSON.parse(line) as StartupReport;
    if (typeof report === 'object' && report !== null && typeof report.ok === 'boolean') return report;
  } catch {
    // fall through
  }
  return { ok: false, code: 'INTERNAL', message: `unexpected start-up report from the daemon: ${line}` };
}

/** What the daemon wrote to its log since `offset`, last lines only, as a message suffix. */
function describeLogTail(logFile: string, offset: number): string {
  try {
    const fd = openSync(logFile, 'r');
    try {
      const size = fstatSync(fd).size;
      const length = Math.min(size - offset, 64 * 1024);
      if (length <= 0) return `; nothing in ${logFile}`;
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      const lines = buffer.toString('utf8').trimEnd().split('\n').slice(-LOG_TAIL_LINES);
      return `; the end of ${logFile}:\n${lines.join('\n')}`;
    } finally {
      closeSync(fd);
    }
  } catch {
    return `; see ${logFile}`;
  }
}

/** In the daemon child: tell the waiting parent how start-up went (no-op in a plain foreground run). */
export function reportStartup(env: NodeJS.ProcessEnv, report: StartupReport): void {
  const fd = Number(env[READY_FD_ENV]);
  // Runs inherit the daemon's environment: they must not see (or write to) the parent's pipe.
  delete env[READY_FD_ENV];
  if (!Number.isInteger(fd) || fd < 3) return;
  try {
    // Synchronous on purpose: the child may exit right after an error report.
    writeSync(fd, `${JSON.stringify(report)}\n`);
    closeSync(fd);
  } catch {
    // The parent is gone (it timed out or was interrupted): nothing to report to.
  }
}
