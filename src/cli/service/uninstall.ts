/**
 * `taskkit service uninstall [--system]`: stop and disable the unit of this tasks file, remove its
 * file, reload the manager. The tasks file is only located, not loaded: a file with errors (or one
 * since deleted) must still be uninstallable. No unit for the file: NOT_FOUND (exit 1), so that a
 * mistyped --config does not pass for success.
 */
import { existsSync, rmSync } from 'node:fs';
import { locateTasksFile } from '../../config/locate.js';
import { TaskkitError } from '../../errors.js';
import type { CommandContext, GlobalOptions } from '../context.js';
import { printError, printLine } from '../io.js';
import { controlFor } from './managers.js';
import { locateService, serviceManagerOf, type ServiceLocation } from './locations.js';

export function runServiceUninstall(
  context: CommandContext,
  options: { system?: boolean },
  globals: GlobalOptions,
): void {
  const { io } = context;
  const location = locateFor(context, options, globals);
  if (!existsSync(location.path))
    throw new TaskkitError('NOT_FOUND', `no ${location.name} to uninstall: ${location.path} does not exist`);
  const control = controlFor(io, location);
  const unreachable = control.unreachable();
  if (unreachable === null) control.deactivate();
  rmSync(location.path);
  if (unreachable === null) control.forget();
  printLine(io, `removed ${location.path}`);
  if (unreachable === null) printLine(io, `${location.name} stopped and disabled`);
  else printError(io, `taskkit: note: ${unreachable}; only the file was removed`);
}

/** The unit of the tasks file this command names (--config, $TASKKIT_CONFIG, ./tasks.yaml, XDG). */
export function locateFor(
  context: CommandContext,
  options: { system?: boolean },
  globals: GlobalOptions,
): ServiceLocation {
  const { io } = context;
  const { path } = locateTasksFile({ flag: globals.config, env: io.env, cwd: io.cwd });
  return locateService({
    tasksFile: path,
    env: io.env,
    manager: serviceManagerOf(io.env),
    scope: options.system === true ? 'system' : 'user',
  });
}
