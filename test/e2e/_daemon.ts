/**
 * Shared by the e2e daemon tests and the fault suites: a temp dir with a tasks file (`daemonTasks`
 * gives the usual settings), `taskkit` run as a subprocess in it, a detached start that says why it
 * failed, the daemon's log, and cleanup that kills by pid every daemon (read from its pid file or
 * its `start` output) and every process group a test task recorded, so that no test leaves
 * anything running.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnv, killAll, runTaskkit, type CliResult } from '../support/cli-process.js';
import { isAlive, waitUntil } from '../support/process-state.js';

export interface DaemonDir {
  readonly dir: string;
  readonly stateDir: string;
  readonly socket: string;
  readonly pidFile: string;
  /** Write tasks.yaml (lines joined with newlines). */
  writeTasks(lines: readonly string[]): string;
  /** Run `taskkit ARGS` in the dir, with the clean test environment. */
  taskkit(args: readonly string[], options?: { env?: Record<string, string>; timeoutMs?: number }): Promise<CliResult>;
  /** The pid in the state dir's pid file, or null. */
  readPid(): number | null;
  /** Record a pid to kill in cleanup (a daemon, or a task's process group leader). */
  track(pid: number): void;
}

const pids = new Set<number>();
const dirs: string[] = [];

/** A fresh dir; socket paths stay short (the limit is 107 bytes). */
export function makeDaemonDir(): DaemonDir {
  const dir = mkdtempSync(join(tmpdir(), 'tk-e2e-'));
  dirs.push(dir);
  const stateDir = join(dir, 'state');
  const pidFile = join(stateDir, 'taskkit.pid');
  const readPid = (): number | null => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : null);
  return {
    dir,
    stateDir,
    socket: join(stateDir, 'taskkit.sock'),
    pidFile,
    writeTasks(lines) {
      const path = join(dir, 'tasks.yaml');
      writeFileSync(path, `${lines.join('\n')}\n`);
      return path;
    },
    async taskkit(args, options = {}) {
      const result = await runTaskkit(args, {
        cwd: dir,
        env: cliEnv(options.env ?? {}),
        timeoutMs: options.timeoutMs ?? 20_000,
      });
      const started = /taskkit started \(pid (\d+),/.exec(result.stdout);
      if (started?.[1] !== undefined) pids.add(Number(started[1]));
      const pid = readPid();
      if (pid !== null && Number.isInteger(pid)) pids.add(pid);
      return result;
    },
    readPid,
    track: (pid) => pids.add(pid),
  };
}

/**
 * A tasks file's lines: the settings most daemon tests share (the state dir beside the file, UTC,
 * a short shutdown grace), then `settings` (more keys, indented as settings), then `tasks`.
 */
export function daemonTasks(tasks: readonly string[], settings: readonly string[] = []): string[] {
  return [
    'settings:',
    '  state-dir: ./state',
    '  timezone: UTC',
    '  shutdown-grace: 2s',
    ...settings,
    'tasks:',
    ...tasks,
  ];
}

/**
 * `taskkit start` (detached, as a user does); the daemon's pid, or a throw with what start printed.
 * `env`: more variables for start (and so the daemon) on top of the clean test environment.
 */
export async function startDetached(d: DaemonDir, env: Record<string, string> = {}): Promise<number> {
  const started = await d.taskkit(['start'], { env, timeoutMs: 20_000 });
  const pid = d.readPid();
  if (started.code !== 0 || pid === null || !isAlive(pid)) {
    throw new Error(`taskkit start failed (exit ${started.code}):\n${started.stdout}${started.stderr}`);
  }
  return pid;
}

/** The detached daemon's log so far (the state dir's taskkit.log); empty before it exists. */
export function readDaemonLog(d: Pick<DaemonDir, 'stateDir'>): string {
  try {
    return readFileSync(join(d.stateDir, 'taskkit.log'), 'utf8');
  } catch {
    return '';
  }
}

/** afterEach: SIGKILL every recorded daemon and task process group still alive, then remove the dirs. */
export async function cleanUpDaemons(): Promise<void> {
  killAll();
  for (const pid of pids) {
    for (const target of [pid, -pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // gone already (or not a group leader)
      }
    }
  }
  for (const pid of pids) await waitUntil(() => !isAlive(pid), 5_000, `pid ${pid} to be gone`);
  pids.clear();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Lines of a file that may not exist yet (0 when missing). */
export function countLines(path: string): number {
  if (!existsSync(path)) return 0;
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '').length;
}

/** A pause in real time: only for time that must pass with no daemon (a downtime), never to wait for something. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Ask `probe` again until it returns a value. Each call is meant to be a real CLI run, so no timer
 * is needed between; a probe that answers at once (a file read: use waitUntil) would spin the
 * worker's event loop, so each round still yields to it.
 */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
