/**
 * The bodies of the daemon verbs the fast path also takes (`list`, `run-now NAME`): one copy,
 * called by commander's actions (commands/*.ts) and by fast-path.ts, so both print the same.
 * The connection is passed in: commander's path finds the socket through connect.ts, the fast
 * path through quick-socket.ts; neither this file nor what it imports may load commander,
 * chalk (only behind loadPainter) or yaml (test/architecture/hot-path-imports.test.ts).
 */
import type { RequestClient } from '../control/client.js';
import type { TaskListRow } from '../control/list-rows.js';
import { ControlError } from '../control/protocol.js';
import type { RunView } from '../control/views.js';
import { loadPainter, printError, printJson, printLine, readNow, shouldUseColor, type CliIo } from './io.js';

/**
 * Opens the connection to the daemon, or throws DAEMON_UNREACHABLE: commander's path waits for
 * hello, the fast path sends its requests behind it (quick-socket.ts connectChosenEager).
 */
export type Connect = () => Promise<RequestClient>;

/** Connect, run `use`, and always close the connection. */
export async function useDaemon<C extends RequestClient, T>(
  connect: () => Promise<C>,
  use: (client: C) => Promise<T>,
): Promise<T> {
  const client = await connect();
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

/** `taskkit list`: every task of the daemon as a table, or as JSON; `here`: last runs on this host (a cluster). */
export async function listTasks(io: CliIo, json: boolean, connect: Connect, here = false): Promise<void> {
  // `here` is sent only when given: a daemon older than cluster mode refuses params it does not know.
  const params = here ? { here } : {};
  if (json) return printJson(io, await useDaemon(connect, (client) => client.request('list', params)));
  const drawn = await useDaemon(
    connect,
    async (client) => (await requestTable(client, io, params)) ?? requestRows(client, params),
  );
  if (typeof drawn === 'string') {
    io.stdout.write(drawn);
    return;
  }
  const { drawTaskList } = await import('./format/task-list.js');
  io.stdout.write(drawTaskList(drawn, readNow(io), await loadPainter(io)));
}

/**
 * The whole output drawn by the daemon (`list-table`), from what this process's own drawing depends
 * on: colour, now, and $TZ (format/time.ts reads process.env's for local times). Null when the daemon
 * cannot draw for this process (another $TZ: `table: null`; older than the method: BAD_REQUEST).
 */
async function requestTable(client: RequestClient, io: CliIo, params: { here?: boolean }): Promise<string | null> {
  const tz = process.env['TZ'] ?? null;
  try {
    const { table } = await client.request('list-table', {
      ...params,
      color: shouldUseColor(io),
      tz,
      now: readNow(io),
    });
    return table;
  } catch (error) {
    if (!(error instanceof ControlError) || error.code !== 'BAD_REQUEST') throw error;
    return null;
  }
}

/**
 * The table's fields alone (`list-rows`, a fraction of `list`'s views to send and parse); a daemon
 * older than the method answers BAD_REQUEST and its `list` is asked instead: every view is a row.
 */
async function requestRows(client: RequestClient, params: { here?: boolean }): Promise<readonly TaskListRow[]> {
  try {
    return await client.request('list-rows', params);
  } catch (error) {
    if (!(error instanceof ControlError) || error.code !== 'BAD_REQUEST') throw error;
    return await client.request('list', params);
  }
}

/** `taskkit run-now NAME` (no --wait, no --make): trigger one run; the exit code (1: it did not start). */
export async function triggerRun(io: CliIo, json: boolean, name: string, connect: Connect): Promise<number> {
  const { run, group, claimed } = await useDaemon(connect, async (client) => {
    const triggered = (await client.request('run-now', { name })).run;
    // A queued run may wait for its concurrency group rather than a slot: ask, to say which.
    const task = triggered.status === 'queued' && !json ? (await client.request('show', { name })).task : null;
    const waiting = task?.group != null && task.group.waiting > 0 ? task.group : null;
    const group = waiting && `${waiting.name}: ${waiting.running}/${waiting.limit} running`;
    // In a cluster a queued run waits for its claim, which overlap or a hold may still refuse.
    return { run: triggered, group, claimed: task?.cluster?.scope === 'cluster' };
  });
  // A trigger that did not start (overlap skip, the daemon stopping, a spawner that died or froze
  // before it told the pid, a command that cannot start) is a failed operation.
  const notStarted = run.status === 'skipped' || (run.pid === null && endedUnstarted(run));
  const exitCode = notStarted ? 1 : 0;
  if (json) {
    printJson(io, { run });
    return exitCode;
  }
  const { describeTriggered } = await import('./format/run.js');
  if (notStarted) printError(io, `taskkit: ${describeTriggered(run)}`);
  else printLine(io, describeTriggered(run, group, claimed));
  return exitCode;
}

/** A run that ended before any process of it ran: its start failed, or its spawner died or froze first. */
function endedUnstarted(run: RunView): boolean {
  return run.exitCode === null && (run.status === 'failed' || run.status === 'interrupted');
}
