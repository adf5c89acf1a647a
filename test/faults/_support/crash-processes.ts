/** The processes of the crash suite's runs: what a SIGKILLed daemon leaves behind, and what is left of a group. */
import { readlinkSync } from 'node:fs';
import { listGroupProcesses } from '../../../src/runner/group-members.js';
import { isAlive, waitUntil } from '../../support/process-state.js';
import type { Marker } from './crash-markers.js';

/**
 * A killed daemon leaves its shell runs running (their own process groups): wait up to `waitMs`
 * for them to end, then SIGKILL the groups of any still there that are provably ours (working
 * directory `dir`, the suite's temp dir: a pid reused since is left alone). Returns how many.
 */
export async function reapOrphans(markers: readonly Marker[], dir: string, waitMs: number): Promise<number> {
  const ours = (pid: number): boolean => pid > 0 && isAlive(pid) && readWorkingDirectory(pid) === dir;
  const pids = [...new Set(markers.map((marker) => marker.pid))].filter(ours);
  await waitUntil(() => pids.every((pid) => !ours(pid)), waitMs, 'orphaned runs to end').catch(() => undefined);
  let killed = 0;
  for (const pid of pids) {
    if (!ours(pid)) continue;
    killed++;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // ended between the check and the kill
    }
  }
  return killed;
}

function readWorkingDirectory(pid: number): string {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return '';
  }
}

/**
 * Live (not zombie) processes whose process group is `pgid`. kill(-pgid, 0) would not do: a
 * killed run's children are zombies until init reaps them, and those still count for kill().
 */
export function listGroupMembers(pgid: number): number[] {
  return (listGroupProcesses(pgid) ?? []).filter((member) => member.state !== 'Z').map((member) => member.pid);
}
