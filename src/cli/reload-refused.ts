/**
 * A reload, or its dry run, that the daemon refuses for the file's errors: the errors, then what
 * the daemon goes on with; exit 2 (`--json`: the error object with its issues). Any other error
 * is not this one's to report.
 */
import { TaskkitError } from '../errors.js';
import type { CommandContext, GlobalOptions } from './context.js';
import { printError, printJson } from './io.js';

export function reportRefusedReload(
  context: CommandContext,
  globals: GlobalOptions,
  error: unknown,
  consequence: string,
): void {
  if (!(error instanceof TaskkitError) || error.code !== 'CONFIG_INVALID') throw error;
  context.exitCode = 2;
  if (globals.json === true) {
    const issues = (error as { data?: { issues?: unknown } }).data?.issues ?? [];
    printJson(context.io, { error: { code: error.code, message: error.message, issues } });
    return;
  }
  printError(context.io, error.message);
  printError(context.io, consequence);
}
