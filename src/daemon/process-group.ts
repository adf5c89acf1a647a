/**
 * Whether a run's process group outlived the daemon that started it (issue 4 item 4: after a
 * crash or `kill -9`, the log says so). Every shell and argv run leads its own group, whose id is
 * the run's pid, so the group is what to look for: the shell may be gone while its children run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Instant } from '../schedule/types.js';

/**
 * True when a process of group `pgid` still runs. Not when the machine booted after the run
 * started (after a reboot the number may name an unrelated group), and not when only zombies are
 * left (kill(-pgid, 0) succeeds on them; pid 1 of some containers never reaps).
 */
export function isProcessGroupAlive(pgid: number, startedAt: Instant | null = null): boolean {
  if (!Number.isSafeInteger(pgid) || pgid <= 1) return false;
  if (startedAt !== null && bootedAfter(startedAt)) return false;
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const states = readGroupStates(pgid);
  return states === null || states.some((state) => state !== 'Z');
}

/** The state letters of the group's processes from /proc, or null where /proc cannot tell. */
function readGroupStates(pgid: number): string[] | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const states: string[] = [];
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
    if (Number(fields[2]) === pgid) states.push(fields[0] ?? '');
  }
  return states;
}

/** True when /proc/stat says the system booted after `instant` (false where it cannot tell). */
function bootedAfter(instant: Instant): boolean {
  try {
    const match = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return match !== null && Number(match[1]) * 1000 > instant;
  } catch {
    return false;
  }
}
