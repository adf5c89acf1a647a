/**
 * The offline side of `history` and `logs` (DESIGN.md "State and history": the CLI opens the
 * database read-only, whether or not a daemon runs; WAL lets it read next to the daemon's
 * writes). The database is the one of the daemon answering on the chosen socket, else
 * `<state-dir>/taskkit.db` of the tasks file's settings (history-source.ts).
 */
import { join } from 'node:path';
import { defaultStateDir } from '../config/settings.js';
import { readSettingsOnly } from '../config/partial-read.js';
import { TaskkitError } from '../errors.js';
import { DATABASE_FILE_NAME } from '../store/sqlite/open.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { GlobalOptions } from './context.js';
import type { CliIo } from './io.js';
import { findDaemonDatabase, type DatabaseSource } from './history-source.js';
import { unknownTaskError } from './tasks-file.js';

export interface HistoryDatabase {
  readonly store: Store;
  /** Which database this is and why (history-source.ts). */
  readonly source: DatabaseSource;
  /** The tasks file the state dir came from, or null when it could not be read (the default state dir then). */
  readonly tasksFile: string | null;
  /** Names of the tasks file's tasks (unvalidated) and of tasks with ended runs, for "did you mean". */
  knownTasks(): string[];
  close(): void;
}

/**
 * Open the history read-only: the database of the daemon answering on the chosen socket, else the
 * tasks file's state dir; STORE_UNAVAILABLE / STORE_CORRUPT name the file (and the tasks file's problem, if any).
 */
export async function openHistoryDatabase(io: CliIo, globals: GlobalOptions): Promise<HistoryDatabase> {
  let tasksFile: string | null = null;
  let taskNames = (): string[] => [];
  let stateDir: string;
  let fileProblem: string | null = null;
  try {
    const file = readSettingsOnly({ flag: globals.config, env: io.env, cwd: io.cwd });
    tasksFile = file.path;
    taskNames = file.taskNames;
    stateDir = file.settings.stateDir;
  } catch (error) {
    // History outlives a tasks file that moved or broke: try the default state dir.
    stateDir = defaultStateDir(io.env);
    fileProblem = error instanceof Error ? error.message : String(error);
  }
  const fromDaemon = await findDaemonDatabase(io, globals);
  const source: DatabaseSource = fromDaemon ?? {
    path: join(stateDir, DATABASE_FILE_NAME),
    from: fileProblem === null ? 'tasks-file' : 'default',
    pid: null,
    socket: null,
  };
  const { path } = source;
  if (fromDaemon !== null) fileProblem = null;
  let store: Store;
  try {
    store = openSqliteStore({ path, readOnly: true });
  } catch (error) {
    if (fileProblem === null || !(error instanceof TaskkitError)) throw error;
    throw new TaskkitError(
      error.code,
      `${error.message} (the default state dir: the tasks file did not say, ${fileProblem})`,
      { cause: error },
    );
  }
  return {
    store,
    source,
    tasksFile,
    knownTasks: () => [...new Set([...taskNames(), ...store.lastRuns().map((run) => run.task)])],
    close: () => store.close(),
  };
}

/** TASK_UNKNOWN with "did you mean" when `name` is neither in the tasks file nor in the history; else null. */
export function checkTaskName(db: HistoryDatabase, name: string): TaskkitError | null {
  const known = db.knownTasks();
  return known.includes(name) ? null : unknownTaskError(name, known);
}

/**
 * Open the history, read `rows` from its store and close it. None for task `name`: TASK_UNKNOWN
 * (with "did you mean") unless the tasks file or the history knows the name.
 */
export async function readHistoryRows<T>(
  io: CliIo,
  globals: GlobalOptions,
  name: string | undefined,
  read: (store: Store) => T[],
): Promise<{ rows: T[]; source: DatabaseSource }> {
  const db = await openHistoryDatabase(io, globals);
  try {
    const rows = read(db.store);
    if (rows.length === 0 && name !== undefined) {
      const unknown = checkTaskName(db, name);
      if (unknown !== null) throw unknown;
    }
    return { rows, source: db.source };
  } finally {
    db.close();
  }
}
