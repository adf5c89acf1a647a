/**
 * What the clock-change suite reads back: the runs table (read-only, straight from SQLite), the
 * same runs through `taskkit history --json`, the offline math of `taskkit next --from`, and local
 * wall times with their UTC offset ("2026-03-08 03:00 -04:00") to compare with DESIGN.md.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DaemonDir } from '../../e2e/_daemon.js';

export interface RunRow {
  readonly id: number;
  readonly task: string;
  readonly trigger: string;
  readonly status: string;
  readonly scheduledAt: number | null;
  readonly createdAt: number;
  readonly error: string | null;
}

/** Every run in the state dir's database, by id. */
export function readRuns(stateDir: string): RunRow[] {
  const db = new Database(join(stateDir, 'taskkit.db'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        'SELECT id, task, trigger, status, scheduled_at AS scheduledAt, created_at AS createdAt, ' +
          'error FROM runs ORDER BY id',
      )
      .all() as RunRow[];
  } finally {
    db.close();
  }
}

/** Poll the database (every 100 ms) until `done(runs)`; throws with the runs seen after `timeoutMs`. */
export async function waitForRuns(
  stateDir: string,
  done: (runs: RunRow[]) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<RunRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = existsSync(join(stateDir, 'taskkit.db')) ? readRuns(stateDir) : [];
    if (done(runs)) return runs;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}; runs: ${JSON.stringify(runs)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** "2026-03-08 03:00 -04:00": the wall time in `zone` and the offset in force there then. */
export function formatLocal(at: number, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'longOffset',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((candidate) => candidate.type === type)?.value ?? '?';
  const offset = part('timeZoneName').replace('GMT', '') || '+00:00';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${offset}`;
}

/** Group instants by task, each list formatted local to `zone`, ascending. */
export function groupLocal(entries: readonly { task: string; at: number }[], zone: string): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const { task, at } of [...entries].sort((a, b) => a.at - b.at))
    (grouped[task] ??= []).push(formatLocal(at, zone));
  return grouped;
}

/** `taskkit next --from FROM -n COUNT --json` (offline, not under faketime): every task's instants after `from`. */
export async function readOfflineNext(
  d: DaemonDir,
  from: number,
  count: number,
): Promise<{ task: string; at: number }[]> {
  const result = await d.taskkit(['next', '--from', new Date(from).toISOString(), '-n', String(count), '--json']);
  if (result.code !== 0) throw new Error(`taskkit next failed (${result.code}): ${result.stderr}`);
  return (JSON.parse(result.stdout) as { instants: { task: string; at: string }[] }).instants.map(({ task, at }) => ({
    task,
    at: Date.parse(at),
  }));
}

/** `taskkit history --json` (offline once the daemon stopped): id -> scheduled instant. */
export async function readHistoryJson(d: DaemonDir): Promise<Map<number, number | null>> {
  const result = await d.taskkit(['history', '--json', '-n', '10000']);
  if (result.code !== 0) throw new Error(`taskkit history failed (${result.code}): ${result.stderr}`);
  const rows = (JSON.parse(result.stdout) as { runs: { id: number; scheduledAt: string | null }[] }).runs;
  return new Map(rows.map((row) => [row.id, row.scheduledAt === null ? null : Date.parse(row.scheduledAt)]));
}
