/**
 * `taskkit start` without --foreground: start the daemon as a child in its own session, its
 * stdio going to the log file, and return only once it is ready (socket accepting) or has
 * failed, with its reason. The child reports on an extra pipe (fd 3): one JSON line,
 * `{"ok":true}` or `{"ok":false,"code","message"}`, so the parent never guesses from a log.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { TaskkitError, type ErrorCode } from '../errors.js';

/** Environment variable that tells a daemon child which fd to report readiness on. */
export const READY_FD_ENV = 'TASKKIT_READY_FD';

/** How long `start` waits for the daemon to report before giving up. */
const START_TIMEOUT_MS = 30_000;

export interface DetachedStart {
  readonly pid: number;
}

/**
 * Spawn `node <script> start --foreground <args>` detached, logging to `logFile`; resolve with its
 * pid once it says `ready`; reject with its own error message (or why it died) otherwise.
 */
export async function startDetached(script: string, args: readonly string[], options: { logFile: string; env: NodeJS.ProcessEnv; cwd: string }): Promise<DetachedStart> {
  const log = openSync(options.logFile, 'a', 0o600);
  let child;
  try {
    child = spawn(process.execPath, [script, 'start', '--foreground', ...args], {
      cwd: options.cwd,
      env: { ...options.env, [READY_FD_ENV]: '3' },
      detached: true, // its own session and process group: a Ctrl-C in this terminal does not reach it
      stdio: ['ignore', log, log, 'pipe'],
    });
  } finally {
    closeSync(log);
  }
  const pid = child.pid;
  if (pid === undefined) throw new TaskkitError('INTERNAL', 'could not start the daemon process');
  const channel = child.stdio[3] as NodeJS.ReadableStream & { destroy(): void };
  const firstLine = await new Promise<string | null>((resolve) => {
    const lines = createInterface({ input: channel });
    const timer = setTimeout(() => resolve(null), START_TIMEOUT_MS);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    lines.once('close', () => {
      clearTimeout(timer);
      resolve(JSON.stringify({ ok: false, code: 'INTERNAL', message: `the daemon exited during start-up; see ${options.logFile}` }));
    });
  });
  child.unref();
  channel.destroy();
  if (firstLine === null) {
    throw new TaskkitError('INTERNAL', `the daemon (pid ${pid}) did not become ready within ${START_TIMEOUT_MS / 1000}s; see ${options.logFile}`);
  }
  const report = parseStartupReport(firstLine);
  if (report.ok) return { pid };
  throw new TaskkitError(report.code, report.message);
}

type StartupReport = { ok: true } | { ok: false; code: ErrorCode; message: string };

function parseStartupReport(line: string): StartupReport {
  try {
    return JSON.parse(line) as StartupReport;
  } catch {
    return { ok: false, code: 'INTERNAL', message: `unexpected start-up report from the daemon: ${line}` };
  }
}

/** In the daemon child: tell the waiting parent how start-up went (no-op in a plain foreground run). */
export function reportStartup(env: Readonly<Record<string, string | undefined>>, report: StartupReport): void {
  const fd = Number(env[READY_FD_ENV]);
  if (!Number.isInteger(fd) || fd < 3) return;
  try {
    // Synchronous on purpose: the child may exit right after an error report.
    writeSync(fd, `${JSON.stringify(report)}\n`);
    closeSync(fd);
  } catch {
    // The parent is gone (it timed out or was interrupted): nothing to report to.
  }
}
