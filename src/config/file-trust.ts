/**
 * Like cron with crontab files, taskkit refuses to run commands from a file another user can
 * change: whoever can write the tasks file (or a module or env file it names) runs code as the
 * daemon's user. `--insecure` turns this off for containers, where users mean little.
 * The rule (cronie's load_user refuses group- and world-writable crontabs the same way): a file is
 * trusted when it is owned by the daemon's user or root and is not writable by group or others,
 * and every folder on its real path is owned by that user or root and is not writable by others
 * who could replace what is below it (the sticky bit of /tmp prevents that).
 *
 * Issue 15 point 11: the check once looked at the folder of the path as given and read the file
 * before checking it, both by path, so a symlink another user flipped in between made root run
 * their task. Now the real path is resolved, every folder on it checked, and the file opened
 * once (O_NOFOLLOW): its owner and mode come from that descriptor (fstat), which is then read.
 */
import { closeSync, constants, fstatSync, openSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { TaskkitError } from '../errors.js';
import type { TasksFile } from './types.js';

const GROUP_OR_OTHER_WRITE = 0o022;
const STICKY = 0o1000;

/** What the files of `file` are, for the messages. */
export type FileRole = 'tasks file' | 'module file' | 'env file';

/** Whose files are trusted; null (`--insecure`) trusts every file. */
export type FileTrust = { readonly uid: number } | null;

const FIX = '; taskkit runs what it says, so like cron it refuses a file others can change (or pass --insecure)';

/** Every problem with the files `file` runs code from; [] when all are trusted. */
export function findUntrustedFiles(file: TasksFile, uid: number): string[] {
  const checked = new Set<string>();
  const problems: string[] = [];
  const check = (path: string, role: FileRole): void => {
    if (checked.has(path)) return;
    checked.add(path);
    const problem = checkFileTrust(path, role, uid);
    if (problem !== undefined) problems.push(problem);
  };
  check(file.path, 'tasks file');
  for (const task of file.tasks) {
    if (task.action.kind === 'module') check(task.action.path, 'module file');
    if (task.envFile !== null) check(task.envFile, 'env file');
  }
  return problems;
}

/** Why `path` may not be trusted by the user `uid`, or undefined. A missing file is not this check's business. */
export function checkFileTrust(path: string, role: FileRole, uid: number): string | undefined {
  let real: string;
  let stats: Stats;
  try {
    real = realpathSync(path);
    stats = statSync(real);
  } catch {
    return undefined;
  }
  const label = subject(path, real, role);
  return describeFileProblem(stats, label, real, uid) ?? describeFolderProblem(real, label, uid);
}

/**
 * Open `path` for reading after the trust check (none when `trust` is null), returning the
 * descriptor that was checked. Throws CONFIG_INSECURE naming the problem; open errors as they are.
 */
export function openTrusted(path: string, role: FileRole, trust: FileTrust): number {
  if (trust === null) return openSync(path, 'r');
  const real = realpathSync(path);
  // O_NOFOLLOW: the last part cannot become a symlink between realpath and open; the folders
  // above it are checked below, and nobody but their owner (the user or root) can change them.
  const fd = openSync(real, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const label = subject(path, real, role);
    const problem =
      describeFileProblem(fstatSync(fd), label, real, trust.uid) ?? describeFolderProblem(real, label, trust.uid);
    if (problem !== undefined) throw new TaskkitError('CONFIG_INSECURE', problem);
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** The real path of a trusted file (what later reads must open, so they see what was checked). */
export function resolveTrusted(path: string, role: FileRole, trust: FileTrust): string {
  if (trust === null) return path;
  const problem = checkFileTrust(path, role, trust.uid);
  if (problem !== undefined) throw new TaskkitError('CONFIG_INSECURE', problem);
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function describeFileProblem(stats: Stats, label: string, path: string, uid: number): string | undefined {
  if (stats.uid !== uid && stats.uid !== 0)
    return `${label} is owned by user ${stats.uid}, not by you (${uid}) or root${FIX}`;
  if ((stats.mode & GROUP_OR_OTHER_WRITE) !== 0) {
    return (
      `${label} is writable by ${describeWriters(stats.mode)} (mode ${formatMode(stats.mode)}): ` +
      `chmod go-w ${path}${FIX}`
    );
  }
  return undefined;
}

/** The first folder on `real` (innermost first) that another user could use to replace the file. */
function describeFolderProblem(real: string, label: string, uid: number): string | undefined {
  let where = 'in';
  for (let folder = dirname(real); ; folder = dirname(folder)) {
    let dir: Stats;
    try {
      dir = statSync(folder);
    } catch {
      // The file was readable through this folder a moment ago; a race is not a trust problem.
      return undefined;
    }
    if (dir.uid !== uid && dir.uid !== 0) {
      return (
        `${label} is ${where} ${folder}, owned by user ${dir.uid}, not by you (${uid}) or root, ` +
        `who could replace it${FIX}`
      );
    }
    if ((dir.mode & GROUP_OR_OTHER_WRITE) !== 0 && (dir.mode & STICKY) === 0) {
      return (
        `${label} is ${where} ${folder}, which ${describeWriters(dir.mode)} can write (mode ` +
        `${formatMode(dir.mode)}), so they could replace it: chmod go-w ${folder}${FIX}`
      );
    }
    if (folder === dirname(folder)) return undefined;
    where = 'under';
  }
}

/** "tasks file /real/path", and the path given when a symlink led there. */
function subject(path: string, real: string, role: FileRole): string {
  return real === resolve(path) ? `${role} ${real}` : `${role} ${real} (the target of ${path})`;
}

function describeWriters(mode: number): string {
  const group = (mode & 0o020) !== 0;
  const other = (mode & 0o002) !== 0;
  return group && other ? 'its group and every user' : group ? 'its group' : 'every user';
}

function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** Throw CONFIG_INSECURE listing every untrusted file, unless `insecure`. */
export function assertTrustedFiles(
  file: TasksFile,
  options: { readonly insecure: boolean; readonly uid: number },
): void {
  if (options.insecure) return;
  const problems = findUntrustedFiles(file, options.uid);
  if (problems.length > 0) throw new TaskkitError('CONFIG_INSECURE', problems.join('\n'));
}
