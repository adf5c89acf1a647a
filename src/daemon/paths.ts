/** Files the daemon keeps in its state dir, and the check that makes a bad state dir a clear start-up failure. */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { STATE_DIR_MODE } from '../config/defaults.js';
import { TaskkitError } from '../errors.js';

export interface StatePaths {
  readonly stateDir: string;
  /** The daemon's log when detached (its stdout and stderr). */
  readonly logFile: string;
  /** The running daemon's pid, one decimal line. */
  readonly pidFile: string;
  /** The SQLite database (history and state). */
  readonly database: string;
  /** Locked exclusively by the running daemon (daemon/lock.ts). */
  readonly lockFile: string;
}

export function statePaths(stateDir: string): StatePaths {
  return {
    stateDir,
    logFile: join(stateDir, 'taskkit.log'),
    pidFile: join(stateDir, 'taskkit.pid'),
    database: join(stateDir, 'taskkit.db'),
    lockFile: join(stateDir, 'taskkit.lock'),
  };
}

/** Create the state dir (0700) if needed and prove it is a writable directory, or say why not. */
export function prepareStateDir(stateDir: string): void {
  try {
    makeDirectories(stateDir);
    if (!statSync(stateDir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(stateDir, constants.W_OK | constants.X_OK);
  } catch (error) {
    const reason = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
    throw new TaskkitError(
      'USAGE',
      `state dir ${stateDir} is not a writable directory (${reason}); fix its permissions or set settings.state-dir`,
      { cause: error },
    );
  }
}

/**
 * mkdir -p with the private mode. Not mkdirSync's `recursive`: on Node 20 it spins forever when
 * mkdir reports ENOENT for a parent that exists (e.g. under /proc), and a start must fail, not hang.
 */
function makeDirectories(dir: string): void {
  try {
    mkdirSync(dir, { mode: STATE_DIR_MODE });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
    makeDirectories(parent);
    mkdirSync(dir, { mode: STATE_DIR_MODE });
  }
}
