/**
 * Starting a resource suite's daemon in the foreground with its log captured by the test, for
 * faults that take the state dir's disk away (the log file would share the fault; under systemd
 * the log is the journal's, elsewhere). A detached start (`startDetached`, its log the state dir's
 * taskkit.log, `readDaemonLog`) is e2e/_daemon.ts's, shared with the e2e tests.
 */
import type { ChildProcess } from 'node:child_process';
import type { DaemonDir } from '../../e2e/_daemon.js';
import { cliEnv, spawnTaskkit, waitForOutput } from '../../support/cli-process.js';
import { isAlive, waitUntil } from '../../support/process-state.js';

export interface ForegroundDaemon {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything it logged so far (stderr). */
  log(): string;
  /** SIGTERM (graceful stop) and wait for the process to end. */
  stop(timeoutMs?: number): Promise<void>;
}

/** `taskkit start --foreground` in `d`, ready once it logs that it runs its tasks. */
export async function startForeground(d: DaemonDir): Promise<ForegroundDaemon> {
  const child = spawnTaskkit(['start', '--foreground'], { cwd: d.dir, env: cliEnv() });
  const pid = child.pid;
  if (pid === undefined) throw new Error('taskkit start --foreground did not start');
  d.track(pid);
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  await waitForOutput(child, /running \d+ task\(s\)/, 15_000);
  return {
    pid,
    child,
    log: () => log,
    async stop(timeoutMs = 15_000) {
      if (isAlive(pid)) process.kill(pid, 'SIGTERM');
      await waitUntil(() => !isAlive(pid), timeoutMs, `daemon ${pid} to stop`);
    },
  };
}

/** Resolve once `read()` matches `pattern` (a log growing in the background), or throw after `timeoutMs`. */
export async function waitForLog(read: () => string, pattern: RegExp, timeoutMs: number): Promise<void> {
  await waitUntil(() => pattern.test(read()), timeoutMs, `the log to show ${pattern}`);
}
