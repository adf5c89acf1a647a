/**
 * Where `taskkit service` puts a service definition and what it calls it: the service manager of
 * this platform (systemd, or launchd on macOS), user or system scope, the unit's name derived from
 * the tasks file, and the folder it goes in.
 */
import { createHash } from 'node:crypto';
import { basename, extname, isAbsolute, join } from 'node:path';
import { homeOf } from '../../config/settings.js';
import { TaskkitError } from '../../errors.js';

type Env = Readonly<Record<string, string | undefined>>;

export type ServiceManager = 'systemd' | 'launchd';
export type ServiceScope = 'user' | 'system';

/**
 * Test-only: the platform `taskkit service` acts as if on ("linux" or "darwin"), so that the launchd
 * path is tested on Linux (with a fake launchctl). Not documented for users.
 */
export const SERVICE_PLATFORM_ENV = 'TASKKIT_SERVICE_PLATFORM';

export interface ServiceLocation {
  readonly manager: ServiceManager;
  readonly scope: ServiceScope;
  /** The tasks file the service runs, absolute. */
  readonly tasksFile: string;
  /** `taskkit.service` / `taskkit-work-1a2b3c4d.service`; launchd: `org.taskkit.taskkit` etc. (no .plist). */
  readonly name: string;
  /** Absolute path of the unit file or plist. */
  readonly path: string;
}

/** systemd for Linux and the other Unixes, launchd for macOS; refused elsewhere (Windows). */
export function serviceManagerOf(env: Env, platform: NodeJS.Platform = process.platform): ServiceManager {
  const chosen = env[SERVICE_PLATFORM_ENV] ?? platform;
  if (chosen === 'darwin') return 'launchd';
  if (chosen === 'win32')
    throw new TaskkitError(
      'USAGE',
      'service: Windows has no systemd or launchd; use the Task Scheduler to start taskkit',
    );
  return 'systemd';
}

/**
 * The unit's base name: `taskkit` for the tasks file taskkit finds from anywhere
 * ($XDG_CONFIG_HOME/taskkit/tasks.yaml), else `taskkit-<file name>-<8 hex of its path's SHA-256>`,
 * so that two tasks files (even two called tasks.yaml) get two units, and the same path always
 * finds its own unit again for `status` and `uninstall`.
 */
export function serviceBaseName(tasksFile: string, env: Env): string {
  if (tasksFile === defaultTasksFile(env)) return 'taskkit';
  const stem = basename(tasksFile, extname(tasksFile))
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32);
  const hash = createHash('sha256').update(tasksFile).digest('hex').slice(0, 8);
  return stem === '' ? `taskkit-${hash}` : `taskkit-${stem}-${hash}`;
}

/** Where the unit (or plist) for `tasksFile` lives. */
export function locateService(options: {
  tasksFile: string;
  env: Env;
  manager: ServiceManager;
  scope: ServiceScope;
}): ServiceLocation {
  const { tasksFile, env, manager, scope } = options;
  const base = serviceBaseName(tasksFile, env);
  if (manager === 'launchd') {
    const name = `org.taskkit.${base}`;
    const folder = scope === 'system' ? '/Library/LaunchDaemons' : join(homeOf(env), 'Library', 'LaunchAgents');
    return { manager, scope, tasksFile, name, path: join(folder, `${name}.plist`) };
  }
  const name = `${base}.service`;
  const folder = scope === 'system' ? '/etc/systemd/system' : join(configHome(env), 'systemd', 'user');
  return { manager, scope, tasksFile, name, path: join(folder, name) };
}

/** Where launchd's agent writes the daemon's log (launchd has no journal): ~/Library/Logs or /Library/Logs. */
export function launchdLogFile(location: ServiceLocation, env: Env): string {
  const folder = location.scope === 'system' ? '/Library/Logs' : join(homeOf(env), 'Library', 'Logs');
  return join(folder, `${location.name}.log`);
}

function defaultTasksFile(env: Env): string {
  return join(configHome(env), 'taskkit', 'tasks.yaml');
}

/** $XDG_CONFIG_HOME when absolute (XDG: a relative one is ignored), else ~/.config; systemd reads the same. */
function configHome(env: Env): string {
  const xdg = env['XDG_CONFIG_HOME'];
  return xdg !== undefined && isAbsolute(xdg) ? xdg : join(homeOf(env), '.config');
}
