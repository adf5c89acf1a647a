/** Parsing of command-line option values, with usage errors (exit 2) that name the option. */
import { TaskkitError } from '../errors.js';

/** A positive integer option, or undefined when absent. */
export function parsePositiveInt(raw: string | undefined, option: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new TaskkitError('USAGE', `${option}: expected a positive whole number, got "${raw}"`);
  }
  // Past 2^53 the number is not exact, and SQLite refused it as a LIMIT with its own error (issue 15).
  if (!Number.isSafeInteger(Number(raw))) {
    throw new TaskkitError(
      'USAGE',
      `${option}: expected a positive whole number up to ${Number.MAX_SAFE_INTEGER}, got "${raw}"`,
    );
  }
  return Number(raw);
}
