/**
 * The last results `taskkit graph` colours its nodes by, from wherever they can be had, in order:
 * the daemon answering on the chosen socket (its `list`, which also knows runs not yet written),
 * else the tasks file's history database read-only (as `history` reads it without a daemon),
 * else none. Lacking history is never an error: the graph is then uncoloured, and stderr says why.
 */
import { join } from 'node:path';
import type { Settings } from '../config/types.js';
import { connectControl } from '../control/client.js';
import { ran, toRunView, type RunView } from '../control/views.js';
import { TaskkitError } from '../errors.js';
import { DATABASE_FILE_NAME } from '../store/sqlite/open.js';
import { socketOfSettings } from './connect.js';
import type { GlobalOptions } from './context.js';
import type { GraphLastRun } from './format/graph-dot.js';
import { printError, type CliIo } from './io.js';

/** Each task's last run that ran, by task name; empty when no history could be read. */
export async function readGraphLastRuns(
  io: CliIo,
  globals: GlobalOptions,
  settings: Pick<Settings, 'socket' | 'stateDir'>,
): Promise<Map<string, GraphLastRun>> {
  // The tasks file is loaded already (graph.ts): its settings say where the socket is.
  const socket = await socketOfSettings(io, globals, settings);
  const fromDaemon = await askDaemon(socket);
  if (fromDaemon instanceof Map) return fromDaemon;
  const path = join(settings.stateDir, DATABASE_FILE_NAME);
  try {
    const runs = await readDatabase(path);
    printError(io, `taskkit: last results from ${path} (${fromDaemon})`);
    return runs;
  } catch (error) {
    if (!(error instanceof TaskkitError)) throw error;
    printError(io, `taskkit: the nodes are not coloured: ${fromDaemon}, and ${error.message}`);
    return new Map();
  }
}

/** The daemon's last runs, or why it could not give them (a sentence for stderr). */
async function askDaemon(socket: string): Promise<Map<string, GraphLastRun> | string> {
  let client;
  try {
    client = await connectControl({ socket });
  } catch (error) {
    if (!(error instanceof TaskkitError)) throw error;
    return error.code === 'DAEMON_UNREACHABLE' ? `no daemon answers on ${socket}` : error.message;
  }
  try {
    const tasks = await client.request('list', {});
    return byTask(tasks.flatMap((task) => (task.lastRun === null ? [] : [task.lastRun])));
  } catch (error) {
    if (!(error instanceof TaskkitError)) throw error;
    return `the daemon on ${socket} did not list its tasks (${error.message})`;
  } finally {
    client.close();
  }
}

/** The newest run that ran of each task in the database at `path`, opened read-only. */
async function readDatabase(path: string): Promise<Map<string, GraphLastRun>> {
  const { openSqliteStore } = await import('../store/sqlite-store.js');
  const store = openSqliteStore({ path, readOnly: true });
  try {
    return byTask(
      store
        .lastRuns()
        .filter(ran)
        .map((run) => toRunView(run)),
    );
  } finally {
    store.close();
  }
}

function byTask(runs: readonly RunView[]): Map<string, GraphLastRun> {
  return new Map(runs.map((run) => [run.task, { status: run.status, outcome: run.outcome }]));
}
