/**
 * The crash suite's verdict on a history: markers (what really ran) against the runs table (what
 * taskkit says ran), after a series of SIGKILLs. Pure: figures plus a list of problems, each
 * naming the rows or markers at fault, so a failing run says what went wrong, not just "1 !== 0".
 */
import { checkCatchUp } from './crash-catch-up.js';
import { describeRow, iso, type RunRow, type TaskStateRow } from './crash-history.js';
import type { Marker } from './crash-markers.js';

/** Statuses a run may be left in once the daemon is stopped (DESIGN.md "Runs"). */
export const FINAL_STATUSES = new Set(['succeeded', 'failed', 'timed-out', 'cancelled', 'skipped', 'interrupted']);
/** A scheduled run created this long after its instant was not "on time" but a burst of old instants. */
export const LATE_TOLERANCE_MS = 1_500;
/** A due retry starts (and is written) this soon after its delay, or it was not lost to a kill. */
const RETRY_START_SLACK_MS = 500;
const SCHEDULED_TRIGGERS = new Set(['schedule', 'catch-up', 'retry']);
const INTERRUPTED_REASONS = new Set(['daemon stopped during the run', 'daemon stopped before it started']);

export interface CrashInput {
  readonly runs: readonly RunRow[];
  readonly markers: readonly Marker[];
  /** One-shot task -> its instant. */
  readonly oneShots: Readonly<Record<string, number>>;
  /** Catch-up task -> policy; all `every` the same period. */
  readonly catchUp: Readonly<Record<string, 'skip' | 'once' | 'all'>>;
  readonly catchUpPeriodMs: number;
  /** When each SIGKILL was sent (ascending). */
  readonly killTimes: readonly number[];
  /** When the restart after each SIGKILL was up (`taskkit start` returned), same order. */
  readonly restartTimes: readonly number[];
  readonly held: { readonly task: string; readonly since: number };
  readonly moved: { readonly task: string; readonly since: number; readonly periodMs: number };
  readonly retry: { readonly task: string; readonly delayMs: number };
  /** When the final (graceful) stop was asked for. */
  readonly stopAt: number;
}

export interface CrashFigures {
  runsChecked: number;
  markers: number;
  lost: number;
  duplicated: number;
  interrupted: number;
  unfinished: number;
  oneShotsOnce: number;
  oneShots: number;
  catchUpRuns: number;
  catchUpSkips: number;
  retriesRun: number;
  /** Retries that were waiting when a SIGKILL came: the failed attempt is recorded, the retry is gone. */
  retriesLostToKill: number;
  /** `catch-up: all` instants queued behind each other at a restart when the next SIGKILL came: gone without a row. */
  catchUpLostToKill: number;
}

export interface CrashVerdict {
  readonly figures: CrashFigures;
  readonly problems: string[];
}

/** Check every invariant of the crash torture; problems is empty when all hold. */
export function checkCrashHistory(input: CrashInput): CrashVerdict {
  const problems: string[] = [];
  const figures: CrashFigures = {
    runsChecked: input.runs.length,
    markers: input.markers.length,
    lost: 0,
    duplicated: 0,
    interrupted: 0,
    unfinished: 0,
    oneShotsOnce: 0,
    oneShots: Object.keys(input.oneShots).length,
    catchUpRuns: 0,
    catchUpSkips: 0,
    retriesRun: 0,
    retriesLostToKill: 0,
    catchUpLostToKill: 0,
  };
  const byId = new Map(input.runs.map((run) => [run.id, run]));
  checkStatuses(input, figures, problems);
  checkMarkersHaveRows(input, byId, figures, problems);
  checkNothingTwice(input, figures, problems);
  checkOneShots(input, figures, problems);
  checkHoldAndReschedule(input, problems);
  for (const [task, policy] of Object.entries(input.catchUp)) checkCatchUp(input, task, policy, figures, problems);
  checkLateness(input, problems);
  checkRetries(input, figures, problems);
  return { figures, problems };
}

/** Every row final; `interrupted` only from an incarnation that was killed, with the recovery's reason. */
function checkStatuses(input: CrashInput, figures: CrashFigures, problems: string[]): void {
  const lastKill = input.killTimes[input.killTimes.length - 1] ?? -Infinity;
  for (const run of input.runs) {
    if (!FINAL_STATUSES.has(run.status)) {
      figures.unfinished++;
      problems.push(`run #${run.id} (${run.task}) left "${run.status}" after the final stop`);
    }
    if (run.status !== 'interrupted') continue;
    figures.interrupted++;
    if (run.created_at > lastKill)
      problems.push(`run #${run.id} (${run.task}) interrupted, but created after the last SIGKILL`);
    if (!INTERRUPTED_REASONS.has(run.error ?? ''))
      problems.push(`run #${run.id} interrupted with reason ${JSON.stringify(run.error)}`);
  }
}

/** Lost: a run that really started (a marker) without its row, or with another run's row (an id used twice). */
function checkMarkersHaveRows(
  input: CrashInput,
  byId: ReadonlyMap<number, RunRow>,
  figures: CrashFigures,
  problems: string[],
): void {
  const marked = new Set<number>();
  for (const marker of input.markers) {
    marked.add(marker.runId);
    const run = byId.get(marker.runId);
    const same =
      run !== undefined &&
      run.task === marker.task &&
      run.scheduled_at === marker.scheduledAt &&
      run.trigger === marker.trigger &&
      run.attempt === marker.attempt &&
      run.status !== 'skipped';
    if (same) continue;
    figures.lost++;
    problems.push(`lost: ${describeMarker(marker)} has ${run === undefined ? 'no row' : `row ${describeRow(run)}`}`);
  }
  // The reverse: a row claiming a run ran to an end that no marker shows (every task writes one first).
  for (const run of input.runs) {
    if ((run.status === 'succeeded' || run.status === 'failed') && !marked.has(run.id)) {
      problems.push(`row ${describeRow(run)} says the run ended, but the run never wrote its marker`);
    }
  }
}

/** Duplicated: a run id, or a (task, instant, attempt) that ran twice, by the markers or by the rows. */
function checkNothingTwice(input: CrashInput, figures: CrashFigures, problems: string[]): void {
  const report = (what: string, keys: readonly string[]): void => {
    const counts = new Map<string, number>();
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    for (const [key, count] of counts) {
      if (count < 2) continue;
      figures.duplicated += count - 1;
      problems.push(`duplicated: ${what} ${key} ${count} times`);
    }
  };
  report(
    'marker run id',
    input.markers.map((marker) => String(marker.runId)),
  );
  const scheduledMarkers = input.markers.filter(
    (marker) => marker.scheduledAt !== null && SCHEDULED_TRIGGERS.has(marker.trigger),
  );
  report(
    'ran (by markers)',
    scheduledMarkers.map((marker) => instantKey(marker.task, marker.scheduledAt, marker.attempt)),
  );
  const ranRows = input.runs.filter(
    (run) => run.status !== 'skipped' && run.scheduled_at !== null && SCHEDULED_TRIGGERS.has(run.trigger),
  );
  report(
    'ran (by rows)',
    ranRows.map((run) => instantKey(run.task, run.scheduled_at, run.attempt)),
  );
}

/** Each one-shot ran exactly once, at its instant, whatever the kills. */
function checkOneShots(input: CrashInput, figures: CrashFigures, problems: string[]): void {
  for (const [task, at] of Object.entries(input.oneShots)) {
    const ran = input.runs.filter((run) => run.task === task && run.status !== 'skipped');
    const marks = input.markers.filter((marker) => marker.task === task);
    if (ran.length === 1 && marks.length === 1 && ran[0]?.scheduled_at === at) figures.oneShotsOnce++;
    else
      problems.push(
        `one-shot ${task} (at ${iso(at)}): ${ran.length} run row(s) [${ran.map(describeRow).join('; ')}], ` +
          `${marks.length} marker(s)`,
      );
  }
}

/** The held task never ran after its hold; the moved task only ran on its run-time period. */
function checkHoldAndReschedule(input: CrashInput, problems: string[]): void {
  const { held, moved } = input;
  for (const run of input.runs) {
    if (run.task === held.task && run.created_at > held.since && run.status !== 'skipped') {
      problems.push(`held task ran after its hold: ${describeRow(run)}`);
    }
    if (
      run.task === moved.task &&
      run.created_at > moved.since &&
      run.scheduled_at !== null &&
      run.scheduled_at % moved.periodMs !== 0
    ) {
      problems.push(`rescheduled task ran off its new period (${moved.periodMs} ms): ${describeRow(run)}`);
    }
  }
}

/**
 * No burst: a `schedule` run is created on time; late instants only ever come back as `catch-up`.
 * A held row is no trigger: it is written when its instants are counted (issue 16.7), after them.
 */
function checkLateness(input: CrashInput, problems: string[]): void {
  for (const run of input.runs) {
    if (run.trigger !== 'schedule' || run.scheduled_at === null || run.skip_reason === 'held') continue;
    const late = run.created_at - run.scheduled_at;
    if (late > LATE_TOLERANCE_MS || late < 0)
      problems.push(`scheduled run created ${late} ms from its instant: ${describeRow(run)}`);
  }
}

/**
 * Every failed first attempt of the retry task has its retry, with the same instant, unless a
 * SIGKILL came while the retry waited (a waiting run lives in memory only: it is gone, and counted)
 * or the final stop did (a waiting run is then recorded cancelled: it has its row).
 */
function checkRetries(input: CrashInput, figures: CrashFigures, problems: string[]): void {
  const { task, delayMs } = input.retry;
  const rows = input.runs.filter((run) => run.task === task);
  for (const run of rows) {
    if (run.attempt === 1 && run.status === 'succeeded')
      problems.push(`${task}: the first attempt succeeded: ${describeRow(run)}`);
    if (run.attempt === 2 && run.status === 'failed') problems.push(`${task}: the retry failed: ${describeRow(run)}`);
    if (run.attempt === 2 && run.status !== 'cancelled') figures.retriesRun++;
    if (run.attempt !== 1 || run.status !== 'failed') continue;
    const retry = rows.find((other) => other.attempt === 2 && other.scheduled_at === run.scheduled_at);
    if (retry !== undefined) {
      if (retry.trigger !== 'retry')
        problems.push(`${task}: attempt 2 with trigger ${retry.trigger}: ${describeRow(retry)}`);
      continue;
    }
    // The retry waits `delayMs` after the failure is recorded, then its row is written as it starts.
    const ended = run.ended_at ?? run.created_at;
    const started = ended + delayMs + RETRY_START_SLACK_MS;
    if (input.killTimes.some((at) => at >= ended && at <= started)) figures.retriesLostToKill++;
    else if (started < input.stopAt) problems.push(`${task}: no retry of ${describeRow(run)}`);
  }
}

function instantKey(task: string, at: number | null, attempt: number): string {
  return `${task}@${at === null ? 'manual' : iso(at)}#${attempt}`;
}

function describeMarker(marker: Marker): string {
  return (
    `marker ${marker.task} #${marker.runId} ${marker.trigger} ` +
    `${marker.scheduledAt === null ? '-' : iso(marker.scheduledAt)} attempt ${marker.attempt}`
  );
}

/**
 * Null when the saved state still holds `held` with its note and `moved` on its run-time period, else what is there.
 */
export function checkSavedState(
  tasks: ReadonlyMap<string, TaskStateRow>,
  held: string,
  note: string,
  moved: string,
  periodMs: number,
): string | null {
  const heldRow = tasks.get(held);
  const movedRow = tasks.get(moved);
  if (heldRow?.held !== 1 || heldRow.hold_note !== note) return `task_state of ${held}: ${JSON.stringify(heldRow)}`;
  const schedule =
    movedRow?.reschedule == null ? null : (JSON.parse(movedRow.reschedule) as { kind?: string; periodMs?: number });
  if (schedule?.kind !== 'every' || schedule.periodMs !== periodMs)
    return `task_state of ${moved}: ${JSON.stringify(movedRow)} (wanted every ${periodMs} ms)`;
  return null;
}
