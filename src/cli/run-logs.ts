/**
 * `logs NAME [RUN_ID] [--follow]`: the output of a run (default the task's newest) from the
 * database, read-only, with or without a daemon. `--follow` asks the daemon instead, which
 * streams a running run's output until it ends (and prints a run already over, once); with no
 * daemon, the database's record is printed and the exit status is 3, since live output needs
 * the daemon.
 */
import { toRunView, type RunView } from '../control/views.js';
import { TaskkitError } from '../errors.js';
import type { CommandContext, GlobalOptions } from './context.js';
import type { ControlClient } from '../control/client.js';
import { connectDaemon } from './connect.js';
import { streamDetachable } from './detachable-stream.js';
import { describeLogged } from './format/history.js';
import { checkRunTaskName, openRunHistory } from './history-db.js';
import { announceDatabase, daemonDatabase, type DatabaseSource } from './history-source.js';
import { decodeOutputEvent } from '../control/protocol.js';
import { printError, printJson, writeOutput, type CliIo } from './io.js';
import { parsePositiveInt } from './parse-options.js';

/** The exit status of a `logs --follow` stopped with Ctrl-C (the run goes on), as `run-now --wait`. */
const DETACHED_EXIT = 130;

export async function runLogs(
  context: CommandContext,
  name: string,
  runIdText: string | undefined,
  options: { follow?: boolean },
  globals: GlobalOptions,
): Promise<void> {
  const { io } = context;
  const runId = parsePositiveInt(runIdText, 'RUN_ID');
  let unreachable: TaskkitError | null = null;
  if (options.follow === true) {
    let client: ControlClient | null = null;
    try {
      client = await connectDaemon(io, globals);
    } catch (error) {
      // Only a daemon not there falls back to the database; one lost mid-stream is an error.
      if (!(error instanceof TaskkitError) || error.code !== 'DAEMON_UNREACHABLE') throw error;
      unreachable = error;
    }
    if (client !== null) {
      context.exitCode = await followFromDaemon(io, client, globals, name, runId);
      return;
    }
  }
  const { run, output, database } = await readStoredRun(io, globals, name, runId);
  const unfinished = run.status === 'running' || run.status === 'queued';
  announceDatabase(io, globals, database);
  if (globals.json === true) printJson(io, { database, run });
  else io.stdout.write(output);
  if (unfinished && unreachable !== null) {
    printError(
      io,
      `taskkit: ${run.task} #${run.id} is marked ${run.status} in the history; ` +
        `following its output live needs the daemon: ${unreachable.message}`,
    );
    context.exitCode = 3;
  } else if (unfinished) {
    printError(
      io,
      `taskkit: ${run.task} #${run.id} is still ${run.status}; its output is stored when it ends ("taskkit logs ` +
        `${run.task} ${run.id} --follow" streams it now)`,
    );
  } else if (globals.json !== true) {
    printAfterOutput(io, run);
  }
}

/**
 * After the output, on stderr (stdout stays the output, byte for byte): what a module task
 * returned, marked as such, then how the run ended when that is not plain success.
 */
function printAfterOutput(io: CliIo, run: RunView): void {
  if (run.result !== undefined)
    printError(io, `taskkit: ${run.task} #${run.id} returned ${JSON.stringify(run.result)}`);
  const note = describeLogged(run);
  if (note !== null) printError(io, `taskkit: ${note}`);
}

/**
 * The run as the database has it, with its output (in the view, and as the stored bytes);
 * TASK_UNKNOWN (did you mean) or NOT_FOUND otherwise.
 */
async function readStoredRun(
  io: CliIo,
  globals: GlobalOptions,
  name: string,
  runId: number | undefined,
): Promise<{ run: RunView; output: Buffer; database: DatabaseSource }> {
  const history = await openRunHistory(io, globals);
  try {
    const run = runId === undefined ? await history.reader.latestRun(name) : await history.reader.getRun(runId);
    if (run !== null && run.task === name)
      return { run: toRunView(run, { withOutput: true }), output: run.output, database: history.source };
    const unknown = await checkRunTaskName(history, name);
    if (unknown !== null) throw unknown;
    if (run !== null) throw new TaskkitError('NOT_FOUND', `run #${runId} is a run of "${run.task}", not of "${name}"`);
    throw new TaskkitError(
      'NOT_FOUND',
      runId === undefined ? `"${name}" has no runs yet` : `no run #${runId} in the history of "${name}"`,
    );
  } finally {
    await history.close();
  }
}

/** Stream the run's output from the daemon to stdout; `--json` prints {database, run} (the final RunView) instead. */
async function followFromDaemon(
  io: CliIo,
  client: ControlClient,
  globals: GlobalOptions,
  name: string,
  runId: number | undefined,
): Promise<number> {
  const json = globals.json === true;
  const params = { name, follow: true, ...(runId === undefined ? {} : { runId }) };
  const database = await daemonDatabase(client);
  announceDatabase(io, globals, database);
  const { describeRetrying } = await import('./format/run.js');
  const streamed = await streamDetachable(io, client, 'logs', params, (event) => {
    if (event.event === 'output') {
      if (!json) return writeOutput(io, decodeOutputEvent(event.data));
    } else
      printError(
        io,
        `taskkit: ${describeRetrying(event.data)} ("taskkit logs ${name} ${event.data.retry.id} --follow" once ` +
          `it starts)`,
      );
    return undefined;
  });
  if (streamed.detached) return DETACHED_EXIT;
  const { run } = streamed.result;
  if (json) printJson(io, { database, run });
  else printAfterOutput(io, run);
  return 0;
}
