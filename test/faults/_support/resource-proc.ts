/** What /proc says about the daemon and its runs: resident memory, and the members of a process group. */
import { readFileSync } from 'node:fs';
import { listGroupProcesses } from '../../../src/runner/group-members.js';

/** VmRSS of `pid` in bytes, or null once the process is gone. */
export function readRss(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? null : Number(match[1]) * 1024;
  } catch {
    return null;
  }
}

export interface RssSampler {
  /** Samples so far (bytes), in order. */
  readonly samples: readonly number[];
  /** Stop sampling; returns every sample. */
  stop(): number[];
}

/** Read `pid`'s VmRSS every `intervalMs` until stopped (a gone process adds nothing). */
export function sampleRss(pid: number, intervalMs: number): RssSampler {
  const samples: number[] = [];
  const take = (): void => {
    const rss = readRss(pid);
    if (rss !== null) samples.push(rss);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

export interface GroupMembers {
  /** Pids of members that still run (any state but zombie). */
  readonly live: number[];
  /** Members dead but not yet reaped: nothing runs, their parent (init, for orphans) has yet to wait(). */
  readonly zombies: number[];
}

/** Every process whose process group is `pgid` (the runner's own /proc scan), split by state. */
export function listGroup(pgid: number): GroupMembers {
  const members = listGroupProcesses(pgid) ?? [];
  return {
    live: members.filter((member) => member.state !== 'Z').map((member) => member.pid),
    zombies: members.filter((member) => member.state === 'Z').map((member) => member.pid),
  };
}

/** SIGKILL every live member of the group (cleanup after a failed assertion); quiet when none. */
export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // gone already
  }
}

/** Bytes in MiB with one decimal, e.g. "1.0 MiB". */
export function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
