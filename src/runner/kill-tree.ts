/**
 * Stopping a process run: SIGTERM to its whole process group, then SIGKILL to the group after
 * kill-after if any member is left (DESIGN.md "Runs"; when is lifecycle.ts's decision). The group,
 * not the leader, decides: a shell that dies on SIGTERM must not leave behind a grandchild that
 * ignores it. Each run leads its own group (spawned detached), so `kill(-pid)` reaches the children
 * and grandchildren a shell line started.
 */
import { hasLiveMember } from './group-members.js';

/** Send `signal` to the process group led by `pid`; false when the group is already gone. */
export function signalProcessGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    // ESRCH: every member already exited, which is what we wanted. EPERM: nothing more we can do.
    if (isErrno(error, 'ESRCH') || isErrno(error, 'EPERM')) return false;
    throw error;
  }
}

const GROUP_POLL_MS = 50;

/** True while the group led by `pid` has a member that is not a zombie (group-members.ts). */
export function isGroupAlive(pid: number): boolean {
  return hasLiveMember(pid);
}

/** SIGKILL the group if a live member is left (kill-after ran out); true when the signal went out. */
export function killGroupIfAlive(pid: number): boolean {
  return isGroupAlive(pid) && signalProcessGroup(pid, 'SIGKILL');
}

export interface GroupWatch {
  /** Resolves once the group has no live member, or on dispose. */
  readonly gone: Promise<void>;
  dispose(): void;
}

/**
 * Only while a stop is under way: notice as soon as the last member is gone, so a run does not
 * wait out kill-after for nothing (and zombies awaiting their reaper do not count for long).
 * Polling /proc is not a wait for time: it stays on real timers.
 */
export function watchGroup(pid: number): GroupWatch {
  let resolveGone: () => void = () => undefined;
  const gone = new Promise<void>((resolve) => (resolveGone = resolve));
  const dispose = (): void => {
    clearInterval(pollTimer);
    resolveGone();
  };
  const pollTimer = setInterval(() => {
    if (!isGroupAlive(pid)) dispose();
  }, GROUP_POLL_MS);
  return { gone, dispose };
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
