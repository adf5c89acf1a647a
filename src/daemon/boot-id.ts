/**
 * Which boot of the machine this is (`@reboot` once per boot, issue 18.2): Linux's boot id; on
 * macOS and the BSDs the boot time `sysctl -n kern.boottime` prints; elsewhere the boot time
 * worked out from the uptime. A container shares its host's kernel, so it reads the host's boot
 * id: a container restart is not a new boot (taskkit.yaml(5) `reboot`).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { uptime } from 'node:os';

export const LINUX_BOOT_ID_FILE = '/proc/sys/kernel/random/boot_id';
/**
 * Tests only: another file to read the boot id from, so that a test can "reboot" by changing its
 * content (test/e2e/reboot-once.test.ts). Not documented for users.
 */
export const BOOT_ID_FILE_VARIABLE = 'TASKKIT_BOOT_ID_FILE';
/** An id worked out from the uptime moves with clock adjustments: boot times this close are one boot. */
const UPTIME_TOLERANCE_MS = 60_000;
const UPTIME_PREFIX = 'uptime-boot:';

export interface BootIdSources {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  /** Now, for the uptime fall-back. */
  readonly now: number;
}

/** This boot's id: a boot_id, `kern.boottime:SECONDS.MICROS`, or `uptime-boot:MS` (approximate). */
export function readBootId(sources: BootIdSources): string {
  const file = sources.env[BOOT_ID_FILE_VARIABLE] ?? (sources.platform === 'linux' ? LINUX_BOOT_ID_FILE : null);
  const fromFile = file === null ? null : readTrimmed(file);
  if (fromFile !== null) return fromFile;
  if (['darwin', 'freebsd', 'openbsd', 'netbsd'].includes(sources.platform)) {
    const bootTime = readKernBoottime();
    if (bootTime !== null) return bootTime;
  }
  // Rounded to a minute: os.uptime() and the clock are read a moment apart.
  const bootAt = Math.round((sources.now - uptime() * 1000) / 60_000) * 60_000;
  return `${UPTIME_PREFIX}${bootAt}`;
}

/** Whether two ids name one boot: equal, or two uptime estimates within a minute of each other. */
export function sameBoot(stored: string, current: string): boolean {
  if (stored === current) return true;
  if (!stored.startsWith(UPTIME_PREFIX) || !current.startsWith(UPTIME_PREFIX)) return false;
  const [a, b] = [stored, current].map((id) => Number(id.slice(UPTIME_PREFIX.length)));
  return a !== undefined && b !== undefined && Math.abs(a - b) <= UPTIME_TOLERANCE_MS;
}

/** `{ sec = 1764750000, usec = 123456 } Thu Dec  3 ...` -> `kern.boottime:1764750000.123456`. */
export function parseKernBoottime(text: string): string | null {
  const match = /sec\s*=\s*(\d+),\s*usec\s*=\s*(\d+)/.exec(text);
  return match === null ? null : `kern.boottime:${match[1]}.${match[2]}`;
}

function readKernBoottime(): string | null {
  try {
    return parseKernBoottime(execFileSync('sysctl', ['-n', 'kern.boottime'], { encoding: 'utf8', timeout: 5000 }));
  } catch {
    return null;
  }
}

function readTrimmed(path: string): string | null {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return text === '' ? null : text;
  } catch {
    return null;
  }
}
