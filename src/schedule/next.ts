/** compileSchedule: any schedule spec plus a zone becomes a `Schedule` with next(after). */
import { nextAt } from './at.js';
import { compileCron } from './cron.js';
import { compileDaily } from './daily.js';
import { nextEvery } from './every.js';
import { nextWallInstant } from './wall-stepper.js';
import type { Instant, Schedule, ScheduleSpec } from './types.js';

const MAX_CACHED = 10_000;
// One compiled cron per expression and zone: tasks sharing an expression share the work.
const crons = new Map<string, (after: Instant) => Instant | null>();

/** Bind a spec to a zone. On-demand and @reboot schedules never have a next instant. */
export function compileSchedule(spec: ScheduleSpec, tz: string): Schedule {
  return { spec, timezone: tz, next: selectNext(spec, tz) };
}

/** The next `n` instants strictly after `after` (fewer when the schedule ends). */
export function upcoming(schedule: Schedule, after: Instant, n: number): Instant[] {
  const out: Instant[] = [];
  let from = after;
  while (out.length < n) {
    const next = schedule.next(from);
    if (next === null) break;
    out.push(next);
    from = next;
  }
  return out;
}

function selectNext(spec: ScheduleSpec, tz: string): (after: Instant) => Instant | null {
  switch (spec.kind) {
    case 'every':
      return (after) => nextEvery(spec, after);
    case 'daily': {
      const program = compileDaily(spec);
      return (after) => nextWallInstant(program, tz, after);
    }
    case 'at':
      return (after) => nextAt(spec, after);
    case 'cron': {
      const key = `${tz} ${spec.expression}`;
      let next = crons.get(key);
      if (next === undefined) {
        next = compileCron(spec, tz).next;
        if (crons.size >= MAX_CACHED) crons.clear();
        crons.set(key, next);
      }
      return next;
    }
    case 'reboot':
    case 'on-demand':
      return () => null;
  }
}
