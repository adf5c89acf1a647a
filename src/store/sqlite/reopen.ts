/**
 * Put a database back at its path after it was deleted, truncated or replaced under the daemon
 * (issue 15 point 8; the documented choice of taskkit(1) STATE: keep the history and the runs).
 *
 * - deleted: the daemon's open connection still reads the whole database (the inode lives while
 *   it is open), so `VACUUM INTO` copies it, checked, to the path: nothing is lost;
 * - truncated: the same copy is tried (the pages may still be in SQLite's cache and the WAL); when
 *   it fails its check, a fresh database is created;
 * - replaced: the file now at the path is someone's choice (a restore from a backup): it is opened
 *   (and migrated) as it is.
 *
 * The old connection is closed before anything is opened at the path, and its `-wal` and `-shm`
 * removed: SQLite names them after the path, so a new database there would replay the old WAL's
 * pages onto itself (a deleted file's connection leaves them behind when it closes).
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import Sqlite, { type Database } from 'better-sqlite3';
import { DATABASE_FILE_MODE } from './private-files.js';
import { describeFileChange, type FileChange } from './file-identity.js';
import { openDatabase, type OpenOptions } from './open.js';

export interface Reopened {
  readonly db: Database;
  /** True when the history came over whole from the daemon's open copy. */
  readonly salvaged: boolean;
  /** Why the copy was not possible or not usable, when it was tried and failed. */
  readonly salvageError: string | null;
}

/** Close `old`, put a database at `path` as `change` calls for, and open it; throws as openDatabase does. */
export function reopenDatabase(
  old: Database | null,
  path: string,
  change: FileChange | 'unopened',
  options: OpenOptions = {},
): Reopened {
  const copy = old !== null && (change === 'deleted' || change === 'truncated') ? salvage(old, path) : null;
  try {
    old?.close();
  } catch {
    // Its file is gone or damaged: closing is all that is asked of it.
  }
  if (change !== 'unopened') for (const sidecar of [`${path}-wal`, `${path}-shm`]) rmSync(sidecar, { force: true });
  if (copy?.path !== undefined) renameSync(copy.path, path);
  else if (change === 'truncated') rmSync(path, { force: true });
  return {
    db: openDatabase(path, options),
    salvaged: copy?.path !== undefined,
    salvageError: copy?.error ?? null,
  };
}

/** Copy what `old` reads to a private file beside `path`, checked; the file's path, or why not. */
function salvage(old: Database, path: string): { path?: string; error?: string } {
  const target = `${path}.restore-${process.pid}`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    rmSync(target, { force: true });
    // 0600 before SQLite writes into it (VACUUM INTO takes an empty file): the history holds secrets.
    closeSync(openSync(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, DATABASE_FILE_MODE));
    old.prepare('VACUUM INTO ?').run(target);
    const copy = new Sqlite(target, { fileMustExist: true });
    try {
      const check = String(copy.pragma('quick_check(1)', { simple: true }));
      if (check !== 'ok') throw new Error(`the copy fails its integrity check: ${check}`);
    } finally {
      copy.close();
    }
    return { path: target };
  } catch (error) {
    rmSync(target, { force: true });
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** The log's error when the database file is no longer the one open. */
export function describeLostDatabase(change: FileChange, path: string): string {
  return (
    `history database ${describeFileChange(change, path)}: the daemon's writes no longer reached a database ` +
    'there, and a restart would have lost them; putting a database back at the path ' +
    '(to start a fresh history: taskkit stop, then remove the file, then taskkit start)'
  );
}

/** How the database was put back, in words. */
export function describeReopened(reopened: Reopened, change: FileChange | 'unopened'): string {
  if (reopened.salvaged) return "restored it whole from the daemon's open copy: no history lost";
  if (change === 'replaced') return 'using the new file as it is';
  const unsaved = reopened.salvageError === null ? '' : ` (the open copy could not be saved: ${reopened.salvageError})`;
  return `created a fresh one: the history before now is lost${unsaved}`;
}
