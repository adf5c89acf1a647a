/** Whether a process still runs, and a bounded poll: for tests that check what a stop killed. */
import { readFileSync } from 'node:fs';

/**
 * True while `pid` exists and is not a zombie. A killed orphan stays a zombie until pid 1 reaps
 * it, which takes seconds on some VMs' init; kill(pid, 0) still succeeds on a zombie, so on Linux
 * the state letter in /proc/<pid>/stat decides.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/** Poll `condition` every 10 ms until true; throws after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
