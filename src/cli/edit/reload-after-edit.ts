/**
 * After `taskkit edit` installed the file: reload the daemon that runs it, if one answers on the
 * file's socket, with the request `taskkit reload` sends and its wording. A daemon there that runs
 * another tasks file is left alone.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TasksFile } from '../../config/types.js';
import { connectControl, type ControlClient } from '../../control/client.js';
import { TaskkitError } from '../../errors.js';
import { socketOfSettings } from '../connect.js';
import type { GlobalOptions } from '../context.js';
import { printError, printLine, type CliIo } from '../io.js';

/** True when all went well (reloaded, or nothing to reload); false when the daemon refused. */
export async function reloadAfterEdit(io: CliIo, globals: GlobalOptions, file: TasksFile): Promise<boolean> {
  const socket = await socketOfSettings(io, globals, file.settings);
  let client: ControlClient;
  try {
    client = await connectControl({ socket });
  } catch (error) {
    if (!(error instanceof TaskkitError) || error.code !== 'DAEMON_UNREACHABLE') throw error;
    printLine(io, `no daemon answers on ${socket}: the tasks take effect at the next "taskkit start"`);
    return true;
  }
  try {
    if (!sameFile(client.hello.configPath, file.path)) {
      printLine(io, `the daemon on ${socket} runs ${client.hello.configPath}, not this file: not reloaded`);
      return true;
    }
    const { summary } = await client.request('reload', {});
    const { describeReloadSummary } = await import('../format/status.js');
    printLine(io, `reloaded: ${describeReloadSummary(summary)}`);
    return true;
  } catch (error) {
    if (!(error instanceof TaskkitError)) throw error;
    printError(io, error.message);
    printError(io, 'taskkit: reload refused; the daemon goes on with the tasks it had (the file is saved)');
    return false;
  } finally {
    client.close();
  }
}

function sameFile(a: string, b: string): boolean {
  return resolve(a) === resolve(b) || realOrNull(a) === realOrNull(b);
}

function realOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}
