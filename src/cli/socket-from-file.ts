/**
 * quick-socket.ts's way through the tasks file, without yaml: the socket of a plain `settings:`
 * block (config/plain-settings.ts), else the defaults when the file cannot be read. Its own file
 * because it brings config/ along (~90 kB bundled): scripts/bundle.js builds it into its own
 * dist/bin/taskkit-socket-file.cjs, loaded only when neither --socket nor $TASKKIT_SOCKET says
 * (issue 20.3: a fast verb given the socket compiles a third of the code). It throws nothing:
 * a failure is the default socket with the reason.
 */
import { defaultStateDir } from '../config/settings.js';
import { readPlainSettingsOnly } from '../config/plain-settings.js';
import { resolveSocketPath } from '../control/socket-path.js';
import type { GlobalOptions } from './context.js';
import type { CliIo } from './io.js';

export interface SocketChoice {
  readonly socket: string;
  /** Why the tasks file could not say where the socket is (added to an unreachable message). */
  readonly fileProblem: string | null;
}

/** The socket the tasks file's plain settings say, or undefined when only yaml can read its settings block. */
export function socketFromPlainSettings(io: CliIo, globals: GlobalOptions): SocketChoice | undefined {
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
    return defaultSocketChoice(io, error);
  }
}

/** A daemon must stay reachable (stop, status) while its file is broken: the default socket. */
export function defaultSocketChoice(io: CliIo, fileError: unknown): SocketChoice {
  const socket = resolveSocketPath({ env: io.env, stateDir: defaultStateDir(io.env), cwd: io.cwd });
  return { socket, fileProblem: fileError instanceof Error ? fileError.message : String(fileError) };
}
