/**
 * `taskkit __complete tasks`, called by the completion scripts: the task names, one per line.
 * From the daemon when one answers at once (its tasks are the ones the verbs act on), else from
 * the tasks file. It never prints an error: whatever it writes lands in the user's prompt.
 */
import { connectControl, type ControlClient } from '../../control/client.js';
import { TaskkitError } from '../../errors.js';
import { chooseSocket } from '../connect.js';
import type { CommandContext, GlobalOptions } from '../context.js';
import { printLines, type CliIo } from '../io.js';

/**
 * The user is waiting at the prompt: a daemon that does not accept within this is treated as
 * absent (a live local socket accepts in well under 10 ms).
 */
export const COMPLETION_CONNECT_TIMEOUT_MS = 300;
/** A busy daemon may take a moment to list; longer than this and the file is read instead. */
export const COMPLETION_REQUEST_TIMEOUT_MS = 1_000;

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
  let client: ControlClient | undefined;
  try {
    const { socket } = await chooseSocket(io, globals);
    client = await connectControl({ socket, timeoutMs: COMPLETION_CONNECT_TIMEOUT_MS });
    const tasks = await client.request('list', {}, { timeoutMs: COMPLETION_REQUEST_TIMEOUT_MS });
    return tasks.map((task) => task.name);
  } catch {
    return null;
  } finally {
    client?.close();
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
