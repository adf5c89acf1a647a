/**
 * The detached daemon's log, `<state-dir>/taskkit.log`, is capped (issue 15): one every-second task
 * wrote ~16 MB a day to it, without end. Once it reaches LOG_MAX_BYTES it is copied to
 * `taskkit.log.1` (the older copies move up to `.2` ... `.LOG_KEEP`, the last one goes) and
 * truncated, as logrotate's `copytruncate` does. Copy, not rename: the file is the daemon's
 * stdout and stderr (detach.ts), opened with O_APPEND, so a crash's stack trace, a Node warning
 * and the tasks-file loader's stderr land in it too; Node cannot point descriptors 1 and 2 at a
 * new file (no dup2), and after a rename they would go on writing to `taskkit.log.1`.
 */
import { chmodSync, copyFileSync, fstatSync, ftruncateSync, renameSync, statSync } from 'node:fs';

/** The size at which taskkit.log is rotated. */
export const LOG_MAX_BYTES = 10 * 1024 * 1024;
/** Rotated files kept: taskkit.log.1 (newest) to taskkit.log.3; at most ~40 MiB in all. */
export const LOG_KEEP = 3;
/** The file's real size is read after this many bytes of the daemon's own lines (others write to it too). */
const CHECK_EVERY_BYTES = 64 * 1024;
const LOG_FILE_MODE = 0o600;

export interface LogRotationOptions {
  /** The log file's path. */
  readonly path: string;
  /** A descriptor open on it for appending (the daemon's stderr). */
  readonly fd: number;
  readonly maxBytes?: number;
  readonly keep?: number;
}

export interface LogRotation {
  /** Count bytes just written; true when the file was rotated (a notice line may follow). */
  wrote(bytes: number): boolean;
}

/** Rotation of `path`, written through `fd`; checks the size at once (a log left big by an older daemon). */
export function createLogRotation(options: LogRotationOptions): LogRotation {
  const maxBytes = options.maxBytes ?? LOG_MAX_BYTES;
  const keep = Math.max(1, options.keep ?? LOG_KEEP);
  const checkEvery = Math.min(CHECK_EVERY_BYTES, Math.max(1, Math.floor(maxBytes / 4)));
  let sinceCheck = checkEvery;
  const rotation: LogRotation = {
    wrote(bytes) {
      sinceCheck += bytes;
      if (sinceCheck < checkEvery) return false;
      sinceCheck = 0;
      if (fstatSync(options.fd).size < maxBytes) return false;
      rotateLogFile(options.path, options.fd, keep);
      return true;
    },
  };
  rotation.wrote(0);
  return rotation;
}

/** Shift `.1`..`.keep-1` up by one, copy the file to `.1`, and empty it through `fd`. */
export function rotateLogFile(path: string, fd: number, keep: number): void {
  for (let i = keep - 1; i >= 1; i--) {
    try {
      renameSync(`${path}.${i}`, `${path}.${i + 1}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  copyFileSync(path, `${path}.1`);
  // Owner only, like the log itself: it holds task names, error text and notes.
  chmodSync(`${path}.1`, LOG_FILE_MODE);
  ftruncateSync(fd, 0);
}

/** True when `fd` is open on the file at `path` (the detached daemon's stderr is its log file). */
export function isDescriptorOf(fd: number, path: string): boolean {
  try {
    const open = fstatSync(fd);
    const named = statSync(path);
    return open.isFile() && open.dev === named.dev && open.ino === named.ino;
  } catch {
    return false;
  }
}
