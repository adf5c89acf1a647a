/**
 * Like cron with crontab files, taskkit refuses to run commands from a file another user can
 * change: whoever can write the tasks file (or a module or env file it names) runs code as the
 * daemon's user. `--insecure` turns this off for containers, where users mean little.
 * The rule (cronie's load_user refuses group- and world-writable crontabs the same way): a file is
 * trusted when it is owned by the daemon's user or root, is not writable by group or others, and
 * its folder is not writable by others who could replace it (the sticky bit of /tmp prevents that).
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { TaskkitError } from '../errors.js';
import type { TasksFile } from './types.js';

const GROUP_OR_OTHER_WRITE = 0o022;
const STICKY = 0o1000;

/** What the files of `file` are, for the messages. */
type FileRole = 'tasks file' | 'module file' | 'env file';

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
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return undefined;
  }
  const fix = `; taskkit runs what it says, so like cron it refuses a file others can change (or pass --insecure)`;
  if (stats.uid !== uid && stats.uid !== 0) return `${role} ${path} is owned by user ${stats.uid}, not by you (${uid}) or root${fix}`;
  if ((stats.mode & GROUP_OR_OTHER_WRITE) !== 0) {
    return `${role} ${path} is writable by ${describeWriters(stats.mode)} (mode ${formatMode(stats.mode)}): chmod go-w ${path}${fix}`;
  }
  const folder = dirname(path);
  try {
    const dir = statSync(folder);
    if ((dir.mode & GROUP_OR_OTHER_WRITE) !== 0 && (dir.mode & STICKY) === 0) {
      return `${role} ${path} is in ${folder}, which ${describeWriters(dir.mode)} can write (mode ${formatMode(dir.mode)}), so they could replace it: chmod go-w ${folder}${fix}`;
    }
  } catch {
    // The file was readable through this folder a moment ago; a race is not a trust problem.
  }
  return undefined;
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
export function assertTrustedFiles(file: TasksFile, options: { readonly insecure: boolean; readonly uid: number }): void {
  if (options.insecure) return;
  const problems = findUntrustedFiles(file, options.uid);
  if (problems.length > 0) throw new TaskkitError('CONFIG_INSECURE', problems.join('\n'));
}
