/**
 * The offline verb `validate`: no daemon, the file directly. A module of its own so that the
 * daemon verbs never load yaml (commands/tasks.ts imports this only inside its action).
 */
import { locateTasksFile } from '../config/locate.js';
import { ConfigError, loadTasksFile } from '../config/load.js';
import { loadPainter, printJson } from './io.js';
import type { CommandContext, GlobalOptions } from './context.js';
import { printValidation } from './format/tasks.js';
import { printWarnings } from './tasks-file.js';

/** `validate [FILE]`: exit 0 valid (warnings printed), 2 with every problem. */
export async function runValidate(
  context: CommandContext,
  file: string | undefined,
  globals: GlobalOptions,
): Promise<void> {
  const { io } = context;
  const { path } = locateTasksFile({ flag: file ?? globals.config, env: io.env, cwd: io.cwd });
  try {
    const loaded = loadTasksFile(path, { env: io.env });
    // Warnings (config/host-checks.ts) leave the file valid: printed, exit 0.
    const report = { file: path, valid: true, tasks: loaded.tasks.length, issues: loaded.warnings };
    if (globals.json === true) return printJson(io, report);
    printWarnings(io, loaded);
    printValidation(io, await loadPainter(io), { ...report, warnings: loaded.warnings.length });
  } catch (error) {
    if (!(error instanceof ConfigError) || globals.json !== true) throw error;
    printJson(io, { file: path, valid: false, tasks: null, issues: error.issues });
    context.exitCode = 2;
  }
}
