/**
 * The offline side of `history` and `logs` (DESIGN.md "State and history": the CLI opens the
 * database read-only, whether or not a daemon runs; WAL lets it read next to the daemon's
 * writes). The database is the one of the daemon answering on the chosen socket, else
 * `<state-dir>/taskkit.db` of the tasks file's settings (history-source.ts).
 */
import { join } from 'node:path';
import { defaultStateDir } from '../config/settings.js';
import type { ClusterSettings } from '../config/types.js';
import { readSettingsOnly } from '../config/partial-read.js';
import { TaskkitError } from '../errors.js';
import { DATABASE_FILE_NAME } from '../store/sqlite/open.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { GlobalOptions } from './context.js';
import { printError, type CliIo } from './io.js';
import { storeReader, type HistoryReader } from './history-reader.js';
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

/** Where the history is, before opening it: the tasks file's facts and the daemon that answers, if one does. */
interface HistoryPlace {
  readonly tasksFile: string | null;
  readonly taskNames: () => string[];
  readonly stateDir: string;
  /** Why the tasks file could not be read (the default state dir is used then), or null. */
  readonly fileProblem: string | null;
  readonly fromDaemon: DatabaseSource | null;
  /** settings.cluster of the tasks file: cluster mode. */
  readonly cluster: ClusterSettings | undefined;
}

async function locateHistory(io: CliIo, globals: GlobalOptions): Promise<HistoryPlace> {
  let tasksFile: string | null = null;
  let taskNames = (): string[] => [];
  let stateDir: string;
  let fileProblem: string | null = null;
  let cluster: ClusterSettings | undefined;
  try {
    const file = readSettingsOnly({ flag: globals.config, env: io.env, cwd: io.cwd });
    tasksFile = file.path;
    taskNames = file.taskNames;
    stateDir = file.settings.stateDir;
    cluster = file.settings.cluster;
  } catch (error) {
    // History outlives a tasks file that moved or broke: try the default state dir.
    stateDir = defaultStateDir(io.env);
    fileProblem = error instanceof Error ? error.message : String(error);
  }
  const fromDaemon = await findDaemonDatabase(io, globals);
  return { tasksFile, taskNames, stateDir, fileProblem: fromDaemon === null ? fileProblem : null, fromDaemon, cluster };
}

/**
 * Open the history read-only: the database of the daemon answering on the chosen socket, else the
 * tasks file's state dir; STORE_UNAVAILABLE / STORE_CORRUPT name the file (and the tasks file's problem, if any).
 */
export async function openHistoryDatabase(io: CliIo, globals: GlobalOptions): Promise<HistoryDatabase> {
  return openSqliteHistory(await locateHistory(io, globals));
}

function openSqliteHistory(place: HistoryPlace): HistoryDatabase {
  const { fileProblem } = place;
  const source: DatabaseSource = place.fromDaemon ?? {
    path: join(place.stateDir, DATABASE_FILE_NAME),
    from: fileProblem === null ? 'tasks-file' : 'default',
    pid: null,
    socket: null,
  };
  let store: Store;
  try {
    store = openSqliteStore({ path: source.path, readOnly: true });
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
    tasksFile: place.tasksFile,
    knownTasks: () => [...new Set([...place.taskNames(), ...store.lastRuns().map((run) => run.task)])],
    close: () => store.close(),
  };
}

/** The runs' history for `history` and `logs`: a reader, where it reads, and the names it knows. */
export interface RunHistory {
  readonly reader: HistoryReader;
  readonly source: DatabaseSource;
  /** Names of the tasks file's tasks and of tasks with ended runs, for "did you mean". */
  knownTasks(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * The runs' history. In cluster mode (the tasks file's settings.cluster) the cluster's PostgreSQL,
 * read directly (node-postgres is loaded only then): every host's runs, whether or not a daemon
 * answers; when PostgreSQL does not answer but a daemon does, that daemon's database (this host's
 * runs), said on stderr. Otherwise the daemon's database when one answers, else the state dir's.
 */
export async function openRunHistory(io: CliIo, globals: GlobalOptions): Promise<RunHistory> {
  const place = await locateHistory(io, globals);
  if (place.cluster !== undefined) {
    const { openClusterHistory } = await import('./cluster-history.js');
    try {
      const { reader, target } = await openClusterHistory(place.cluster, io.env);
      const source: DatabaseSource = {
        path: target,
        from: 'cluster',
        pid: place.fromDaemon?.pid ?? null,
        socket: place.fromDaemon?.socket ?? null,
        cluster: place.cluster.name,
      };
      return withNames(reader, source, place.taskNames);
    } catch (error) {
      if (place.fromDaemon === null || !(error instanceof TaskkitError)) throw error;
      printError(io, `taskkit: ${error.message}; reading this host's runs from its daemon's database instead`);
    }
  }
  const db = openSqliteHistory(place);
  return withNames(storeReader(db.store), db.source, place.taskNames);
}

function withNames(reader: HistoryReader, source: DatabaseSource, taskNames: () => string[]): RunHistory {
  return {
    reader,
    source,
    knownTasks: async () => [...new Set([...taskNames(), ...(await reader.taskNamesWithRuns())])],
    close: () => reader.close(),
  };
}

/** TASK_UNKNOWN with "did you mean" when `name` is neither in the tasks file nor in the history; else null. */
export function checkTaskName(db: HistoryDatabase, name: string): TaskkitError | null {
  const known = db.knownTasks();
  return known.includes(name) ? null : unknownTaskError(name, known);
}

/** checkTaskName over a RunHistory (a cluster's names are read from PostgreSQL). */
export async function checkRunTaskName(history: RunHistory, name: string): Promise<TaskkitError | null> {
  const known = await history.knownTasks();
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
