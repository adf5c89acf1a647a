/**
 * The offline verb `validate`: no daemon, the file directly. A module of its own so that the
 * daemon verbs never load yaml (commands/tasks.ts imports this only inside its action).
 */
import { locateTasksFile } from '../config/locate.js';
import { ConfigError, loadTasksFile } from '../config/load.js';
import { loadPainter, printJson } from './io.js';
import type { CommandContext, GlobalOptions } from './context.js';
import { printValidation } from './format/tasks.js';

/** `validate [FILE]`: exit 0 valid, 2 with every problem. */
export async function runValidate(
  context: CommandContext,
  file: string | undefined,
  globals: GlobalOptions,
): Promise<void> {
  const { io } = context;
  const { path } = locateTasksFile({ flag: file ?? globals.config, env: io.env, cwd: io.cwd });
  try {
    const loaded = loadTasksFile(path, { env: io.env });
    const report = { file: path, valid: true, tasks: loaded.tasks.length, issues: [] };
    if (globals.json === true) printJson(io, report);
    else printValidation(io, await loadPainter(io), report);
  } catch (error) {
    if (!(error instanceof ConfigError) || globals.json !== true) throw error;
    printJson(io, { file: path, valid: false, tasks: null, issues: error.issues });
    context.exitCode = 2;
  }
}
