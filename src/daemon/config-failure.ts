/** The text of a tasks-file failure for logs and replies: every issue, one per line. */
import { ConfigError } from '../config/load.js';
import { formatIssues } from '../config/issues.js';
import type { LogFunction } from '../engine/ports.js';

export function describeConfigFailure(error: unknown): string {
  if (error instanceof ConfigError) return formatIssues(error.issues);
  return error instanceof Error ? error.message : String(error);
}

/**
 * Log a refused tasks file: the headline, then each line of the failure as a log line of its own,
 * indented. One message holding them all would come out as one line with `\n` escaped (log.ts
 * escapes control characters so that a message cannot forge a line).
 */
export function logConfigFailure(log: LogFunction, headline: string, error: unknown): void {
  log('error', headline);
  for (const line of describeConfigFailure(error).split('\n')) log('error', `  ${line}`);
}
