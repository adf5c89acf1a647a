/** compileSchedule: any schedule spec plus a zone becomes a `Schedule` with next(after). */
import { nextAt } from './at.js';
import { compileCron } from './cron.js';
import { compileDaily } from './daily.js';
import { nextEvery } from './every.js';
import { compileRrule } from './rrule.js';
import { nextWallInstant } from './wall-stepper.js';
import type { Instant, Schedule, ScheduleSpec } from './types.js';

const MAX_CACHED = 10_000;
// One compiled cron per expression and zone: tasks sharing an expression share the work.
type CompiledNext = (after: Instant) => Instant | null;
const crons = new Map<string, CompiledNext>();
// The same for rrules, per rule text, DTSTART and zone (a COUNT rule's instants are expanded once).
const rrules = new Map<string, CompiledNext>();

/** How many compiled crons are cached (one per expression and zone; for tests and diagnosis). */
export function countCompiledCrons(): number {
  return crons.size;
}

/** Bind a spec to a zone. On-demand and @reboot schedules never have a next instant. */
export function compileSchedule(spec: ScheduleSpec, tz: string): Schedule {
  return new CompiledSchedule(spec, tz, selectNext(spec, tz));
}

/**
 * compileSchedule, but the same object for the same spec object and zone as a call shortly before: for
 * a new task (engine/task-entry.ts). Not for a reschedule: its callers tell one by a new schedule object.
 */
export function compileSharedSchedule(spec: ScheduleSpec, tz: string): Schedule {
  const known = recentlyCompiled.get(spec);
  if (known !== undefined && known.timezone === tz) return known;
  const schedule = new CompiledSchedule(spec, tz, selectNext(spec, tz));
  if (recentlyCompiled.size >= MAX_RECENT) recentlyCompiled.clear();
  recentlyCompiled.set(spec, schedule);
  return schedule;
}

/**
 * A compiled schedule holds nothing but its spec, zone and function, so tasks holding the same spec
 * object (the daemon shares equal ones, config/share-values.ts) in the same zone share one: 100,000
 * tasks of a few schedules held 100,000 (~5 MB, issue 20.4). By the spec objects compiled last, not a
 * WeakMap of every one: where no two tasks share a spec (the library's), its table would cost more
 * than it saves; a full cache starts over.
 */
const MAX_RECENT = 4096;
const recentlyCompiled = new Map<ScheduleSpec, CompiledSchedule>();

/**
 * A class, not an object literal with a closure per task: `every` and `at` need no state beyond
 * the spec, so they share one function (100,000 idle tasks held 100,000 closures, ~6 MB).
 */
class CompiledSchedule implements Schedule {
  readonly spec: ScheduleSpec;
  readonly timezone: string;
  readonly #next: NextFunction;

  constructor(spec: ScheduleSpec, timezone: string, next: NextFunction) {
    this.spec = spec;
    this.timezone = timezone;
    this.#next = next;
  }

  next(after: Instant): Instant | null {
    return this.#next(after, this.spec);
  }
}

/** The next instant after `after`; `spec` is passed in so that stateless kinds share one function. */
type NextFunction = (after: Instant, spec: ScheduleSpec) => Instant | null;

const nextOfEvery: NextFunction = (after, spec) => (spec.kind === 'every' ? nextEvery(spec, after) : null);
const nextOfAt: NextFunction = (after, spec) => (spec.kind === 'at' ? nextAt(spec, after) : null);
const never: NextFunction = () => null;

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

function selectNext(spec: ScheduleSpec, tz: string): NextFunction {
  switch (spec.kind) {
    case 'every':
      return nextOfEvery;
    case 'daily': {
      const program = compileDaily(spec);
      return (after) => nextWallInstant(program, tz, after);
    }
    case 'at':
      return nextOfAt;
    case 'cron': {
      return cached(crons, `${tz} ${spec.expression}`, () => compileCron(spec, tz).next);
    }
    case 'rrule': {
      const { year, month, day, hour, minute, second } = spec.start;
      const key = `${tz} ${year}-${month}-${day}T${hour}:${minute}:${second} ${spec.rule}`;
      return cached(rrules, key, () => compileRrule(spec, tz).next);
    }
    case 'reboot':
    case 'on-demand':
      return never;
  }
}

/** The compiled function cached under `key`, compiling it on a miss; a full cache starts over. */
function cached(cache: Map<string, CompiledNext>, key: string, compile: () => CompiledNext): CompiledNext {
  let next = cache.get(key);
  if (next === undefined) {
    next = compile();
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, next);
  }
  return next;
}
