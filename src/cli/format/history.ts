/** `taskkit history`: one aligned row per run, newest first; and the one-line notes of `logs`. */
import type { RunView } from '../../control/views.js';
import { formatElapsed } from '../../schedule/elapsed.js';
import type { Painter } from '../io.js';
import { hostColumns } from './host-column.js';
import { renderTable } from './table.js';
import { LOCAL_ZONE, formatInstantShort, parseIso } from './time.js';

/** The exit code, or the signal that ended the run, or "-". */
export function describeExit(run: RunView): string {
  if (run.exitCode !== null) return String(run.exitCode);
  return run.signal ?? '-';
}

/**
 * "1m12s", "3.0s", or "-" when not known: not run, not ended, or interrupted (its end is when the next
 * daemon noticed, after a crash or a reboot, not when it stopped).
 */
export function describeDuration(run: RunView): string {
  return run.durationMs === null || run.status === 'interrupted' ? '-' : formatElapsed(run.durationMs);
}

/** A run's colour by how it ended, for history's STATUS and list's LAST (only on a TTY, see loadPainter). */
export function paintStatus(paint: Painter, run: Pick<RunView, 'status'>, text: string): string {
  switch (run.status) {
    case 'succeeded':
      return paint.green(text);
    case 'failed':
    case 'timed-out':
    case 'interrupted':
      return paint.red(text);
    case 'running':
    case 'queued':
      return paint.cyan(text);
    case 'skipped':
    case 'cancelled':
      return paint.yellow(text);
  }
}

/**
 * What STATUS says of a skipped row that stands for several instants (issue 16.7): "skipped x86400
 * 00:00:01 .. 2026-12-02 00:00:00: held", the count ("x100000+": more than that), the first and
 * last instant (local time, the day left out when it is today) and why; one skip: its outcome.
 */
function describeSkipped(run: RunView, now: number): string {
  const count = run.skipCount ?? 1;
  if (run.status !== 'skipped' || (count <= 1 && run.skipMore !== true)) return run.outcome;
  const at = (iso: string | null): string => (iso === null ? '?' : formatInstantShort(parseIso(iso), LOCAL_ZONE, now));
  const range = run.skipFirstAt === null ? '' : ` ${at(run.skipFirstAt)} .. ${at(run.skipLastAt)}`;
  return `skipped x${count}${run.skipMore === true ? '+' : ''}${range}: ${run.error ?? run.skipReason ?? 'unknown'}`;
}

/**
 * RUN, TASK, HOST (only in a cluster: host-column.ts), TRIGGER, STARTED (local time; for a
 * skipped row its first instant, else when it was triggered), DURATION, EXIT, STATUS. STATUS holds
 * describeOutcome's words ("skipped: previous run #4 still running"; describeSkipped for a row of
 * many skips), which can be long, so it comes last and EXIT before it.
 */
export function renderHistory(runs: readonly RunView[], now: number, paint: Painter): string[] {
  return renderTable(runs, [
    { header: 'RUN', value: (run) => String(run.id), align: 'right' },
    { header: 'TASK', value: (run) => run.task, paint: (text) => paint.bold(text) },
    ...hostColumns(runs, (run) => run.host),
    { header: 'TRIGGER', value: (run) => run.trigger },
    {
      header: 'STARTED',
      value: (run) => formatInstantShort(parseIso(run.startedAt ?? run.skipFirstAt ?? run.createdAt), LOCAL_ZONE, now),
    },
    { header: 'DURATION', value: describeDuration, align: 'right' },
    { header: 'EXIT', value: describeExit, align: 'right' },
    // The last column: its padding is dropped, not coloured (no trailing blanks on a terminal).
    {
      header: 'STATUS',
      value: (run) => describeSkipped(run, now),
      paint: (text, run) => paintStatus(paint, run, text.trimEnd()),
    },
  ]);
}

/** What `history` prints when no run matches. */
export function describeNoRuns(task: string | undefined, filtered: boolean): string {
  const what = task === undefined ? 'no runs' : `no runs of ${task}`;
  return filtered ? `${what} match` : `${what} yet`;
}

/** After `logs`: how the run ended when that is not plain success, or that it printed nothing. */
export function describeLogged(run: RunView): string | null {
  const label = `${run.task} #${run.id}`;
  const duration = describeDuration(run);
  const took = duration === '-' || run.status === 'timed-out' ? '' : ` after ${duration}`;
  const empty = run.output === '' ? ' (no output)' : '';
  if (run.status === 'succeeded') return empty === '' ? null : `${label} succeeded${took}${empty}`;
  return `${label} ${run.outcome}${took}${empty}`;
}
