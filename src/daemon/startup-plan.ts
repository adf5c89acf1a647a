/**
 * What a daemon start decides before anything runs, in one place for both ways to start: the
 * files must be trusted, the state dir must be usable, and the socket is chosen. `start -f` (and
 * the detached child) runs it in daemon/main.ts; `start` runs it in the parent first, so that a
 * bad state dir or an untrusted file fails there with its own message, before any child exists.
 */
import { assertTrustedFiles } from '../config/file-trust.js';
import type { TasksFile } from '../config/types.js';
import { resolveSocketPath } from '../control/socket-path.js';
import { startDetached } from './detach.js';
import { prepareStateDir, statePaths, type StatePaths } from './paths.js';

export interface StartupOptions {
  /** `--socket`, if given. */
  readonly socketFlag: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** `--insecure`: run files other users can write (config/file-trust.ts). */
  readonly insecure: boolean;
  /** The user the daemon runs as (file trust compares owners with it). */
  readonly uid: number;
}

export interface StartupPlan {
  readonly file: TasksFile;
  readonly paths: StatePaths;
  /** The control socket, absolute. */
  readonly socket: string;
}

/** Check trust, prepare the state dir and choose the socket; throws the reason a start must fail. */
export function planStartup(file: TasksFile, options: StartupOptions): StartupPlan {
  assertTrustedFiles(file, { insecure: options.insecure, uid: options.uid });
  const paths = statePaths(file.settings.stateDir);
  prepareStateDir(paths.stateDir);
  const socket = resolveSocketPath({
    flag: options.socketFlag,
    env: options.env,
    settingsSocket: file.settings.socket,
    stateDir: paths.stateDir,
    cwd: options.cwd,
  });
  return { file, paths, socket };
}

export interface BackgroundStart {
  readonly pid: number;
  readonly socket: string;
  readonly configPath: string;
  readonly logFile: string;
}

/**
 * `start`: plan here, then start the daemon detached on exactly that file and socket (the child
 * plans again: it is the one that runs) and wait for its own report: ready, or why not.
 */
export async function startInBackground(file: TasksFile, options: StartupOptions): Promise<BackgroundStart> {
  const plan = planStartup(file, options);
  const args = ['--config', file.path, '--socket', plan.socket, ...(options.insecure ? ['--insecure'] : [])];
  const started = await startDetached({ args, logFile: plan.paths.logFile, env: options.env });
  return { pid: started.pid, socket: started.socket, configPath: file.path, logFile: plan.paths.logFile };
}
