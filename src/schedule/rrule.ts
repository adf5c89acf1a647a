/**
 * `rrule: RULE` bound to a zone (issue 17): next(after) with python-dateutil's rrule semantics,
 * expanded in floating wall time (rrule-period.ts) and put on the timeline with `daily`'s DST
 * rules (rrule-instant.ts).
 *
 * Our own expander, not the npm `rrule` package: its after() re-expands from DTSTART on every
 * call (a rule that started in 2000 replays 26 years per call), and it maps wall times through
 * JS Date offsets, not the fixed-time rules the other kinds share. Without COUNT, next() jumps
 * to the period holding `after` and scans forward; with COUNT, whose occurrences are counted
 * from DTSTART, the (finite) list of instants is expanded once per compiled schedule.
 */
import { planRrule, type RrulePlan } from './rrule-plan.js';
import { RruleExpander } from './rrule-period.js';
import { wallInstant } from './rrule-instant.js';
import { offsetAt, wallToLocalMs } from './zoned.js';
import type { Instant, RruleSpec } from './types.js';

/** An rrule schedule bound to a zone. */
export interface CompiledRrule {
  readonly next: (after: Instant) => Instant | null;
}

/** Bind an rrule spec to a zone. */
export function compileRrule(spec: RruleSpec, tz: string): CompiledRrule {
  const plan = planRrule(spec);
  const until = spec.until;
  const untilWall = until !== null && 'wall' in until ? wallToLocalMs(until.wall) : Infinity;
  const untilInstant = until !== null && 'instant' in until ? until.instant : Infinity;
  if (plan.count !== null) {
    let instants: Float64Array | undefined;
    return {
      next: (after) => {
        instants ??= expandCount(plan, tz, untilWall, untilInstant);
        return firstAfter(instants, after);
      },
    };
  }
  const expander = new RruleExpander(plan);
  const walls: number[] = [];
  return {
    next: (after) => {
      // A wall time before `after`'s own clock fired at or before `after` (its first instant
      // showing that time or later is at the latest `after`), so the scan can start there.
      expander.seek(after + offsetAt(after, tz));
      while (expander.next(walls)) {
        for (const wall of walls) {
          if (wall > untilWall) return null;
          const instant = wallInstant(wall, tz);
          if (instant === null || instant <= after) continue;
          return instant > untilInstant ? null : instant;
        }
      }
      return null;
    },
  };
}

/** A COUNT rule's instants, ascending and distinct: its first COUNT wall times from DTSTART, mapped. */
function expandCount(plan: RrulePlan, tz: string, untilWall: number, untilInstant: Instant): Float64Array {
  const count = plan.count ?? 0;
  const out: number[] = [];
  const expander = new RruleExpander(plan);
  const walls: number[] = [];
  let seen = 0;
  while (seen < count && expander.next(walls)) {
    for (const wall of walls) {
      if (seen === count || wall > untilWall) return Float64Array.from(out);
      seen++;
      const instant = wallInstant(wall, tz);
      if (instant === null) continue;
      if (instant > untilInstant) return Float64Array.from(out);
      if (out.length === 0 || instant > (out[out.length - 1] as number)) out.push(instant);
    }
  }
  return Float64Array.from(out);
}

/** The first of ascending `instants` strictly after `after`, by bisection. */
function firstAfter(instants: Float64Array, after: Instant): Instant | null {
  let lo = 0;
  let hi = instants.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((instants[mid] as number) <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo < instants.length ? (instants[lo] as number) : null;
}
