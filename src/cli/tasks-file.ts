/** Find and load the tasks file the way every offline verb does (DESIGN.md "The tasks file"). */
import { readFileSync } from 'node:fs';
import { formatIssues } from '../config/issues.js';
import { locateTasksFile } from '../config/locate.js';
import { loadTasksFile } from '../config/load.js';
import type { TasksFile, TaskSpec } from '../config/types.js';
import { TaskkitError } from '../errors.js';
import { didYouMean } from '../config/suggest.js';
import { printError, readNow, type CliIo } from './io.js';

/**
 * Locate (explicit path first) and load the tasks file; throws ConfigError / TaskkitError. With
 * `lint` (validate, start), lint's warnings too (config/lint/lint.ts), at the CLI's now.
 */
export function loadTasksFileForCli(
  io: CliIo,
  explicitPath: string | undefined,
  options: { readonly lint?: boolean } = {},
): TasksFile {
  const { path } = locateTasksFile({ flag: explicitPath, env: io.env, cwd: io.cwd });
  const lint = options.lint === true ? { lintNow: readNow(io) } : {};
  return loadTasksFile(path, { env: io.env, ...lint });
}

/** The file's warnings (config/host-checks.ts, config/lint/) on stderr, with excerpts; nothing when none. */
export function printWarnings(io: CliIo, file: TasksFile): void {
  if (file.warnings.length === 0) return;
  let text: string | undefined;
  try {
    text = readFileSync(file.path, 'utf8');
  } catch {
    text = undefined; // gone since it was loaded: the warnings without excerpts
  }
  printError(io, formatIssues(file.warnings, text));
}

/** The task named `name`, or TASK_UNKNOWN with the closest names. */
export function findTask(file: TasksFile, name: string): TaskSpec {
  const task = file.tasks.find((candidate) => candidate.name === name);
  if (task !== undefined) return task;
  throw unknownTaskError(
    name,
    file.tasks.map((candidate) => candidate.name),
  );
}

/** `no task named "x"` plus a did-you-mean when one is close. */
export function unknownTaskError(name: string, known: readonly string[]): TaskkitError {
  return new TaskkitError('TASK_UNKNOWN', `no task named "${name}"${didYouMean(name, known)}`);
}
