/**
 * Cross-key rules of one task that the file alone decides (issue 15), so errors: a `jitter` longer
 * than the time to the next instant, an `until` that leaves no instant. A JSON Schema cannot
 * compare two values, so editors do not show these; `validate`, `start` and `reload` do.
 */
import { shortestCronGapMs } from '../schedule/cron.js';
import { compileSchedule } from '../schedule/next.js';
import { formatDuration } from '../schedule/duration.js';
import { showValue } from '../schedule/show-value.js';
import type { ScheduleSpec } from '../schedule/types.js';
import { gapEnd } from '../schedule/zoned.js';
import type { IssueCollector } from './collector.js';

const DAY_MS = 86_400_000;

/**
 * A jittered run waits up to `jitter`; longer than the time to the next instant, it would still be
 * waiting then (overlap: skip would skip that instant; allow would start runs out of order).
 */
export function checkJitter(c: IssueCollector, jitterMs: number, schedule: ScheduleSpec): void {
  if (jitterMs <= 0) return;
  const gap = shortestGap(schedule);
  if (gap === null || jitterMs <= gap.ms) return;
  const most = formatDuration(gap.ms);
  c.add(
    'conflict',
    ['jitter'],
    'value',
    `jitter ${formatDuration(jitterMs)} is longer than ${gap.what} (${most}): a run could still be waiting ` +
      `at the next instant; use a jitter of at most ${most}`,
  );
}

/** `until` at or before `start` (or before every `at` instant): no scheduled run could ever start. */
export function checkUntil(
  c: IssueCollector,
  until: number,
  schedule: ScheduleSpec,
  written: Readonly<Record<string, unknown>>,
  timezone: string,
): void {
  const shown = showValue(written['until']);
  // An rrule's start is DTSTART, a wall time: its instant as daily's rules put it on the timeline.
  const start =
    schedule.kind === 'every' && schedule.startGiven
      ? schedule.anchor
      : schedule.kind === 'rrule' && schedule.startGiven
        ? gapEnd(schedule.start, timezone)
        : undefined;
  if (start !== undefined && until <= start) {
    c.add(
      'conflict',
      ['until'],
      'value',
      `until ${shown} is not after start ${showValue(written['start'])}: no run would ever start; ` +
        'move until after start, or remove it',
    );
  } else if (schedule.kind === 'at' && schedule.instants.every((at) => at >= until)) {
    const which = schedule.instants.length === 1 ? 'the "at" instant' : 'every "at" instant';
    c.add(
      'conflict',
      ['until'],
      'value',
      `until ${shown} is at or before ${which}: no run would ever start; move until later, or remove it`,
    );
  }
}

/**
 * An rrule that has no instant at all from its DTSTART on is a task that never runs: say so rather
 * than accept it. taskkit follows python-dateutil, which needs a day to match BOTH a plain BYDAY
 * weekday and an ordinal one ("MO,-1FR": a Monday that is the last Friday), so such a mix never
 * fires; and dateutil refuses INTERVALs whose steps never reach an allowed BYHOUR/BYMINUTE/BYSECOND.
 * A rule whose instants all lie in the past (COUNT, UNTIL) is not an error: it ran, or would have.
 */
export function checkRrule(c: IssueCollector, schedule: ScheduleSpec, timezone: string): void {
  if (schedule.kind !== 'rrule') return;
  const plain = schedule.byDay.filter((day) => day.ordinal === null).length;
  if (plain > 0 && plain < schedule.byDay.length) {
    c.add(
      'invalid-value',
      ['rrule'],
      'value',
      'BYDAY mixes plain weekdays and ordinal ones: taskkit follows python-dateutil, which runs only on days ' +
        'matching both (a Monday that is also the last Friday), so this rule never runs; give each its own task',
    );
    return;
  }
  const start = gapEnd(schedule.start, timezone);
  if (compileSchedule(schedule, timezone).next(start - 1) === null) {
    c.add(
      'invalid-value',
      ['rrule'],
      'value',
      'this rule has no instant from its start on (its parts never meet, or INTERVAL never reaches the ' +
        'times BYHOUR, BYMINUTE and BYSECOND allow), so the task would never run',
    );
  }
}

/**
 * The shortest time between two instants of a schedule, and how to name it; null: none or unknown
 * (rrule; cron when its time fields do not tell). Also lint/pile-up.ts's.
 */
export function shortestGap(schedule: ScheduleSpec): { ms: number; what: string } | null {
  switch (schedule.kind) {
    case 'every':
      return { ms: schedule.periodMs, what: 'the period of "every"' };
    case 'daily': {
      const seconds = schedule.times.map((time) => time.hour * 3600 + time.minute * 60 + time.second);
      // From each time to the one before it; the first one's is from the day before's last.
      const gaps = seconds.map((at, index) =>
        index === 0 ? DAY_MS / 1000 + at - (seconds.at(-1) ?? 0) : at - (seconds[index - 1] ?? 0),
      );
      return { ms: Math.min(...gaps) * 1000, what: betweenTwo('daily') };
    }
    case 'at': {
      if (schedule.instants.length < 2) return null;
      const gaps = schedule.instants.slice(1).map((at, index) => at - (schedule.instants[index] ?? 0));
      return { ms: Math.min(...gaps), what: betweenTwo('at') };
    }
    case 'cron': {
      const ms = shortestCronGapMs(schedule);
      return ms === null ? null : { ms, what: betweenTwo('cron') };
    }
    default:
      return null;
  }
}

function betweenTwo(kind: string): string {
  return `the shortest time between two instants of "${kind}"`;
}
