/**
 * Which history database `history` and `logs` read (issue 13): the database of the daemon that
 * answers on the chosen socket (--socket, $TASKKIT_SOCKET, the tasks file's settings), so that a
 * user never sees another daemon's runs; only with no daemon there, the tasks file's state dir
 * (or the default one). Verbs say which in `--json` and, on a terminal, on stderr.
 */
import { join } from 'node:path';
import type { ControlClient } from '../control/client.js';
import { TaskkitError } from '../errors.js';
import { DATABASE_FILE_NAME } from '../store/sqlite/open.js';
import { connectDaemon } from './connect.js';
import type { GlobalOptions } from './context.js';
import { printError, type CliIo } from './io.js';

/** The `database` member of `history --json` and `logs --json`. */
export interface DatabaseSource {
  /** The database file; for `cluster`, the PostgreSQL target (a URL without password, or the PG* variables). */
  readonly path: string;
  /**
   * `daemon`: the one of the daemon answering on `socket`; `tasks-file`: its state dir (no daemon); `default`: the
   * default state dir (no daemon, no readable tasks file); `cluster`: the cluster's PostgreSQL (the tasks file's
   * settings.cluster; pid and socket of the daemon that answers, if one does).
   */
  readonly from: 'daemon' | 'tasks-file' | 'default' | 'cluster';
  /** The daemon's pid and socket when `from` is `daemon` (or `cluster` with a daemon answering), else null. */
  readonly pid: number | null;
  readonly socket: string | null;
  /** The cluster's name (its schema) when `from` is `cluster`; absent otherwise. */
  readonly cluster?: string;
}

/** The database of the daemon on the chosen socket, or null when none answers there. */
export async function findDaemonDatabase(io: CliIo, globals: GlobalOptions): Promise<DatabaseSource | null> {
  let client: ControlClient;
  try {
    client = await connectDaemon(io, globals);
  } catch (error) {
    if (error instanceof TaskkitError && error.code === 'DAEMON_UNREACHABLE') return null;
    throw error;
  }
  try {
    return await daemonDatabase(client);
  } finally {
    client.close();
  }
}

/** The database a connected daemon writes (its status names its state dir). */
export async function daemonDatabase(client: ControlClient): Promise<DatabaseSource> {
  const status = await client.request('status', {});
  // Held tasks' rows brought up to now and written before the database is read (issue 16.7).
  await client.request('sync-history', {}).catch(() => undefined);
  return { path: join(status.stateDir, DATABASE_FILE_NAME), from: 'daemon', pid: status.pid, socket: client.socket };
}

/** On a terminal (not with --json), one line on stderr saying which database was read; stdout stays the data. */
export function announceDatabase(io: CliIo, globals: GlobalOptions, source: DatabaseSource): void {
  if (globals.json === true || !io.isTTY) return;
  printError(io, `taskkit: runs from ${describeDatabase(source)}`);
}

/** "/srv/state/taskkit.db (the daemon's, pid 4242, socket /run/taskkit.sock)". */
export function describeDatabase(source: DatabaseSource): string {
  if (source.from === 'daemon') return `${source.path} (the daemon's, pid ${source.pid}, socket ${source.socket})`;
  if (source.from === 'tasks-file') return `${source.path} (no daemon answers; the tasks file's state dir)`;
  if (source.from === 'cluster') {
    const daemon = source.pid === null ? 'no daemon answers' : `the daemon, pid ${source.pid}, answers`;
    const cluster = `cluster "${source.cluster ?? ''}"`;
    return `PostgreSQL at ${source.path}, ${cluster} (the tasks file's settings.cluster; ${daemon})`;
  }
  return `${source.path} (no daemon answers; the default state dir)`;
}
