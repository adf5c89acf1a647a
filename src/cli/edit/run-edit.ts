/**
 * `taskkit edit`: crontab -e for the tasks file (issue 18.3). The file (found as every verb finds
 * it; a new one at ~/.config/taskkit/tasks.yaml starts from template.ts) is copied to a private
 * folder and opened in the user's editor; the saved text is checked by the loader `validate`
 * uses, against the real file's name and folder; on errors they are shown and the same edit can be
 * opened again; a valid text replaces the file atomically (replace-file.ts) and the daemon
 * running it reloads. Exit codes as crontab's: 0 installed or no change, 1 abandoned or failed.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatIssues, unreadableIssue, type ConfigIssue } from '../../config/issues.js';
import { ConfigError, parseTasksText } from '../../config/load.js';
import { locateTasksFile, userTasksFilePath } from '../../config/locate.js';
import type { TasksFile } from '../../config/types.js';
import { TaskkitError } from '../../errors.js';
import type { CommandContext, GlobalOptions } from '../context.js';
import { printError, printLine, readNow, type CliIo } from '../io.js';
import { askYesNo } from './answer.js';
import { createEditSession, type EditSession } from './edit-session.js';
import { chooseEditor, openEditor } from './editor.js';
import { reloadAfterEdit } from './reload-after-edit.js';
import { replaceFileAtomically } from './replace-file.js';
import { NEW_TASKS_FILE_TEMPLATE } from './template.js';

/** crontab's exit status for an edit abandoned or not installed. */
const EDIT_FAILED = 1;

export async function runEdit(context: CommandContext, globals: GlobalOptions): Promise<void> {
  const { io } = context;
  const path = locateForEdit(io, globals);
  const original = readOrNull(path);
  if (original === null) printError(io, `taskkit: no tasks file at ${path} yet: starting from an example`);
  const start = original ?? NEW_TASKS_FILE_TEMPLATE;
  const editor = chooseEditor(io.env);
  const session = createEditSession(path, start);
  let keep = false;
  try {
    for (;;) {
      const failure = await openEditor(editor, session.file, io.env, io.process);
      const text = failure === null ? session.read() : null;
      if (text === null) {
        printError(io, `taskkit: ${failure ?? 'the edited copy is gone'}; ${path} is unchanged`);
        context.exitCode = EDIT_FAILED;
        return;
      }
      if (text === start) return printLine(io, 'no changes made to the tasks file');
      const checked = check(text, path, io);
      if (checked.file !== null) {
        keep = !(await install(context, globals, { path, original, text, file: checked.file }, session));
        return;
      }
      printError(io, formatIssues(checked.issues, text));
      if (!askYesNo('Do you want to retry the same edit?', (line) => io.stderr.write(line))) {
        printError(io, `taskkit: edit abandoned; ${path} is unchanged`);
        context.exitCode = EDIT_FAILED;
        return;
      }
    }
  } finally {
    if (!keep) session.remove();
  }
}

/** The file every verb would use; when there is none yet, the user's own (~/.config/taskkit/tasks.yaml). */
function locateForEdit(io: CliIo, globals: GlobalOptions): string {
  try {
    return locateTasksFile({ flag: globals.config, env: io.env, cwd: io.cwd }).path;
  } catch (error) {
    if (error instanceof TaskkitError && error.code === 'CONFIG_NOT_FOUND') return userTasksFilePath(io.env);
    throw error;
  }
}

/** The loader `validate` uses, on the edited text, named and resolved as the real file. */
function check(text: string, path: string, io: CliIo): { file: TasksFile | null; issues: readonly ConfigIssue[] } {
  try {
    return {
      file: parseTasksText(text, path, { env: io.env, baseDir: dirname(path), lintNow: readNow(io) }),
      issues: [],
    };
  } catch (error) {
    if (error instanceof ConfigError) return { file: null, issues: error.issues };
    if (!(error instanceof TaskkitError)) throw error;
    return { file: null, issues: [unreadableIssue(path, error.message)] };
  }
}

interface Edit {
  readonly path: string;
  /** The file's text when the edit began, or null: it did not exist. */
  readonly original: string | null;
  readonly text: string;
  readonly file: TasksFile;
}

/** Replace the file and reload; false when the edit could not be installed (the copy is kept). */
async function install(
  context: CommandContext,
  globals: GlobalOptions,
  edit: Edit,
  session: EditSession,
): Promise<boolean> {
  const { io } = context;
  const { path } = edit;
  if (readOrNull(path) !== edit.original) {
    printError(io, `taskkit: ${path} changed while you edited it; not replaced. Your edit is kept in ${session.file}`);
    context.exitCode = EDIT_FAILED;
    return false;
  }
  try {
    replaceFileAtomically(path, edit.text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    printError(io, `taskkit: cannot replace ${path}: ${reason}. Your edit is kept in ${session.file}`);
    context.exitCode = EDIT_FAILED;
    return false;
  }
  const count = edit.file.tasks.length;
  printLine(io, `installed ${path} (${count} task${count === 1 ? '' : 's'})`);
  if (edit.file.warnings.length > 0) printError(io, formatIssues(edit.file.warnings, edit.text));
  if (!(await reloadAfterEdit(io, globals, edit.file))) context.exitCode = EDIT_FAILED;
  return true;
}

/** The file's text, or null when there is no file; any other failure (unreadable) is thrown. */
function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new TaskkitError('USAGE', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}
