/**
 * `taskkit service status [--system]`: is a unit installed for this tasks file, where, and what the
 * service manager says of it. Exit 0 when installed and running, 3 when installed but not running
 * (no daemon, as `taskkit status`), 1 when no unit is installed for the file.
 */
import { existsSync } from 'node:fs';
import type { CommandContext, GlobalOptions } from '../context.js';
import { printJson, printLines } from '../io.js';
import { controlFor, type ServiceState } from './managers.js';
import { locateFor } from './uninstall.js';

const RUNNING = new Set(['active', 'running', 'reloading']);

export function runServiceStatus(context: CommandContext, options: { system?: boolean }, globals: GlobalOptions): void {
  const { io } = context;
  const location = locateFor(context, options, globals);
  const installed = existsSync(location.path);
  const control = controlFor(io, location);
  const unreachable = control.unreachable();
  const state: ServiceState | null = unreachable === null ? control.state() : null;
  context.exitCode = !installed ? 1 : state !== null && RUNNING.has(state.active) ? 0 : 3;
  if (globals.json === true)
    return printJson(io, {
      manager: location.manager,
      scope: location.scope,
      name: location.name,
      path: location.path,
      tasksFile: location.tasksFile,
      installed,
      active: state?.active ?? null,
      enabled: state?.enabled ?? null,
      unreachable,
    });
  const launchd = location.manager === 'launchd';
  const kind = launchd
    ? `launchd ${location.scope === 'system' ? 'daemon' : 'agent'}`
    : `systemd ${location.scope} unit`;
  printLines(io, [
    `unit:      ${location.name} (${kind})`,
    `file:      ${location.path}${installed ? '' : ' (not installed)'}`,
    `tasks:     ${location.tasksFile}`,
    ...(state === null
      ? [`manager:   ${unreachable ?? ''}`]
      : [
          `active:    ${state.active} (${launchd ? 'launchctl print' : `${control.tool} is-active`})`,
          `enabled:   ${state.enabled} (${launchd ? 'launchctl print' : `${control.tool} is-enabled`})`,
        ]),
  ]);
}
