/**
 * Put the edited text in place of the tasks file atomically, as an editor that cares does: a new
 * file beside the target (same folder, so same file system), written and fsynced, given the old
 * file's mode and owner, then renamed over it, and the folder fsynced. A reader (the daemon's
 * reload) sees the old file or the new one, never half of one. A symbolic link is kept: its
 * target is replaced.
 */
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';

/** Replace (or create) the file `path` names with `text`; returns the path written (a link's target). */
export function replaceFileAtomically(path: string, text: string): string {
  const target = followLink(path);
  const existing = statOrNull(target);
  const folder = dirname(target);
  if (existing === null) mkdirSync(folder, { recursive: true });
  const temp = join(folder, `.${basename(target)}.taskkit-edit-${randomBytes(4).toString('hex')}`);
  // A new file gets 0644 less the umask; an existing one gets its own mode below.
  const fd = openSync(temp, 'wx', existing === null ? 0o644 : 0o600);
  try {
    writeFileSync(fd, text);
    if (existing !== null) keepModeAndOwner(fd, existing);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  syncFolder(folder);
  return target;
}

/** The file a link leads to (also a dangling one, which the edit creates); else `path` itself. */
function followLink(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const link = lstatOrNull(path);
    return link?.isSymbolicLink() === true ? resolve(dirname(path), readlinkSync(path)) : path;
  }
}

function keepModeAndOwner(fd: number, existing: Stats): void {
  fchmodSync(fd, existing.mode & 0o7777);
  const mine = fstatSync(fd);
  if (mine.uid === existing.uid && mine.gid === existing.gid) return;
  try {
    fchownSync(fd, existing.uid, existing.gid);
  } catch (error) {
    // Another owner would change who the daemon trusts the file from (config/file-trust.ts).
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(`cannot keep its owner (uid ${existing.uid}, gid ${existing.gid}): ${reason}`, { cause: error });
  }
  // chown clears set-id bits on some systems: put the mode back.
  fchmodSync(fd, existing.mode & 0o7777);
}

function syncFolder(folder: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse to fsync a folder; the rename itself is done.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}
