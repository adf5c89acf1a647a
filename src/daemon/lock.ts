/**
 * One daemon per socket, and one per state dir (DESIGN.md "Daemon and control socket"). The
 * socket is the lock users see: the control server's listen (control/server.ts) answers "already
 * running (pid N)" when a daemon answers on it, and removes a socket file nobody listens on only
 * after a failed connect proves it dead. What the socket cannot guard, two daemons given different
 * sockets but the same state dir (every task run twice, one run id written by both), is guarded by
 * an exclusive lock on `<state-dir>/taskkit.lock` held for the daemon's whole life (issue 15.7),
 * not by the pid file: a cleaner or a user can delete that, and then nothing stopped a second daemon.
 * The pid file stays, to say which process holds the lock.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import Sqlite, { type Database } from 'better-sqlite3';
import { TaskkitError } from '../errors.js';
import { isTaskkitProcess } from './process-alive.js';

/** Held while the daemon runs; `release` lets the next daemon take the state dir. */
export interface StateDirLock {
  readonly path: string;
  release(): void;
}

/** How long a start waits for the lock before it says the state dir is in use. */
const LOCK_WAIT_MS = 1_000;

/**
 * Node has no flock. SQLite's exclusive lock is a POSIX record lock (fcntl) on the file: exclusive
 * across processes (and across connections within one, which SQLite tracks itself), honoured over
 * NFS by its lock manager, and released by the kernel when the holder dies, kill -9 included, so a
 * crash never leaves a stale lock. A dedicated empty database, not taskkit.db: that one stays open
 * to the CLI's readers. The transaction never writes, so the file stays empty.
 */
export function acquireStateDirLock(path: string, pidFile: string): StateDirLock {
  let db: Database | null = null;
  try {
    // Created here with the owner-only mode: SQLite would create it 0644.
    closeSync(openSync(path, 'a', 0o600));
    // A daemon killed a moment ago may still be exiting (its other threads hold its files): wait a little.
    db = new Sqlite(path, { timeout: LOCK_WAIT_MS });
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db?.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') {
      const holder = readPidFile(pidFile);
      const who = holder !== null && isTaskkitProcess(holder) ? ` (pid ${holder})` : '';
      throw new TaskkitError(
        'SOCKET_IN_USE',
        `already running${who}: another taskkit daemon holds ${path}, the lock of this state dir; ` +
          `stop it first, or set settings.state-dir to another folder`,
      );
    }
    throw new TaskkitError(
      'STORE_UNAVAILABLE',
      `cannot take the state dir's lock ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const held = db;
  return {
    path,
    release: () => {
      if (held.open) held.close();
    },
  };
}

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
      throw new TaskkitError(
        'SOCKET_IN_USE',
        `already running (pid ${holder}): its pid file ${path} is in the same state dir`,
      );
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
