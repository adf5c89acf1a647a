/**
 * Run bin/taskkit as a real subprocess, the way a user types it, and collect what it printed.
 * Long-lived processes (start --foreground) are started with `spawnTaskkit` and must be killed
 * by pid in afterEach: `killAll()` does that for every process this module started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const TASKKIT_BIN = fileURLToPath(new URL('../../bin/taskkit', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

const started = new Set<ChildProcess>();

/** A clean environment: no colour, no inherited TASKKIT_* settings, UTC unless told otherwise. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    NO_COLOR: '1',
    TZ: 'UTC',
    ...extra,
  };
  return env;
}

/**
 * Start taskkit; the caller reads its streams and must stop it (or call killAll). `stdout`: a file
 * descriptor to write standard output to (`taskkit ... > file`) instead of a pipe.
 */
export function spawnTaskkit(
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; stdout?: number },
): ChildProcess {
  const child = spawn(process.execPath, [TASKKIT_BIN, ...args], {
    cwd: options.cwd,
    env: options.env ?? cliEnv(),
    stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

/** Run taskkit to completion (bounded by `timeoutMs`) and return its exit code and output. */
export async function runTaskkit(
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CliResult> {
  const child = spawnTaskkit(args, options);
  return await collect(child, options.timeoutMs ?? 15_000);
}

/** Wait for `child` to exit, killing it if it outlives `timeoutMs`. */
export function collect(child: ChildProcess, timeoutMs: number): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Resolve once `child`'s combined output matches `pattern`, or reject after `timeoutMs`. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer | string): void => {
      seen += String(chunk);
      if (pattern.test(seen)) {
        cleanup();
        resolve(seen);
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs}ms waiting for ${pattern}; output so far:\n${seen}`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}

/** Kill every taskkit process this module started that is still alive (afterEach). */
export function killAll(): void {
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  started.clear();
}
