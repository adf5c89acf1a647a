/**
 * The offline verb `validate`: no daemon, the file directly. A module of its own so that the
 * daemon verbs never load yaml (commands/tasks.ts imports this only inside its action).
 */
import { locateTasksFile } from '../config/locate.js';
import { ConfigError, loadTasksFile } from '../config/load.js';
import type { TasksFile } from '../config/types.js';
import type { ReloadPlanView } from '../control/reload-plan-view.js';
import { loadPainter, printError, printJson, readNow } from './io.js';
import type { CommandContext, GlobalOptions } from './context.js';
import { printValidation } from './format/tasks.js';
import { printWarnings } from './tasks-file.js';

/**
 * `validate [FILE]`: exit 0 valid (warnings printed: this host's checks and lint at now), 2 with
 * every problem; `--strict`: 2 also when there are warnings. `--against-daemon`: a valid file is
 * then compared with the running daemon (cli/reload-plan.ts; no daemon: exit 3).
 */
export async function runValidate(
  context: CommandContext,
  file: string | undefined,
  globals: GlobalOptions,
  options: { readonly strict?: boolean; readonly againstDaemon?: boolean } = {},
): Promise<void> {
  const { io } = context;
  const { path } = locateTasksFile({ flag: file ?? globals.config, env: io.env, cwd: io.cwd });
  const planOf = async (loaded: TasksFile): Promise<ReloadPlanView | undefined> =>
    options.againstDaemon === true
      ? (await import('./reload-plan.js')).planAgainstDaemon(io, globals, loaded)
      : undefined;
  try {
    const loaded = loadTasksFile(path, { env: io.env, lintNow: readNow(io) });
    // Warnings (config/host-checks.ts, config/lint/) leave the file valid, unless --strict.
    const failed = options.strict === true && loaded.warnings.length > 0;
    if (failed) context.exitCode = 2;
    const report = { file: path, valid: !failed, tasks: loaded.tasks.length, issues: loaded.warnings };
    if (globals.json === true) {
      const plan = failed ? undefined : await planOf(loaded);
      return printJson(io, plan === undefined ? report : { ...report, plan });
    }
    printWarnings(io, loaded);
    if (failed) printError(io, `taskkit: ${path}: ${countWarnings(loaded.warnings.length)}, errors under --strict`);
    else printValidation(io, await loadPainter(io), { ...report, warnings: loaded.warnings.length });
    const plan = failed ? undefined : await planOf(loaded);
    if (plan !== undefined) await (await import('./reload-plan.js')).printPlan(io, globals, plan);
  } catch (error) {
    if (!(error instanceof ConfigError) || globals.json !== true) throw error;
    printJson(io, { file: path, valid: false, tasks: null, issues: error.issues });
    context.exitCode = 2;
  }
}

function countWarnings(count: number): string {
  return `${count} warning${count === 1 ? '' : 's'}`;
}
