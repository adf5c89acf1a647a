/**
 * What a service runs, the same for a systemd unit and a launchd plist: the absolute command line
 * (node, taskkit's launcher, `start --foreground --config FILE`), so that it works without the
 * user's PATH, and the facts of the tasks file the unit needs (its shutdown grace).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DAEMON_NODE_FLAGS } from '../../daemon/detach.js';
import { TaskkitError } from '../../errors.js';
import type { CliIo } from '../io.js';

/** systemd's and launchd's stop timeout is the grace plus this: time to kill the runs, flush and close. */
const STOP_MARGIN_SECONDS = 15;

export interface ServiceDefinition {
  /** The whole command line, every path absolute. */
  readonly argv: readonly string[];
  /** The tasks file, absolute. */
  readonly tasksFile: string;
  /** Seconds the manager waits after its stop signal before it kills everything (grace + margin). */
  readonly stopTimeoutSeconds: number;
  /** A system unit's `User=` (the tasks file's owner), or null: the service runs as root / as the user. */
  readonly runAs: string | null;
  /** taskkit's version, for the header comment. */
  readonly version: string;
}

export function defineService(options: {
  io: CliIo;
  tasksFile: string;
  socket: string | undefined;
  shutdownGraceMs: number;
  runAs: string | null;
  version: string;
}): ServiceDefinition {
  const { tasksFile, socket } = options;
  const argv = [
    options.io.process?.execPath ?? process.execPath,
    ...DAEMON_NODE_FLAGS,
    launcherPath(options.io),
    'start',
    '--foreground',
    '--config',
    tasksFile,
    ...(socket === undefined ? [] : ['--socket', socket]),
  ];
  for (const arg of argv)
    if (/[\u0000-\u001f\u007f]/.test(arg))
      throw new TaskkitError(
        'USAGE',
        `service: a path with a control character cannot go in a unit: ${JSON.stringify(arg)}`,
      );
  return {
    argv,
    tasksFile,
    stopTimeoutSeconds: Math.ceil(options.shutdownGraceMs / 1000) + STOP_MARGIN_SECONDS,
    runAs: options.runAs,
    version: options.version,
  };
}

/**
 * bin/taskkit as installed, symlinks resolved (npm's global bin is a link that a later
 * `npm install -g` may point elsewhere): the script this process was started with, else the one
 * beside the bundle (dist/bin/ is at the depth of dist/cli/).
 */
function launcherPath(io: CliIo): string {
  const script = io.process?.argv[1];
  const path = script ?? fileURLToPath(new URL('../../bin/taskkit', import.meta.url));
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
