/**
 * `taskkit __complete tasks`, called by the completion scripts: the task names, one per line.
 * From the daemon when one answers at once (its tasks are the ones the verbs act on), else from
 * the tasks file. It never prints an error: whatever it writes lands in the user's prompt.
 */
import { TaskkitError } from '../../errors.js';
import { chooseSocket } from '../connect.js';
import { askDaemonForNames as askDaemonAt } from './daemon-names.js';

export { COMPLETION_CONNECT_TIMEOUT_MS, COMPLETION_REQUEST_TIMEOUT_MS } from './daemon-names.js';
import type { CommandContext, GlobalOptions } from '../context.js';
import { printLines, type CliIo } from '../io.js';

/** Print the words of list `what` ("tasks"); USAGE for an unknown list (a script/binary mismatch). */
export async function runCompleteWords(context: CommandContext, what: string, globals: GlobalOptions): Promise<void> {
  if (what !== 'tasks') throw new TaskkitError('USAGE', `__complete: no word list "${what}" (known: tasks)`);
  printLines(context.io, await listTaskNames(context.io, globals));
}

/** The daemon's task names, else the tasks file's, else none. */
export async function listTaskNames(io: CliIo, globals: GlobalOptions): Promise<readonly string[]> {
  return (await askDaemonForNames(io, globals)) ?? (await readNamesFromFile(io, globals));
}

/** null when no daemon answers (quickly) on the socket the verbs would use. */
async function askDaemonForNames(io: CliIo, globals: GlobalOptions): Promise<string[] | null> {
  try {
    return await askDaemonAt((await chooseSocket(io, globals)).socket);
  } catch {
    return null;
  }
}

/** A missing or broken file gives no names, silently. */
async function readNamesFromFile(io: CliIo, globals: GlobalOptions): Promise<string[]> {
  try {
    const { loadTasksFileForCli } = await import('../tasks-file.js');
    return loadTasksFileForCli(io, globals.config).tasks.map((task) => task.name);
  } catch {
    return [];
  }
}
