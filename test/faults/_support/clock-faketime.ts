/**
 * libfaketime for the clock-change fault suite (issue 8, item 2): find the preload library and
 * steer the REAL daemon's clock through a timestamp file. What this relies on was measured with
 * small node scripts first (libfaketime 0.9.10, Node 20.20):
 * - the library fakes CLOCK_REALTIME (Date.now) and CLOCK_MONOTONIC (uv_hrtime: libuv timers,
 *   performance.now) alike and divides epoll_wait timeouts by the speed-up, so Node's timers
 *   really run R times faster: a DST night passes in seconds, wall and monotonic in step;
 * - FAKETIME_TIMESTAMP_FILE with FAKETIME_NO_CACHE=1 is re-read at every clock call; writing
 *   "@T xR" there restarts both clocks at T, speed R, at the process's next clock call;
 * - with FAKETIME_DONT_FAKE_MONOTONIC=1 and a relative offset ("-14519722"), rewriting the offset
 *   steps the wall clock alone, as settimeofday, an NTP step or a resume from suspend does. That is
 *   the step the engine detects (wall vs monotonic); both clocks stepping together would look like
 *   a late timer instead, and no speed-up is possible then (the monotonic clock stays real);
 * - an exec'd process under the preload leaks its /dev/shm/faketime_* segments, so task processes
 *   run without it (`env: {LD_PRELOAD: ""}`): only the daemon's clock matters.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import type { DaemonDir } from '../../e2e/_daemon.js';
import { cliEnv, collect, spawnTaskkit, waitForOutput } from '../../support/cli-process.js';

/** Where Debian's `faketime` package (and a make install) put the thread-safe preload library. */
const LIBRARY_DIRS = [
  '/usr/lib/x86_64-linux-gnu/faketime',
  '/usr/lib/aarch64-linux-gnu/faketime',
  '/usr/lib/faketime',
  '/usr/local/lib/faketime',
];
const LIBRARY_NAME = 'libfaketimeMT.so.1';

/** The MT library (Node has threads), or null. */
export function findFaketimeLibrary(): string | null {
  for (const dir of LIBRARY_DIRS) if (existsSync(join(dir, LIBRARY_NAME))) return join(dir, LIBRARY_NAME);
  return null;
}

/** Null when libfaketime can fake Node's clock here; else why not (the skip message). */
export function checkFaketime(): string | null {
  const library = findFaketimeLibrary();
  if (library === null) {
    return (
      `libfaketime not found (${LIBRARY_NAME} in ${LIBRARY_DIRS.join(', ')}); ` +
      `install the Debian package "faketime" (.ci/run does)`
    );
  }
  const probe = spawnSync(process.execPath, ['-e', 'console.log(new Date().getUTCFullYear())'], {
    env: { PATH: process.env['PATH'], TZ: 'UTC', LD_PRELOAD: library, FAKETIME: '@2001-02-03 04:05:06' },
    encoding: 'utf8',
    timeout: 10_000,
  });
  const year = probe.stdout.trim();
  return year === '2001'
    ? null
    : `${library} did not fake node's clock (printed "${year}", stderr: ${probe.stderr.trim()})`;
}

export interface ClockFile {
  readonly path: string;
  /** Restart the faked clocks at `at` (UTC ms, whole seconds) running `rate` times real speed. */
  restartAt(at: number, rate?: number): void;
  /** Relative mode: wall = real + offset, so that now is `at` (to the second). */
  offsetTo(at: number): void;
  /** Relative mode: step the wall clock by `ms` (whole seconds). */
  step(ms: number): void;
  /** Relative mode: what the faked wall clock reads now (to the millisecond: real + offset). */
  now(): number;
}

/** The timestamp file the faked processes re-read, in `dir`. */
export function createClockFile(dir: string): ClockFile {
  const path = join(dir, 'faketime.rc');
  // The faked process re-reads the file at every clock call: replace it whole (rename is atomic),
  // or a read between truncate and write sees an empty file.
  const write = (text: string): void => {
    writeFileSync(`${path}.new`, text);
    renameSync(`${path}.new`, path);
  };
  let offsetSeconds = 0;
  const writeOffset = (): void => write(`${offsetSeconds >= 0 ? '+' : ''}${offsetSeconds}\n`);
  return {
    path,
    restartAt(at, rate = 1) {
      const stamp = new Date(at).toISOString().slice(0, 19).replace('T', ' ');
      write(`@${stamp}${rate === 1 ? '' : ` x${rate}`}\n`);
    },
    offsetTo(at) {
      offsetSeconds = Math.round((at - Date.now()) / 1000);
      writeOffset();
    },
    step(ms) {
      offsetSeconds += Math.round(ms / 1000);
      writeOffset();
    },
    now: () => Date.now() + offsetSeconds * 1000,
  };
}

/** What the daemon's environment adds: the preload and the file; `wall-only` leaves the monotonic clock real. */
export function faketimeEnv(clock: ClockFile, mode: 'both-clocks' | 'wall-only'): Record<string, string> {
  const library = findFaketimeLibrary();
  if (library === null) throw new Error('libfaketime is not installed');
  return {
    LD_PRELOAD: library,
    FAKETIME_TIMESTAMP_FILE: clock.path,
    FAKETIME_NO_CACHE: '1',
    ...(mode === 'wall-only' ? { FAKETIME_DONT_FAKE_MONOTONIC: '1' } : {}),
  };
}

export interface FakedDaemon {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The daemon's (faked) time when it logged that it runs its tasks. */
  readonly readyAt: number;
  /** Everything it logged so far. */
  log(): string;
}

/**
 * `taskkit start --foreground` as a child under the faketime `env` (only the daemon is faked, not the test's CLI
 * calls).
 */
export async function startFakedDaemon(
  d: DaemonDir,
  configPath: string,
  env: Record<string, string>,
): Promise<FakedDaemon> {
  const child = spawnTaskkit(['start', '--foreground', '-c', configPath], { cwd: d.dir, env: cliEnv(env) });
  if (child.pid === undefined) throw new Error('could not spawn the daemon');
  d.track(child.pid);
  let text = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  await waitForOutput(child, /running \d+ task\(s\)/, 15_000);
  return { child, pid: child.pid, readyAt: findLogTime(text, /running \d+ task\(s\)/), log: () => text };
}

/** SIGTERM, then the exit; returns the daemon's (faked) time when it began to stop. */
export async function stopFakedDaemon(daemon: FakedDaemon): Promise<number> {
  const exited = collect(daemon.child, 15_000);
  daemon.child.kill('SIGTERM');
  const result = await exited;
  if (result.code !== 0) throw new Error(`the daemon exited ${result.signal ?? result.code}:\n${daemon.log()}`);
  removeFaketimeSegments(daemon.pid);
  return findLogTime(daemon.log(), /SIGTERM: stopping/);
}

/**
 * Make the daemon read its clock now. A faked process notices a changed timestamp file at its
 * next clock call; an idle daemon makes one at its next capped wake (10 s of its old time), but
 * any event on its loop makes libuv read the monotonic clock: a connect is such an event.
 */
export function pokeDaemon(socket: string): Promise<void> {
  return new Promise((resolve) => {
    const connection = createConnection(socket);
    connection.once('connect', () => {
      connection.destroy();
      resolve();
    });
    connection.once('error', () => resolve());
  });
}

/** The timestamp of the first log line matching `pattern` (lines start with an ISO instant). */
export function findLogTime(log: string, pattern: RegExp): number {
  const line = log.split('\n').find((candidate) => pattern.test(candidate));
  const at = line === undefined ? Number.NaN : Date.parse(line.slice(0, line.indexOf(' ')));
  if (Number.isNaN(at)) throw new Error(`no log line matches ${pattern}:\n${log}`);
  return at;
}

/** The environment of a running process, from /proc. */
export function readEnviron(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8')
    .split('\0')
    .filter((entry) => entry.includes('='));
  return Object.fromEntries(
    entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
}

/** Poll a log file (every 50 ms) until a line matches `pattern`; returns the file's text. */
export async function waitForLogLine(path: string, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (pattern.test(text)) return text;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${pattern} in ${path}:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** libfaketime's shared-memory segments of a process we ran (a killed one cannot remove its own). */
export function removeFaketimeSegments(pid: number): void {
  if (!existsSync('/dev/shm')) return;
  const names = new Set([`faketime_shm_${pid}`, `sem.faketime_sem_${pid}`]);
  for (const name of readdirSync('/dev/shm')) if (names.has(name)) rmSync(join('/dev/shm', name), { force: true });
}
