/** Find the tasks file (DESIGN.md "The tasks file": flag, $TASKKIT_CONFIG, ./tasks.yaml, XDG). */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { TaskkitError } from '../errors.js';
import { homeOf } from './settings.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The path to load and the paths considered. An explicit choice (the flag, then
 * $TASKKIT_CONFIG) is returned even when missing, so that loading names it; the implicit
 * places are used only when they exist.
 */
export function locateTasksFile(options: { flag: string | undefined; env: Env; cwd: string }): {
  path: string;
  searched: readonly string[];
} {
  const { flag, env, cwd } = options;
  if (flag !== undefined) {
    const path = resolve(cwd, flag);
    return { path, searched: [path] };
  }
  const fromEnv = env['TASKKIT_CONFIG'];
  if (fromEnv !== undefined && fromEnv !== '') {
    const path = resolve(cwd, fromEnv);
    return { path, searched: [path] };
  }
  const candidates = [join(cwd, 'tasks.yaml'), userTasksFilePath(env)];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found !== undefined) return { path: found, searched: candidates.slice(0, candidates.indexOf(found) + 1) };
  throw new TaskkitError(
    'CONFIG_NOT_FOUND',
    `no tasks file found; looked at: ${candidates.join(', ')} (use --config FILE)`,
  );
}

/** `$XDG_CONFIG_HOME/taskkit/tasks.yaml` (`~/.config/taskkit/tasks.yaml`): the user's own, which `edit` creates. */
export function userTasksFilePath(env: Env): string {
  const xdg = env['XDG_CONFIG_HOME'];
  // XDG Base Directory: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const configHome = xdg !== undefined && isAbsolute(xdg) ? xdg : join(homeOf(env), '.config');
  return join(configHome, 'taskkit', 'tasks.yaml');
}
