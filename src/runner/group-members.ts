/**
 * Whether a process group still has a live member. kill(-pgid, 0) alone is not enough: it succeeds
 * while only zombies are left, and they stay until their reaper gets to them (pid 1 of a container
 * may never): a run whose whole group died on SIGTERM would then wait out kill-after and be
 * recorded as SIGKILLed. /proc tells zombies apart on Linux; elsewhere the signal answer stands.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** True when a process of group `pgid` is alive and not a zombie. */
export function hasLiveMember(pgid: number): boolean {
  if (!Number.isSafeInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const members = listGroupProcesses(pgid);
  return members === null || members.some((member) => member.state !== 'Z');
}

/** One process of a group, as /proc shows it: its pid and state letter ("Z" for a zombie). */
export interface GroupProcess {
  readonly pid: number;
  readonly state: string;
}

/** Every process whose process group is `pgid`, from /proc; null where /proc cannot tell. */
export function listGroupProcesses(pgid: number): GroupProcess[] | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const found: GroupProcess[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid) found.push({ pid: Number(entry), state: fields[0] ?? '' });
  }
  return found;
}
