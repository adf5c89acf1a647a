/**
 * Taking the state dir's storage away under a running daemon, and giving it back. `chmod` does not
 * stop root (CI runs as root), and a tmpfs cannot be remounted read-only while the daemon holds
 * files open for writing (EBUSY), so the two faults that work on a live daemon are:
 * - full: the state dir is a small tmpfs, filled up with a ballast file but for SLACK_BYTES (a
 *   run's small row still fits, a 20 KB output does not: the case where writing the waiting rows
 *   one by one used to store the small ones and drop the big ones), then the ballast goes;
 * - read-only: `chattr +i` on the database and its WAL (the kernel then refuses every write to
 *   them, root's too: SQLite reports an I/O error), then `chattr -i`.
 * Both need privileges or a file system that not every CI has: `probe` says why one is unusable.
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface StorageFault {
  readonly name: string;
  /** Null when usable here, else why not. */
  probe(): string | null;
  /** Before the daemon starts: prepare the (empty) state dir. */
  prepare(stateDir: string): void;
  /** Take the storage away. */
  inject(stateDir: string): void;
  /** Give it back. */
  heal(stateDir: string): void;
  /** After the daemon is gone, even after a failure: leave nothing mounted or immutable. */
  cleanup(stateDir: string): void;
}

/** The tmpfs the state dir becomes: room for the database of a short test, not for the ballast. */
const TMPFS_SIZE = '2m';
const BALLAST = 'ballast';

function run(file: string, args: readonly string[]): void {
  execFileSync(file, args, { stdio: 'pipe' });
}

function describeFailure(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
  return stderr !== undefined && stderr !== '' ? stderr : error instanceof Error ? error.message : String(error);
}

/** Free space the full disk keeps: a few pages. */
const SLACK_BYTES = 24 * 1024;

/** Write zeros to `path` until the file system says ENOSPC, then give back `leave` bytes. */
function fillUp(path: string, leave: number): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(4096);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  try {
    ftruncateSync(fd, Math.max(0, written - leave));
  } finally {
    closeSync(fd);
  }
}

export const FULL_DISK: StorageFault = {
  name: 'full',
  probe() {
    const dir = mkdtempSync(join(tmpdir(), 'tk-probe-'));
    try {
      run('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
      run('umount', [dir]);
      return null;
    } catch (error) {
      return `cannot mount a tmpfs here (${describeFailure(error)})`;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  prepare(stateDir) {
    mkdirSync(stateDir, { recursive: true });
    run('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE},mode=0700`, 'tmpfs', stateDir]);
  },
  inject(stateDir) {
    fillUp(join(stateDir, BALLAST), SLACK_BYTES);
  },
  heal(stateDir) {
    unlinkSync(join(stateDir, BALLAST));
  },
  cleanup(stateDir) {
    try {
      run('umount', [stateDir]);
    } catch {
      // not mounted (prepare failed), or already gone
    }
  },
};

/** The files SQLite writes to (the WAL index, -shm, is written through mmap, which chattr does not stop). */
const DB_FILES = ['taskkit.db', 'taskkit.db-wal'];

function setImmutable(stateDir: string, on: boolean): void {
  const files = DB_FILES.map((name) => join(stateDir, name)).filter((path) => existsSync(path));
  if (files.length > 0) run('chattr', [on ? '+i' : '-i', ...files]);
}

export const READ_ONLY_FILES: StorageFault = {
  name: 'read-only',
  probe() {
    const dir = mkdtempSync(join(tmpdir(), 'tk-probe-'));
    const file = join(dir, 'probe');
    try {
      writeFileSync(file, 'x');
      run('chattr', ['+i', file]);
      run('chattr', ['-i', file]);
      return null;
    } catch (error) {
      return `chattr +i does not work on ${tmpdir()} (${describeFailure(error)})`;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  prepare(stateDir) {
    mkdirSync(stateDir, { recursive: true });
  },
  inject(stateDir) {
    setImmutable(stateDir, true);
  },
  heal(stateDir) {
    setImmutable(stateDir, false);
  },
  cleanup(stateDir) {
    try {
      setImmutable(stateDir, false);
    } catch {
      // the state dir is gone, or was never made immutable
    }
  },
};
