/**
 * Where the daemon's socket is, found without yaml: --socket, then $TASKKIT_SOCKET, then a plain
 * `settings:` block of the tasks file (config/plain-settings.ts), else the defaults when the file
 * cannot be read. Only a settings block yaml must read is left to connect.ts (config/partial-read.ts).
 * The fast path (fast-path.ts) and connect.ts both start here, so both find the same socket.
 */
import { resolve } from 'node:path';
import { connectControl, type ControlClient } from '../control/client.js';
import { TaskkitError } from '../errors.js';
import type { GlobalOptions } from './context.js';
import type { CliIo } from './io.js';

export interface SocketChoice {
  readonly socket: string;
  /** Why the tasks file could not say where the socket is (added to an unreachable message). */
  readonly fileProblem: string | null;
}

/** The socket, or undefined when only yaml can read the tasks file's settings block. */
export async function quickSocketChoice(io: CliIo, globals: GlobalOptions): Promise<SocketChoice | undefined> {
  const given = givenSocket(io, globals);
  if (given !== undefined) return { socket: given, fileProblem: null };
  const { resolveSocketPath } = await import('../control/socket-path.js');
  const { readPlainSettingsOnly } = await import('../config/plain-settings.js');
  try {
    const plain = readPlainSettingsOnly({ flag: globals.config, env: io.env, cwd: io.cwd });
    if (plain === undefined) return undefined;
    const { settings } = plain;
    const socket = resolveSocketPath({
      env: io.env,
      settingsSocket: settings.socket,
      stateDir: settings.stateDir,
      cwd: io.cwd,
    });
    return { socket, fileProblem: null };
  } catch (error) {
    return await defaultSocketChoice(io, error);
  }
}

/** A daemon must stay reachable (stop, status) while its file is broken: the default socket. */
export async function defaultSocketChoice(io: CliIo, fileError: unknown): Promise<SocketChoice> {
  const { resolveSocketPath } = await import('../control/socket-path.js');
  const { defaultStateDir } = await import('../config/settings.js');
  const socket = resolveSocketPath({ env: io.env, stateDir: defaultStateDir(io.env), cwd: io.cwd });
  return { socket, fileProblem: fileError instanceof Error ? fileError.message : String(fileError) };
}

/** Connect (hello included); DAEMON_UNREACHABLE with the path, and why the file did not say, if it did not. */
export async function connectChosen(choice: SocketChoice): Promise<ControlClient> {
  try {
    return await connectControl({ socket: choice.socket });
  } catch (error) {
    if (error instanceof TaskkitError && error.code === 'DAEMON_UNREACHABLE' && choice.fileProblem !== null) {
      throw new TaskkitError(
        'DAEMON_UNREACHABLE',
        `${error.message} (the default socket: the tasks file did not say, ${choice.fileProblem})`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** --socket, then $TASKKIT_SOCKET (resolveSocketPath's first two sources, without loading it). */
export function givenSocket(io: CliIo, globals: GlobalOptions): string | undefined {
  const given = nonEmpty(globals.socket) ?? nonEmpty(io.env['TASKKIT_SOCKET']);
  return given === undefined ? undefined : resolve(io.cwd, given);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
