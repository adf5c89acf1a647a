/**
 * Rule `dst-shift`: an `every` whose wall-clock times move when the task's zone changes between
 * standard and daylight-saving time. `every` counts elapsed time on the absolute timeline
 * (DESIGN.md "Schedule semantics"), so across a change of offset by D its instants read D later or
 * earlier on the wall clock. Whether a person notices depends on the period P: the times of day an
 * `every` fires at are its anchor's plus the multiples of gcd(P, 1 day) (24h / gcd(P, 1d) of them),
 * and a shift by D leaves that set as it was exactly when D is a multiple of gcd(P, 1d). So
 * `every: 15m` or `1h` (and `7h`, which fires at every hour over a week anyway) keep their wall
 * times, while `2h`, `6h`, `12h`, `1d`, `2d`, `90m` go from even to odd hours (or 09:00 to 10:00).
 * Changes are looked for in the year after now (lint.ts); a zone's permanent change of 3h or more is not
 * daylight saving (schedule/zoned.ts isZoneChange) and is left out.
 */
import { formatDuration } from '../../schedule/duration.js';
import { nextEvery } from '../../schedule/every.js';
import { wallWord } from '../../schedule/rrule-word-parts.js';
import { showValue } from '../../schedule/show-value.js';
import type { Instant } from '../../schedule/types.js';
import { offsetAt, toWall, ZONE_CHANGE_MS } from '../../schedule/zoned.js';
import type { LintSubject } from './context.js';

const DAY_MS = 86_400_000;

export function lintDstShift({ c, task, written, offsetChanges }: LintSubject): void {
  const { schedule, timezone } = task;
  if (schedule.kind !== 'every') return;
  const step = gcd(schedule.periodMs, DAY_MS);
  const change = offsetChanges(timezone).find((transition) => {
    const shift = Math.abs(transition.after - transition.before);
    return shift < ZONE_CHANGE_MS && shift % step !== 0;
  });
  if (change === undefined) return;
  // The last instant before the change, and the one a whole number of days (and periods) later.
  const before = nextEvery(schedule, change.at - schedule.periodMs - 1);
  const after = before + (schedule.periodMs / step) * DAY_MS;
  const example =
    offsetAt(after, timezone) === offsetAt(before, timezone)
      ? ''
      : ` (${wall(before, timezone)}, then ${wall(after, timezone)})`;
  c.warn(
    'dst-shift',
    ['every'],
    'value',
    `every ${showValue(written['every'])} counts elapsed time, so the wall-clock times it runs at move by ` +
      `${formatDuration(Math.abs(change.after - change.before))} when ${timezone} changes to or from daylight ` +
      `saving time${example}; for fixed wall-clock times use daily, cron or rrule`,
  );
}

function wall(instant: Instant, timezone: string): string {
  return wallWord(toWall(instant, timezone));
}

function gcd(a: number, b: number): number {
  let [x, y] = [a, b];
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}
