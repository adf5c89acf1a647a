/** Shared by the lint tests: a tasks file's lint warnings at a fixed instant, compact for toEqual. */
import { ConfigError, parseTasksText } from '../../../src/config/load.js';
import type { ConfigIssueCode } from '../../../src/config/issues.js';
import { TEST_ENV } from '../../support/config-issues.js';

/** The instant every lint test runs at, unless it gives its own: 2026-06-15 12:00 UTC (summer in the north). */
export const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);

/** `[code, line, column, task, message]` of the file's warnings with `code` (all lint codes when absent). */
export function lintOf(
  lines: readonly string[],
  code?: ConfigIssueCode,
  now: number = NOW,
): [string, number, number, string | null, string][] {
  let warnings;
  try {
    warnings = parseTasksText(lines.join('\n') + '\n', 'tasks.yaml', {
      env: TEST_ENV,
      baseDir: '/srv/jobs',
      lintNow: now,
    }).warnings;
  } catch (error) {
    if (error instanceof ConfigError) throw new Error(`unexpected errors: ${error.message}`, { cause: error });
    throw error;
  }
  return warnings
    .filter((issue) => (code === undefined ? issue.code !== 'host' : issue.code === code))
    .map((issue) => [issue.code, issue.line, issue.column, issue.task, issue.message]);
}

/** A file of one task "a" in `zone` (line 5 is the task's first key). */
export function oneTask(keys: readonly string[], zone = 'UTC'): string[] {
  return ['settings:', `  timezone: ${zone}`, 'tasks:', '  a:', ...keys.map((key) => `    ${key}`)];
}
