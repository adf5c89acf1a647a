/**
 * Migration 2's one-time reading of old rows: before stops were facts (issue 14), the runner wrote
 * them as words into `error` ("timed out after 30s; sent SIGTERM, then SIGKILL after 10s",
 * "stopped by shutdown; the module did not return within kill-after 10s and its worker was
 * terminated"). Each such row gets its stop_cause and stop, and `error` is cleared; words that do
 * not parse keep their `error` (a timed-out row still gets its cause, which its status says).
 */
import type { Database } from 'better-sqlite3';
import type { RunStop, StopCause } from '../../engine/ports.js';
import { parseDuration } from '../../schedule/duration.js';

const CAUSE_WORDS: readonly (readonly [string, StopCause])[] = [
  ['cancelled by taskkit cancel', 'cancel'],
  ['replaced by a new run', 'replace'],
  ['stopped by shutdown', 'shutdown'],
];

const LEFT_RUNNING = new RegExp(
  '^the (function|module) did not return within kill-after (\\S+) ' +
    'and (?:was abandoned|its worker was terminated)$',
);

/** Give every stopped run of the old format its stop_cause and stop columns. */
export function upgradeLegacyStops(db: Database): void {
  const rows = db
    .prepare<[], { id: number; status: string; error: string | null }>(
      "SELECT id, status, error FROM runs WHERE status IN ('timed-out', 'cancelled') AND error IS NOT NULL",
    )
    .all();
  const update = db.prepare<[string | null, string | null, string | null, number]>(
    'UPDATE runs SET stop_cause = ?, stop = ?, error = ? WHERE id = ?',
  );
  for (const row of rows) {
    const stop = row.error === null ? null : readStopWords(row.error);
    if (stop !== null) update.run(stop.cause, JSON.stringify(stop), null, row.id);
    else if (row.status === 'timed-out') update.run('timeout', null, row.error, row.id);
  }
  db.prepare("UPDATE runs SET stop_cause = 'timeout' WHERE status = 'timed-out' AND stop_cause IS NULL").run();
}

/** The stop the old words described, or null when they are not the runner's words. */
export function readStopWords(words: string): RunStop | null {
  const [first = '', ...rest] = words.split('; ');
  const timeout = /^timed out after (\S+)$/.exec(first);
  const cause = timeout !== null ? 'timeout' : CAUSE_WORDS.find(([phrase]) => phrase === first)?.[1];
  if (cause === undefined) return null;
  let afterMs = 0;
  if (timeout !== null) {
    const parsed = parseDuration(timeout[1]);
    if (!parsed.ok) return null;
    afterMs = parsed.value;
  }
  const stop = { cause, afterMs, signals: [] as string[], killAfterMs: 0, abandoned: null as RunStop['abandoned'] };
  for (const part of rest) if (!readDetail(part, stop)) return null;
  return stop;
}

/** One "; "-separated detail of the old words into `stop`; false when unknown. */
function readDetail(
  part: string,
  stop: { signals: string[]; killAfterMs: number; abandoned: RunStop['abandoned'] },
): boolean {
  const sent = /^sent SIGTERM(?:, then SIGKILL after (\S+))?$/.exec(part);
  if (sent !== null) {
    stop.signals.push('SIGTERM');
    if (sent[1] === undefined) return true;
    stop.signals.push('SIGKILL');
    return readKillAfter(sent[1], stop);
  }
  const left = LEFT_RUNNING.exec(part);
  if (left === null) return false;
  stop.abandoned = left[1] === 'function' ? 'function' : 'module';
  return readKillAfter(left[2] ?? '', stop);
}

function readKillAfter(text: string, stop: { killAfterMs: number }): boolean {
  const parsed = parseDuration(text);
  if (parsed.ok) stop.killAfterMs = parsed.value;
  return parsed.ok;
}
