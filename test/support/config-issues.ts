/** Shared helpers of the config tests: fixture paths and "the issues this input produces". */
import { fileURLToPath } from 'node:url';
import { ConfigError, parseTasksText } from '../../src/config/load.js';
import type { ConfigIssue } from '../../src/config/issues.js';
import type { TasksFile } from '../../src/config/types.js';

/** Absolute folder of test/fixtures/tasks/ (ends with a slash). */
export const TASK_FIXTURES = fileURLToPath(new URL('../fixtures/tasks/', import.meta.url));

/** The environment config tests run with: a fixed zone and home, no XDG variables. */
export const TEST_ENV: Readonly<Record<string, string>> = { TZ: 'UTC', HOME: '/home/tester' };

/** The issues of a ConfigError thrown by `action`; fails when it does not throw one. */
export function catchIssues(action: () => unknown): ConfigIssue[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

/** Parse lines of a tasks file named "tasks.yaml" in /srv/jobs and return its issues. */
export function issuesOf(lines: readonly string[], env: Readonly<Record<string, string>> = TEST_ENV): ConfigIssue[] {
  return catchIssues(() => parseTasksText(lines.join('\n') + '\n', 'tasks.yaml', { env, baseDir: '/srv/jobs' }));
}

/** `[code, line, column, task, message]` rows: compact and exact for toEqual. */
export function summarize(issues: readonly ConfigIssue[]): [string, number, number, string | null, string][] {
  return issues.map((issue) => [issue.code, issue.line, issue.column, issue.task, issue.message]);
}

/** Parse lines that must be valid; a ConfigError fails the test with the issues in its message. */
export function fileOf(lines: readonly string[], env: Readonly<Record<string, string>> = TEST_ENV): TasksFile {
  try {
    return parseTasksText(lines.join('\n') + '\n', 'tasks.yaml', { env, baseDir: '/srv/jobs' });
  } catch (error) {
    if (error instanceof ConfigError)
      throw new Error(`unexpected issues: ${JSON.stringify(error.issues)}`, { cause: error });
    throw error;
  }
}
