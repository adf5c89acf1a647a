/** Files the daemon keeps in its state dir, and the checks that make start-up failures clear. */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TaskkitError } from '../errors.js';

const STATE_DIR_MODE = 0o700;

export interface StatePaths {
  readonly stateDir: string;
  /** The daemon's log when detached. */
  readonly logFile: string;
  /** The running daemon's pid. */
  readonly pidFile: string;
  /** The SQLite database (history and state). */
  readonly database: string;
}

export function statePaths(stateDir: string): StatePaths {
  return {
    stateDir,
    logFile: join(stateDir, 'taskkit.log'),
    pidFile: join(stateDir, 'taskkit.pid'),
    database: join(stateDir, 'taskkit.db'),
  };
}

/** Create the state dir (0700) if needed and prove it is a writable directory, or say why not. */
export function prepareStateDir(stateDir: string): void {
  try {
    mkdirSync(stateDir, { recursive: true, mode: STATE_DIR_MODE });
    if (!statSync(stateDir).isDirectory()) throw new Error('not a directory');
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
