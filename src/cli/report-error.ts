/**
 * A fault as a terminal user wants it (one clear message, no stack) and its exit code: for the
 * commander program (main.ts, after commander's own errors) and the fast path (fast-path.ts) alike.
 */
import type { ConfigError } from '../config/config-error.js';
import { TaskkitError, exitCodeFor } from '../errors.js';
import { printError, type CliIo } from './io.js';

/** Print `error` and pick the exit code. */
export async function reportError(io: CliIo, error: unknown): Promise<number> {
  if (isConfigError(error)) {
    const { formatIssues } = await import('../config/issues.js');
    printError(io, formatIssues(error.issues, error.sourceText));
    printError(io, `taskkit: ${error.message}`);
    return exitCodeFor(error);
  }
  if (error instanceof TaskkitError) {
    printError(io, `taskkit: ${error.message}`);
    return exitCodeFor(error);
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  printError(io, `taskkit: internal error: ${message}`);
  return 1;
}

/** A ConfigError, told by its code and issues so that config/ need not be loaded to ask. */
function isConfigError(error: unknown): error is ConfigError {
  return (
    error instanceof TaskkitError &&
    error.code === 'CONFIG_INVALID' &&
    Array.isArray((error as Partial<ConfigError>).issues)
  );
}
