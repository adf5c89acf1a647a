/**
 * One daemon per socket, and one per state dir (DESIGN.md "Daemon and control socket"). The
 * socket is the lock users see: the control server's listen (control/server.ts) answers "already
 * running (pid N)" when a daemon answers on it, and removes a socket file nobody listens on only
 * after a failed connect proves it dead. The pid file in the state dir guards what the socket cannot:
 * two daemons given different sockets but the same state dir (log, database) would corrupt both.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { TaskkitError } from '../errors.js';
import { isTaskkitProcess } from './process-alive.js';

/** Held while the daemon runs; `release` removes the pid file if it is still ours. */
export interface PidFileLock {
  readonly path: string;
  readonly pid: number;
  release(): void;
}

/** Mode of the pid file: readable by all, as /run/*.pid files are; only the owner may write. */
const PID_FILE_MODE = 0o644;

/**
 * Write `pid` into `path` with an exclusive create. An existing file naming a live taskkit
 * process refuses the start; one naming a dead (or non-taskkit) process is stale and replaced.
 */
export function acquirePidFile(path: string, pid: number = process.pid): PidFileLock {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${pid}\n`, { flag: 'wx', mode: PID_FILE_MODE });
      return { path, pid, release: () => releasePidFile(path, pid) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readPidFile(path);
    if (holder !== null && holder !== pid && isTaskkitProcess(holder)) {
      throw new TaskkitError('SOCKET_IN_USE', `already running (pid ${holder}): its pid file ${path} is in the same state dir`);
    }
    // Stale (a crash or kill -9 left it): remove it and try the exclusive create once more, so
    // that of two daemons starting at once only one wins.
    try {
      unlinkSync(path);
    } catch {
      // another starter removed it first
    }
  }
  throw new TaskkitError('SOCKET_IN_USE', `another taskkit is starting with the same state dir (pid file ${path})`);
}

/** The pid a pid file names, or null when it is missing or not a number. */
export function readPidFile(path: string): number | null {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

function releasePidFile(path: string, pid: number): void {
  // Only our own: after a forced takeover the file may name another daemon by now.
  if (readPidFile(path) !== pid) return;
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
