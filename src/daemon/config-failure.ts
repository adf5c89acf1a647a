/** The text of a tasks-file failure for logs and replies: every issue, one per line. */
import { ConfigError } from '../config/load.js';
import { formatIssues } from '../config/issues.js';

export function describeConfigFailure(error: unknown): string {
  if (error instanceof ConfigError) return formatIssues(error.issues);
  return error instanceof Error ? error.message : String(error);
}
