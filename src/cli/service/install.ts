/**
 * `taskkit service install [--system] [--dry-run] [--force]`: check the tasks file as the daemon
 * will, write the unit (or plist), then have the service manager load, enable and start it.
 *
 * Decisions (taskkit(1) "service"): a unit file that exists with other content is left alone
 * without --force (it may hold the user's edits; `systemctl edit` drop-ins are the place for
 * those and survive a reinstall); with --force it is replaced and the service restarted, since
 * `enable --now` would leave the old command line running. With no service manager to talk to
 * (a container), nothing is written: the unit and where it goes are printed, exit 1.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { assertTrustedFiles } from '../../config/file-trust.js';
import { formatIssues } from '../../config/issues.js';
import { ConfigError } from '../../config/config-error.js';
import type { TasksFile } from '../../config/types.js';
import { TaskkitError } from '../../errors.js';
import type { CommandContext, GlobalOptions } from '../context.js';
import { printError, printLine, type CliIo } from '../io.js';
import { loadTasksFileForCli, printWarnings } from '../tasks-file.js';
import { defineService } from './definition.js';
import { controlFor, type FileChange, type ServiceControl } from './managers.js';
import { launchdLogFile, locateService, serviceManagerOf, type ServiceLocation } from './locations.js';
import { renderPlist } from './plist-text.js';
import { currentUser, ownerOf } from './service-user.js';
import { renderUnit } from './unit-text.js';

const UNIT_FILE_MODE = 0o644;

export interface InstallOptions {
  readonly system?: boolean;
  readonly dryRun?: boolean;
  readonly force?: boolean;
}

export function runServiceInstall(context: CommandContext, options: InstallOptions, globals: GlobalOptions): void {
  const { io } = context;
  const file = loadOrExplain(context, globals);
  if (file === null) return;
  printWarnings(io, file);
  const scope = options.system === true ? 'system' : 'user';
  const location = locateService({ tasksFile: file.path, env: io.env, manager: serviceManagerOf(io.env), scope });
  // The daemon refuses a file its user cannot trust: refuse it now rather than install a unit that fails.
  const user = scope === 'system' ? ownerOf(file.path) : currentUser();
  assertTrustedFiles(file, { insecure: false, uid: user.uid });
  const definition = defineService({
    io,
    tasksFile: file.path,
    socket: globals.socket === undefined ? undefined : resolve(io.cwd, globals.socket),
    shutdownGraceMs: file.settings.shutdownGraceMs,
    runAs: scope === 'system' && user.uid !== 0 ? user.name : null,
    version: context.version,
  });
  const text =
    location.manager === 'launchd'
      ? renderPlist(definition, location.name, launchdLogFile(location, io.env))
      : renderUnit(definition, location);

  if (options.dryRun === true) {
    printError(io, `taskkit: dry run: would write ${location.path} (nothing written, nothing started)`);
    io.stdout.write(text);
    return;
  }
  const control = controlFor(io, location);
  const unreachable = control.unreachable();
  if (unreachable !== null) {
    explainManualInstall(io, location, control, unreachable);
    io.stdout.write(text);
    context.exitCode = 1;
    return;
  }
  const change = writeUnitFile(location, text, options.force === true);
  control.activate(change);
  reportInstalled(io, location, control, change);
  if (scope === 'system' && file.settings.socket === null) explainSystemSocket(io);
}

/** The tasks file, or null after printing every problem (exit 2): nothing is installed for a file with errors. */
function loadOrExplain(context: CommandContext, globals: GlobalOptions): TasksFile | null {
  try {
    return loadTasksFileForCli(context.io, globals.config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    printError(context.io, formatIssues(error.issues, error.sourceText));
    printError(context.io, `taskkit: ${error.message}`);
    printError(
      context.io,
      'taskkit: service install refused: nothing was installed (fix the tasks file, see taskkit validate)',
    );
    context.exitCode = 2;
    return null;
  }
}

/** Write the file (atomically: a half-written unit is never read); what changed. */
function writeUnitFile(location: ServiceLocation, text: string, force: boolean): FileChange {
  const before = existsSync(location.path) ? readFileSync(location.path, 'utf8') : undefined;
  if (before === text) return 'same';
  if (before !== undefined && !force)
    throw new TaskkitError(
      'CONFLICT',
      `${location.path} exists with other content (your edits, or another taskkit's); ` +
        'compare it with `taskkit service install --dry-run`, then add --force to replace it',
    );
  mkdirSync(dirname(location.path), { recursive: true });
  const temporary = `${location.path}.taskkit-${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text, { mode: UNIT_FILE_MODE });
    renameSync(temporary, location.path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM')
      throw new TaskkitError(
        'SERVICE_MANAGER',
        `cannot write ${location.path} (${code}): a system unit needs root (sudo)`,
        {
          cause: error,
        },
      );
    throw error;
  }
  return before === undefined ? 'new' : 'replaced';
}

function explainManualInstall(io: CliIo, location: ServiceLocation, control: ServiceControl, why: string): void {
  const start =
    location.manager === 'launchd'
      ? `launchctl bootstrap ${location.scope === 'system' ? 'system' : 'gui/$(id -u)'} ${location.path}`
      : `${control.tool} daemon-reload && ${control.tool} enable --now ${location.name}`;
  printError(
    io,
    [
      `taskkit: cannot install the service: ${why}.`,
      `Nothing was written. The ${location.manager === 'launchd' ? 'plist' : 'unit'} is below (standard output);`,
      `on a machine that runs ${location.manager}, put it in ${location.path} and run: ${start}`,
      'Without a service manager (a container), run `taskkit start --foreground` as its main process.',
    ].join('\n'),
  );
}

function reportInstalled(io: CliIo, location: ServiceLocation, control: ServiceControl, change: FileChange): void {
  const wrote = { new: 'wrote', same: 'unchanged:', replaced: 'replaced' }[change];
  printLine(io, `${wrote} ${location.path}`);
  if (location.manager === 'launchd') {
    printLine(io, `${location.name} loaded: it starts at ${location.scope === 'system' ? 'boot' : 'login'}`);
    return;
  }
  const started = change === 'replaced' ? 'enabled and restarted' : 'enabled and started';
  printLine(io, `${location.name} ${started}; see \`${control.tool} status ${location.name}\``);
  if (location.scope === 'user' && !lingers(io)) {
    printLine(io, 'A user unit runs while you are logged in. To start it at boot and keep it after you log out:');
    printLine(io, `  loginctl enable-linger ${io.env['USER'] ?? currentUser().name}`);
  }
}

/** logind keeps a user's manager from boot to shutdown when /var/lib/systemd/linger/USER exists. */
function lingers(io: CliIo): boolean {
  return existsSync(join('/var/lib/systemd/linger', io.env['USER'] ?? currentUser().name));
}

/** A system service has no XDG_RUNTIME_DIR: its socket is not where a login shell's taskkit looks first. */
function explainSystemSocket(io: CliIo): void {
  printError(
    io,
    'taskkit: note: a system service has no $XDG_RUNTIME_DIR, so its control socket is <state-dir>/taskkit.sock; ' +
      'set `socket:` in the settings so that `taskkit status` finds it from a login shell',
  );
}
