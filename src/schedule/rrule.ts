/**
 * `rrule: RULE` bound to a zone (issue 17): next(after) with python-dateutil's rrule semantics,
 * expanded in floating wall time (rrule-period.ts) and put on the timeline with `daily`'s DST
 * rules (rrule-instant.ts).
 *
 * Our own expander, not the npm `rrule` package: its after() re-expands from DTSTART on every
 * call (a rule that started in 2000 replays 26 years per call), and it maps wall times through
 * JS Date offsets, not the fixed-time rules the other kinds share. Without COUNT, next() jumps
 * to the period holding `after` and scans forward; with COUNT, whose occurrences are counted
 * from DTSTART, the (finite) list of wall times is expanded once per compiled schedule.
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
    let walls: Float64Array | undefined;
    return {
      next: (after) => {
        walls ??= expandCount(plan, untilWall);
        for (let i = lowerBound(walls, wallOfAfter(after, tz)); i < walls.length; i++) {
          const instant = wallInstant(walls[i] as number, tz);
          if (instant === null || instant <= after) continue;
          return instant > untilInstant ? null : instant;
        }
        return null;
      },
    };
  }
  const expander = new RruleExpander(plan);
  const walls: number[] = [];
  return {
    next: (after) => {
      expander.seek(wallOfAfter(after, tz));
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

/**
 * Where a scan for the first wall time firing after `after` can start: `after`'s own wall clock.
 * An earlier wall time fired at or before `after` (its first instant showing it or a later time
 * is at the latest `after` itself), whatever DST did.
 */
function wallOfAfter(after: Instant, tz: string): number {
  return after + offsetAt(after, tz);
}

/**
 * A COUNT rule's wall times: its first COUNT from DTSTART (fewer when UNTIL or the rule ends).
 * Walls, not instants: mapping 100,000 days through the zone up front cost a second.
 */
function expandCount(plan: RrulePlan, untilWall: number): Float64Array {
  const count = plan.count ?? 0;
  const out = new Float64Array(count);
  const expander = new RruleExpander(plan);
  const walls: number[] = [];
  let seen = 0;
  while (seen < count && expander.next(walls)) {
    for (const wall of walls) {
      if (seen === count || wall > untilWall) return out.slice(0, seen);
      out[seen++] = wall;
    }
  }
  return out.slice(0, seen);
}

/** The index of the first of ascending `values` at or above `value`, by bisection. */
function lowerBound(values: Float64Array, value: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
