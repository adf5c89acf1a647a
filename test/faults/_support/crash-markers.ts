/** The markers runs of the crash suite append (crash-tasks.ts), read back. */
import { existsSync, readFileSync } from 'node:fs';

export interface Marker {
  readonly task: string;
  readonly runId: number;
  /** Epoch ms, or null for a manual run. */
  readonly scheduledAt: number | null;
  readonly trigger: string;
  readonly attempt: number;
  /** The shell's pid (its process group), 0 for a module run. */
  readonly pid: number;
}

/** Every complete marker line of `path` (none when it does not exist yet). */
export function readMarkers(path: string): Marker[] {
  if (!existsSync(path)) return [];
  const markers: Marker[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    const [task, runId, scheduledAt, trigger, attempt, pid] = line.split('|');
    if (task === undefined || pid === undefined || trigger === undefined)
      throw new Error(`malformed marker line: ${JSON.stringify(line)}`);
    markers.push({
      task,
      runId: Number(runId),
      scheduledAt: scheduledAt === '' || scheduledAt === undefined ? null : Date.parse(scheduledAt),
      trigger,
      attempt: Number(attempt),
      pid: Number(pid),
    });
  }
  return markers;
}
