/** How `reload` and `reload-plan` answer a tasks file the daemon refuses (handlers.ts). */
import { ConfigError } from '../config/config-error.js';
import { formatIssues } from '../config/issues.js';
import { TaskkitError } from '../errors.js';
import { ControlError } from './protocol.js';

/** A file reload refuses: CONFIG_INVALID with every issue, for `reload` and `reload-plan` alike. */
export async function refusedAsConfigInvalid<T>(result: Promise<T>): Promise<T> {
  try {
    return await result;
  } catch (error) {
    if (isConfigError(error))
      throw new ControlError('CONFIG_INVALID', formatIssues(error.issues, error.sourceText), { issues: error.issues });
    throw error;
  }
}

// Duck-typed too: a ConfigError from a second copy of config/ (dist next to src) fails instanceof.
function isConfigError(error: unknown): error is ConfigError {
  if (error instanceof ConfigError) return true;
  return (
    error instanceof TaskkitError &&
    error.code === 'CONFIG_INVALID' &&
    Array.isArray((error as Partial<ConfigError>).issues)
  );
}
