/**
 * Whether a run's process group outlived the daemon that started it (issue 4 item 4: after a
 * crash or `kill -9`, the log says so). Every shell and argv run leads its own group, whose id is
 * the run's pid, so the group is what to look for: the shell may be gone while its children run.
 */
import { readFileSync } from 'node:fs';
import { hasLiveMember } from '../runner/group-members.js';
import type { Instant } from '../schedule/types.js';

/**
 * True when a process of group `pgid` still runs. Not when the machine booted after the run
 * started (after a reboot the number may name an unrelated group), and not when only zombies are
 * left (kill(-pgid, 0) succeeds on them; pid 1 of some containers never reaps).
 */
export function isProcessGroupAlive(pgid: number, startedAt: Instant | null = null): boolean {
  if (startedAt !== null && bootedAfter(startedAt)) return false;
  return hasLiveMember(pgid);
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
