/**
 * Find the daemon's socket and connect, or fail with DAEMON_UNREACHABLE (exit 3) naming the path
 * tried. The socket comes from --socket, then $TASKKIT_SOCKET, then the tasks file's settings
 * (socket, state-dir), then $XDG_RUNTIME_DIR (control/socket-path.ts). The tasks file is read
 * only when neither the flag nor the variable says, and then its settings only: without yaml when
 * the block is plain (quick-socket.ts, config/plain-settings.ts), else config/partial-read.ts; a
 * full load (yaml, validation) costs more than the rest of `taskkit list`.
 */
import type { ControlClient } from '../control/client.js';
import type { Settings } from '../config/types.js';
import type { GlobalOptions } from './context.js';
import { useDaemon } from './daemon-verbs.js';
import type { CliIo } from './io.js';
import { connectChosen, givenSocket, quickSocketChoice, type SocketChoice } from './quick-socket.js';
import { defaultSocketChoice } from './socket-from-file.js';

export type { SocketChoice };

/** The socket the verbs talk to. */
export async function chooseSocket(io: CliIo, globals: GlobalOptions): Promise<SocketChoice> {
  const quick = await quickSocketChoice(io, globals);
  if (quick !== undefined) return quick;
  const { resolveSocketPath } = await import('../control/socket-path.js');
  try {
    // A settings block that is not plain `key: value` lines: yaml reads it.
    const where = { flag: globals.config, env: io.env, cwd: io.cwd };
    const { settings } = (await import('../config/partial-read.js')).readSettingsOnly(where);
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
    return defaultSocketChoice(io, error);
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

/** Connect to the daemon (hello included); DAEMON_UNREACHABLE with the path and how to start one. */
export async function connectDaemon(io: CliIo, globals: GlobalOptions): Promise<ControlClient> {
  return await connectChosen(await chooseSocket(io, globals));
}

/** Connect, run `use`, and always close the connection. */
export async function withDaemon<T>(
  io: CliIo,
  globals: GlobalOptions,
  use: (client: ControlClient) => Promise<T>,
): Promise<T> {
  return await useDaemon(() => connectDaemon(io, globals), use);
}
