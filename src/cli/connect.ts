/**
 * Find the daemon's socket and connect, or fail with DAEMON_UNREACHABLE (exit 3) naming the path
 * tried. The socket comes from --socket, then $TASKKIT_SOCKET, then the tasks file's settings
 * (socket, state-dir), then $XDG_RUNTIME_DIR (control/socket-path.ts). The tasks file is read
 * only when neither the flag nor the variable says, and then its settings only: without yaml when
 * the block is plain (config/plain-settings.ts), else config/partial-read.ts; a full load (yaml,
 * validation) costs more than the rest of `taskkit list`.
 */
import { connectControl, type ControlClient } from '../control/client.js';
import { resolve } from 'node:path';
import type { Settings } from '../config/types.js';
import { TaskkitError } from '../errors.js';
import type { GlobalOptions } from './context.js';
import type { CliIo } from './io.js';

export interface SocketChoice {
  readonly socket: string;
  /** Why the tasks file could not say where the socket is (added to an unreachable message). */
  readonly fileProblem: string | null;
}

/** The socket the verbs talk to. */
export async function chooseSocket(io: CliIo, globals: GlobalOptions): Promise<SocketChoice> {
  const given = givenSocket(io, globals);
  if (given !== undefined) return { socket: given, fileProblem: null };
  const { resolveSocketPath } = await import('../control/socket-path.js');
  const { readPlainSettingsOnly } = await import('../config/plain-settings.js');
  try {
    const where = { flag: globals.config, env: io.env, cwd: io.cwd };
    // yaml loads only when the settings block is not plain `key: value` lines (config/plain-settings.ts).
    const { settings } =
      readPlainSettingsOnly(where) ?? (await import('../config/partial-read.js')).readSettingsOnly(where);
    return {
      socket: resolveSocketPath({
        env: io.env,
        settingsSocket: settings.socket,
        stateDir: settings.stateDir,
        cwd: io.cwd,
      }),
      fileProblem: null,
    };
  } catch (error) {
    // A daemon must stay reachable (stop, status) while its file is broken: fall back to the defaults.
    const { defaultStateDir } = await import('../config/settings.js');
    const socket = resolveSocketPath({ env: io.env, stateDir: defaultStateDir(io.env), cwd: io.cwd });
    return { socket, fileProblem: error instanceof Error ? error.message : String(error) };
  }
}

/** The socket for a verb that has loaded the tasks file already: its settings, not a second read of the file. */
export async function socketOfSettings(
  io: CliIo,
  globals: GlobalOptions,
  settings: Pick<Settings, 'socket' | 'stateDir'>,
): Promise<string> {
  const given = givenSocket(io, globals);
  if (given !== undefined) return given;
  const { resolveSocketPath } = await import('../control/socket-path.js');
  return resolveSocketPath({ env: io.env, settingsSocket: settings.socket, stateDir: settings.stateDir, cwd: io.cwd });
}

/** --socket, then $TASKKIT_SOCKET (resolveSocketPath's first two sources, without loading it). */
function givenSocket(io: CliIo, globals: GlobalOptions): string | undefined {
  const given = nonEmpty(globals.socket) ?? nonEmpty(io.env['TASKKIT_SOCKET']);
  return given === undefined ? undefined : resolve(io.cwd, given);
}

/** Connect to the daemon (hello included); DAEMON_UNREACHABLE with the path and how to start one. */
export async function connectDaemon(io: CliIo, globals: GlobalOptions): Promise<ControlClient> {
  const choice = await chooseSocket(io, globals);
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

/** Connect, run `use`, and always close the connection. */
export async function withDaemon<T>(
  io: CliIo,
  globals: GlobalOptions,
  use: (client: ControlClient) => Promise<T>,
): Promise<T> {
  const client = await connectDaemon(io, globals);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
