/**
 * Open `<state-dir>/taskkit.db` (DESIGN.md "State and history"): WAL, so the offline CLI reads
 * while the daemon writes; a read-only mode for that CLI; and every way the file can be unusable
 * turned into a TaskkitError that names the file and what to do, instead of a crash loop.
 */
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Sqlite, { type Database } from 'better-sqlite3';
import { TaskkitError } from '../../errors.js';
import { checkSchemaVersion, migrate, type Migration, MIGRATIONS } from './migrations.js';
import { describeOpenStateDir, makeDatabaseFilesPrivate } from './private-files.js';

/** The database's file name in the state dir. */
export const DATABASE_FILE_NAME = 'taskkit.db';

/**
 * How long a statement waits for another connection's lock while the database is opened (and
 * migrated), and in the read-only CLI. The daemon is the only writer (one daemon per state dir),
 * so waits are rare and short.
 */
export const BUSY_TIMEOUT_MS = 2_000;

/**
 * The same wait for the writer once open: its writes run on the engine's event loop, where any
 * wait stalls every timer. With BUSY_TIMEOUT_MS, a database another process held locked froze the
 * daemon 2 s per retry, and an every-500ms task skipped 6 of 10 instants (issue 8). The write
 * batcher keeps what it could not write and retries with backoff instead.
 */
export const WRITE_BUSY_TIMEOUT_MS = 100;

/** WAL kept on disk after a checkpoint: it otherwise stays as large as its largest batch. */
const JOURNAL_SIZE_LIMIT_BYTES = 8 * 1024 * 1024;

/** config/defaults.ts STATE_DIR_MODE (store/ may not import it): only the owner may enter. */
const STATE_DIR_MODE = 0o700;

export interface OpenOptions {
  /** The offline CLI: no writes, no migration, the file must exist. */
  readonly readOnly?: boolean;
  /** Migrations to apply (tests); default the real schema. */
  readonly migrations?: readonly Migration[];
  /** Files made private and a state dir others can enter are reported here (writable open only). */
  readonly warn?: (message: string) => void;
}

/** Open (creating and migrating when writable) the database at `path`. */
export function openDatabase(path: string, options: OpenOptions = {}): Database {
  const migrations = options.migrations ?? MIGRATIONS;
  if (options.readOnly === true) return openReadOnly(path, migrations);
  prepareDirectory(path);
  let db: Database | null = null;
  try {
    const warnings = makeDatabaseFilesPrivate(path);
    const openDir = describeOpenStateDir(path);
    for (const message of openDir === null ? warnings : [...warnings, openDir]) options.warn?.(message);
    db = new Sqlite(path, { timeout: BUSY_TIMEOUT_MS });
    // The first statement reads the header: a file that is not a database fails here.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
    migrate(db, path, migrations);
    // A damaged page would otherwise surface later, as failed writes on the engine's hot path.
    const check = String(db.pragma('quick_check(1)', { simple: true }));
    if (check !== 'ok') {
      const problem = check.split('\n').find((line) => line !== '' && !line.startsWith('***')) ?? check;
      throw Object.assign(new Error(`integrity check: ${problem}`), { code: 'SQLITE_CORRUPT' });
    }
    db.pragma(`busy_timeout = ${WRITE_BUSY_TIMEOUT_MS}`);
    return db;
  } catch (error) {
    db?.close();
    throw describeOpenError(error, path);
  }
}

function openReadOnly(path: string, migrations: readonly Migration[]): Database {
  if (!existsSync(path)) {
    throw new TaskkitError(
      'STORE_UNAVAILABLE',
      `no database at ${path}: no daemon has run with this state dir yet (start one with "taskkit start")`,
    );
  }
  let db: Database | null = null;
  try {
    db = new Sqlite(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    db.pragma('query_only = ON');
    checkSchemaVersion(db, path, migrations);
    return db;
  } catch (error) {
    db?.close();
    throw describeOpenError(error, path);
  }
}

/** The state dir must exist and be writable: SQLite creates the -wal and -shm files next to the database. */
function prepareDirectory(path: string): void {
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true, mode: STATE_DIR_MODE });
    accessSync(dir, constants.W_OK | constants.X_OK);
    if (existsSync(path)) accessSync(path, constants.R_OK | constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    const target = (error as NodeJS.ErrnoException).path ?? dir;
    throw new TaskkitError(
      'STORE_UNAVAILABLE',
      target === path
        ? `cannot read and write the database ${path} (${code}); fix its owner or permissions (chmod u+rw ${path})`
        : `state dir ${dir} is not writable (${code}); taskkit keeps its database ${path} there: ` +
            `make it writable (chmod u+rwx ${dir}) or set settings.state-dir to a writable folder`,
      { cause: error },
    );
  }
}

/** SQLite's error codes, grouped by what the user can do about them. */
function describeOpenError(error: unknown, path: string): TaskkitError {
  if (error instanceof TaskkitError) return error;
  const rawCode = (error as { code?: unknown } | null)?.code;
  const code = typeof rawCode === 'string' ? rawCode : '';
  const reason = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new TaskkitError(
      'STORE_CORRUPT',
      `${path} is damaged or not a taskkit database (${reason}); move it aside (with any ${path}-wal and ` +
        `${path}-shm next to it), ` +
        `e.g. "mv ${path} ${path}.broken", and start taskkit again: it creates a fresh database (holds, ` +
        `reschedules and history in the old one are not carried over)`,
      { cause: error },
    );
  }
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY')) {
    return new TaskkitError(
      'STORE_UNAVAILABLE',
      `${path} is locked by another process (${reason}); is another taskkit using this state dir?`,
      { cause: error },
    );
  }
  return new TaskkitError(
    'STORE_UNAVAILABLE',
    `cannot open ${path} (${code === '' ? reason : `${code}: ${reason}`}); ` +
      `check that the file and its folder are readable and writable by you, and that the disk is not full`,
    { cause: error },
  );
}
