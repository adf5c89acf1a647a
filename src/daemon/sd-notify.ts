/**
 * Readiness for systemd's `Type=notify` (the unit `taskkit service install` writes): when systemd
 * started the daemon it sets NOTIFY_SOCKET, and the unit's start job ends only when the daemon says
 * READY=1, which it does once its control socket accepts and its tasks are scheduled. So
 * `systemctl start` returns when `taskkit status` would answer, never before.
 *
 * Node has no unix datagram sockets, so the message goes through `systemd-notify` (a child of the
 * daemon: the unit has NotifyAccess=all; systemd-notify waits until systemd has read it, so its
 * early exit cannot lose it). `--pid` names the daemon as the main process.
 */
import { spawn } from 'node:child_process';
import type { Logger } from './log.js';

const NOTIFY_SOCKET_ENV = 'NOTIFY_SOCKET';

/** What the daemon tells systemd. */
export interface ServiceNotifier {
  /** Started: the control socket answers. */
  ready(status: string): void;
  /** A graceful stop began (runs get their shutdown grace). */
  stopping(): void;
}

const SILENT: ServiceNotifier = { ready: () => {}, stopping: () => {} };

/**
 * The notifier for this process: silent unless systemd set NOTIFY_SOCKET. The variable is taken
 * out of `env` (the daemon's process environment): runs inherit it, and with NotifyAccess=all a
 * run's own sd_notify (a daemon a task starts) would otherwise be read as taskkit's.
 */
export function takeServiceNotifier(env: NodeJS.ProcessEnv, pid: number, log: Logger): ServiceNotifier {
  const socket = env[NOTIFY_SOCKET_ENV];
  delete env[NOTIFY_SOCKET_ENV];
  if (socket === undefined || socket === '') return SILENT;
  const send = (args: readonly string[]): void => {
    const child = spawn('systemd-notify', [`--pid=${pid}`, ...args], {
      env: { ...env, [NOTIFY_SOCKET_ENV]: socket },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', (error: NodeJS.ErrnoException) =>
      log('warn', `cannot tell systemd (${args.join(' ')}): systemd-notify: ${error.code ?? error.message}`),
    );
    child.once('exit', (code) => {
      if (code !== 0 && code !== null)
        log('warn', `systemd-notify ${args.join(' ')} failed (exit ${code}): ${stderr.trim()}`);
    });
  };
  return {
    ready: (status) => send(['--ready', `--status=${status}`]),
    stopping: () => send(['STOPPING=1', '--status=stopping: running runs get their shutdown grace']),
  };
}
