/** Whether a pid names a live process (and a taskkit one): for stale pid files and `taskkit stop`. */
import { readFileSync } from 'node:fs';

/**
 * True while `pid` exists and is not a zombie. kill(pid, 0) succeeds on a zombie, and a daemon
 * whose parent exited is reaped by pid 1 - which in some containers never reaps - so on Linux the
 * state letter in /proc/<pid>/stat decides. EPERM means it exists under another user.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    return stat.slice(close + 2, close + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/**
 * True when `pid` is alive and, where /proc tells, runs taskkit: after a crash and a reboot a
 * stale pid file's number may belong to an unrelated process, which must not block a start.
 */
export function isTaskkitProcess(pid: number): boolean {
  if (!isProcessAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('taskkit');
  } catch {
    return process.platform !== 'linux';
  }
}
