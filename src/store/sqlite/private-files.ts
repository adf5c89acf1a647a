/**
 * The database holds every run's output, secrets included, so its files are the owner's alone
 * (issue 15 point 13): SQLite creates the database with 0644 filtered by the umask (0666 under
 * umask 000), and gives the -wal and -shm files the database's own mode. Creating the database
 * 0600 before SQLite opens it therefore makes all three private, whatever the umask.
 */
import { chmodSync, closeSync, constants, fchmodSync, fstatSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** Mode of the database, its -wal and its -shm. */
export const DATABASE_FILE_MODE = 0o600;

/** Bits of a state dir that let other users in (search permission for group or others). */
const OTHERS_ENTER = 0o011;

/**
 * Create `path` 0600 if missing; tighten it, its -wal and its -shm to 0600 when an older taskkit
 * (or a umask) left them readable by others. Returns one warning per file tightened.
 */
export function makeDatabaseFilesPrivate(path: string): string[] {
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, DATABASE_FILE_MODE);
  const warnings: string[] = [];
  try {
    const mode = fstatSync(fd).mode & 0o777;
    if (mode !== DATABASE_FILE_MODE) {
      fchmodSync(fd, DATABASE_FILE_MODE);
      if ((mode & 0o077) !== 0) warnings.push(tightened(path, mode));
    }
  } finally {
    closeSync(fd);
  }
  for (const sidecar of [`${path}-wal`, `${path}-shm`]) {
    const mode = modeOf(sidecar);
    if (mode === null || (mode & 0o077) === 0) continue;
    chmodSync(sidecar, DATABASE_FILE_MODE);
    warnings.push(tightened(sidecar, mode));
  }
  return warnings;
}

/** A warning when other users may enter the database's folder (they can list it, and more if it is writable). */
export function describeOpenStateDir(path: string): string | null {
  const dir = dirname(path);
  const mode = modeOf(dir);
  if (mode === null || (mode & OTHERS_ENTER) === 0) return null;
  return (
    `state dir ${dir} can be entered by other users (mode ${octal(mode)}): the database, ` +
    `log and socket in it are 0600, ` +
    `but others can see what is there; chmod 700 ${dir} unless you share it on purpose`
  );
}

function tightened(path: string, mode: number): string {
  return `${path} was readable by other users (mode ${octal(mode)}); made it ${octal(DATABASE_FILE_MODE)}`;
}

function modeOf(path: string): number | null {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return null;
  }
}

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}
