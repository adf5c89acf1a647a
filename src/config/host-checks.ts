/**
 * Checks of this host, not of the file (issue 15): a `cwd` that is not a folder, a `shell` that is
 * not there or cannot run, a `mail:` notifier without a sendmail (issue 16.1). A run uses them only
 * when it starts, the folder may be made by an earlier task, and the file may be validated on
 * another machine than the one that runs it: so
 * they are warnings. `validate` prints them and exits 0, `start` prints them, the daemon logs them
 * at start and reload. Files taskkit reads while loading (env-file, module) are errors instead.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { basename, delimiter, isAbsolute, join, resolve } from 'node:path';

// What execvp searches when the environment has no PATH (glibc's and libuv's default).
const DEFAULT_PATH = '/usr/bin:/bin';

/** Why `path` (`written` in the file) cannot be a run's working directory, or undefined. */
export function checkFolder(path: string, written: string): string | undefined {
  const where = written === path ? path : `${written} (resolved to ${path})`;
  const found = inspect(path);
  if (found === 'folder') return undefined;
  if (found === 'missing') return `cwd not found: ${where}; runs here would fail to start until the folder exists`;
  if (found === 'file')
    return `cwd is a file, not a folder: ${where}; runs here would fail to start: point cwd at a folder`;
  if (found === 'other') return `cwd is not a folder: ${where}; runs here would fail to start: point cwd at a folder`;
  return `cannot check cwd ${where}: ${found.problem}`;
}

/**
 * Why `shell` would not start here, or undefined. A name without "/" is looked up in `pathVariable`
 * (the run's PATH), a relative path from the run's `cwd`, as spawn does.
 */
export function checkShell(
  shell: string,
  options: { cwd: string; pathVariable: string | undefined },
): string | undefined {
  const search = (options.pathVariable ?? DEFAULT_PATH).split(delimiter).filter((dir) => dir !== '');
  if (!shell.includes('/')) {
    if (findProgram(shell, search) !== undefined) return undefined;
    return `shell "${shell}" not found in PATH; runs here would fail to start: install it, or write its full path`;
  }
  const path = isAbsolute(shell) ? resolve(shell) : resolve(options.cwd, shell);
  const where = shell === path ? path : `${shell} (resolved to ${path})`;
  const found = inspect(path);
  if (found === 'missing') {
    const elsewhere = findProgram(basename(path), search);
    const hint = elsewhere === undefined ? 'install it, or name another shell' : `did you mean ${elsewhere}?`;
    return `shell not found: ${where}; runs here would fail to start: ${hint}`;
  }
  if (found === 'folder') return `shell is a folder, not a program: ${where}`;
  if (typeof found === 'object') return `cannot check shell ${where}: ${found.problem}`;
  return isExecutable(path) ? undefined : `shell is not executable: ${where}; chmod +x it, or name another shell`;
}

/** Where cron and mail tools look for sendmail when PATH has none (the `mail:` notifier does the same). */
export const SENDMAIL_FALLBACKS: readonly string[] = ['/usr/sbin/sendmail', '/usr/lib/sendmail'];

/**
 * Why a `mail:` notifier could not send from this host (no sendmail in `pathVariable`, nor at
 * `fallbacks`), or undefined. A warning: sendmail may be installed before the first alert.
 */
export function checkSendmail(
  pathVariable: string | undefined,
  fallbacks: readonly string[] = SENDMAIL_FALLBACKS,
): string | undefined {
  if (findSendmail(pathVariable, fallbacks) !== undefined) return undefined;
  return (
    `no sendmail on this host (not in PATH, nor ${fallbacks.join(' or ')}): mail alerts could not be sent; ` +
    'install a mail transfer agent (e.g. msmtp-mta, postfix) or use run, command or url'
  );
}

/** The sendmail a `mail:` notifier pipes its message to: the first in `pathVariable`, else a fallback; or undefined. */
export function findSendmail(
  pathVariable: string | undefined,
  fallbacks: readonly string[] = SENDMAIL_FALLBACKS,
): string | undefined {
  const search = (pathVariable ?? DEFAULT_PATH).split(delimiter).filter((dir) => dir !== '');
  return findProgram('sendmail', search) ?? fallbacks.find((path) => inspect(path) === 'file' && isExecutable(path));
}

type Found = 'folder' | 'file' | 'other' | 'missing' | { readonly problem: string };

function inspect(path: string): Found {
  try {
    // No exception for a plain "not there": a PATH search misses in most folders it tries.
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats === undefined) return 'missing';
    return stats.isDirectory() ? 'folder' : stats.isFile() ? 'file' : 'other';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a part of the path is a file ("afile/sub"); a dangling symlink is ENOENT too.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    return { problem: code === 'EACCES' ? 'permission denied' : (code ?? (error as Error).message) };
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable file named `name` in `dirs`, as execvp finds it. */
function findProgram(name: string, dirs: readonly string[]): string | undefined {
  for (const dir of dirs) {
    const path = join(dir, name);
    if (inspect(path) === 'file' && isExecutable(path)) return path;
  }
  return undefined;
}
