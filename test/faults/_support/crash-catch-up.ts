/**
 * The crash suite's catch-up verdict: what `catch-up: skip | once | all` must leave in the runs
 * table across the downtimes of a SIGKILL torture, read from the instants alone.
 */
import type { CrashFigures, CrashInput } from './crash-check.js';
import { describeRow, iso, type RunRow } from './crash-history.js';

/** How long after a restart a queue of `catch-up: all` runs (a few instants, 0.6 s each at most) may still wait. */
const CATCH_UP_QUEUE_MS = 3_000;

/**
 * Whether instant `at` was missed during a downtime and the next SIGKILL came so soon after the
 * restart that its catch-up run may still have been waiting in the serial queue. Waiting runs
 * live in memory only (no event, so no row): such an instant is gone, a known gap (the report).
 */
function isQueuedAtKill(input: CrashInput, at: number): boolean {
  return input.restartTimes.some((restartedAt, index) => {
    const nextKill = input.killTimes[index + 1];
    const killedAt = input.killTimes[index] as number;
    return (
      at > killedAt - input.catchUpPeriodMs &&
      at < restartedAt &&
      nextKill !== undefined &&
      nextKill - restartedAt < CATCH_UP_QUEUE_MS
    );
  });
}

/**
 * Catch-up across the downtimes, from the instants alone (every instant is a multiple of the
 * period): `all` leaves no instant without exactly one row; `once` and `skip` may leave a gap of
 * missed instants, but only one closed by a `catch-up` row for the latest of them (a run for
 * `once`, a skipped record for `skip`), and `once` runs at most one catch-up per downtime. A
 * skipped `missed` row stands for every instant from its scheduled_at to its skip_last_at (issue
 * 16.7): all of a downtime's under `skip`, all but the latest under `once`.
 */
export function checkCatchUp(
  input: CrashInput,
  task: string,
  policy: 'skip' | 'once' | 'all',
  figures: CrashFigures,
  problems: string[],
): void {
  const period = input.catchUpPeriodMs;
  const rows = input.runs.filter((run) => run.task === task && run.scheduled_at !== null);
  const byInstant = new Map<number, RunRow[]>();
  for (const run of rows) {
    const at = run.scheduled_at as number;
    if (at % period !== 0) problems.push(`${task}: instant off the period: ${describeRow(run)}`);
    const lastAt = run.status === 'skipped' && run.skip_last_at !== null ? run.skip_last_at : at;
    for (let instant = at; instant <= lastAt; instant += period)
      byInstant.set(instant, [...(byInstant.get(instant) ?? []), run]);
  }
  const instants = [...byInstant.keys()].sort((a, b) => a - b);
  const first = instants[0];
  const last = instants[instants.length - 1];
  if (first === undefined || last === undefined) {
    problems.push(`${task}: no runs at all`);
    return;
  }
  let gap: number[] = [];
  for (let at = first; at <= last; at += period) {
    const here = byInstant.get(at) ?? [];
    if (here.length > 1)
      problems.push(`${task}: instant ${iso(at)} has ${here.length} rows: ${here.map(describeRow).join('; ')}`);
    const row = here[0];
    if (row === undefined) {
      if (policy === 'all' && isQueuedAtKill(input, at)) figures.catchUpLostToKill++;
      else if (policy === 'all')
        problems.push(`${task} (catch-up: all): instant ${iso(at)} never ran nor was recorded`);
      gap.push(at);
      continue;
    }
    if (row.trigger === 'catch-up') {
      if (row.status === 'skipped') figures.catchUpSkips++;
      else figures.catchUpRuns++;
      if (policy === 'skip' && row.status !== 'skipped')
        problems.push(`${task} (catch-up: skip) ran a missed instant: ${describeRow(row)}`);
      const notRun = policy === 'once' && row.skip_reason === 'missed';
      if (policy !== 'skip' && row.status === 'skipped' && !notRun)
        problems.push(`${task} (catch-up: ${policy}) skipped a missed instant: ${describeRow(row)}`);
    } else if (gap.length > 0) {
      problems.push(
        `${task} (catch-up: ${policy}): missed ${gap.map(iso).join(', ')} without a catch-up record for the ` +
          `latest of them`,
      );
    }
    gap = [];
  }
  if (policy === 'once') {
    const perDowntime = new Map<number, number>();
    for (const run of rows) {
      if (run.trigger !== 'catch-up' || run.status === 'skipped') continue;
      const incarnation = input.killTimes.filter((at) => at < run.created_at).length;
      perDowntime.set(incarnation, (perDowntime.get(incarnation) ?? 0) + 1);
    }
    for (const [incarnation, count] of perDowntime) {
      if (count > 1) problems.push(`${task} (catch-up: once): ${count} catch-up runs after restart ${incarnation}`);
    }
  }
}
