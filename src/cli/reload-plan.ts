/**
 * `taskkit reload --dry-run` and `taskkit validate --against-daemon`: ask the daemon what a reload
 * would do (the `reload-plan` method; it loads and checks the file as reload does), apply nothing.
 */
import type { TasksFile } from '../config/types.js';
import { connectControl } from '../control/client.js';
import type { ReloadPlanView } from '../control/reload-plan-view.js';
import type { CommandContext, GlobalOptions } from './context.js';
import { socketOfSettings, withDaemon } from './connect.js';
import { reportRefusedReload } from './reload-refused.js';
import { loadPainter, printJson, printLines, readNow, type CliIo } from './io.js';

export interface DryRunOptions {
  /** Like `git diff --exit-code`: exit 1 when the reload would change something. */
  readonly exitCode?: boolean;
}

/** `reload --dry-run`: the plan for the daemon's own file; a file it would refuse: its errors, exit 2. */
export async function runReloadDryRun(
  context: CommandContext,
  globals: GlobalOptions,
  options: DryRunOptions,
): Promise<void> {
  const { io } = context;
  let plan: ReloadPlanView;
  try {
    ({ plan } = await withDaemon(io, globals, (client) => client.request('reload-plan', {})));
  } catch (error) {
    return reportRefusedReload(
      context,
      globals,
      error,
      'taskkit: a reload would be refused; the daemon would go on with the tasks it has',
    );
  }
  await printPlan(io, globals, plan);
  if (options.exitCode === true && changesSomething(plan)) context.exitCode = 1;
}

/**
 * `validate FILE --against-daemon`: the plan of a reload, had the daemon `file` as its tasks file. The
 * daemon is found through the file's own settings (as `start` would place it); none there: exit 3.
 */
export async function planAgainstDaemon(io: CliIo, globals: GlobalOptions, file: TasksFile): Promise<ReloadPlanView> {
  const socket = await socketOfSettings(io, globals, file.settings);
  const client = await connectControl({ socket });
  try {
    return (await client.request('reload-plan', { path: file.path })).plan;
  } finally {
    client.close();
  }
}

/** The plan as text (or JSON as `{plan}`). */
export async function printPlan(io: CliIo, globals: GlobalOptions, plan: ReloadPlanView): Promise<void> {
  if (globals.json === true) return printJson(io, { plan });
  const { renderReloadPlan } = await import('./format/reload-plan.js');
  printLines(io, renderReloadPlan(plan, readNow(io), await loadPainter(io)));
}

/** Whether the plan changes anything at all (`--exit-code`). */
export function changesSomething(plan: ReloadPlanView): boolean {
  return plan.tasks.length > 0 || plan.settings.length > 0;
}
