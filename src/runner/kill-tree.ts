/**
 * Stopping a process run: SIGTERM to its whole process group, then SIGKILL to the group after
 * kill-after if any member is left (DESIGN.md "Runs"). The group, not the leader, decides: a shell
 * that dies on SIGTERM must not leave behind a grandchild that ignores it. Each run leads its own group (spawned
 * detached), so `kill(-pid)` reaches the children and grandchildren a shell line started.
 */
import { formatDuration } from '../schedule/duration.js';
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

export interface GroupStop {
  /** What was actually sent so far, e.g. "sent SIGTERM, then SIGKILL after 10s"; "" if nothing. */
  describeSent(): string;
  /** Resolves once kill-after has passed (and SIGKILL went out if the group was still there), or on dispose. */
  readonly settled: Promise<void>;
  /** Forget the pending SIGKILL (the whole group is gone). */
  dispose(): void;
}

export interface GroupStopOptions {
  readonly pid: number;
  readonly killAfterMs: number;
}

/** True while the group led by `pid` has a member that is not a zombie (group-members.ts). */
export function isGroupAlive(pid: number): boolean {
  return hasLiveMember(pid);
}

/** SIGTERM the group now and arm the SIGKILL escalation. */
export function stopProcessGroup(options: GroupStopOptions): GroupStop {
  const sent: string[] = [];
  if (signalProcessGroup(options.pid, 'SIGTERM')) sent.push('SIGTERM');
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const dispose = (): void => {
    clearTimeout(killTimer);
    clearInterval(pollTimer);
    settle();
  };
  const killTimer = setTimeout(() => {
    if (isGroupAlive(options.pid) && signalProcessGroup(options.pid, 'SIGKILL')) sent.push(`SIGKILL after ${formatDuration(options.killAfterMs)}`);
    dispose();
  }, options.killAfterMs);
  // Only while a stop is under way: notice as soon as the last member is gone, so a run does not
  // wait out kill-after for nothing (and zombies awaiting their reaper do not count for long).
  const pollTimer = setInterval(() => {
    if (!isGroupAlive(options.pid)) dispose();
  }, GROUP_POLL_MS);
  return { describeSent: () => (sent.length === 0 ? '' : `sent ${sent.join(', then ')}`), settled, dispose };
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
