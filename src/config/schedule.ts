/**
 * The schedule keys of a task: at most one of `every` (+ `start`), `daily`, `at`, `cron`, `rrule`
 * (+ `start`); none means on demand. The parsers of schedule/ do the checking and write the messages.
 */
import { parseAt, parseAtTime, parseDateTime, parseWallTime } from '../schedule/at.js';
import { parseCron } from '../schedule/cron.js';
import { parseDaily, parseTimeOfDay } from '../schedule/daily.js';
import { parseEvery } from '../schedule/every.js';
import { parseRrule } from '../schedule/rrule-parse.js';
import type { ParseResult, ScheduleSpec } from '../schedule/types.js';
import type { WallTime } from '../schedule/types.js';
import { createCollector, type IssueCollector } from './collector.js';
import type { ConfigIssue } from './issues.js';
import { checkKeys, copyEntries } from './read-value.js';
import { suggestSimilar } from './suggest.js';

export const SCHEDULE_KEYS = ['every', 'daily', 'at', 'cron', 'rrule'] as const;
/** The schedule keys `start:` goes with: the anchor of `every`, the DTSTART of `rrule`. */
const STARTED_KEYS: readonly string[] = ['every', 'rrule'];
const RESCHEDULE_KEYS = [...SCHEDULE_KEYS, 'start'];

/** The task's schedule, `{kind: 'on-demand'}` when it has none, or undefined after issues. */
export function readSchedule(
  c: IssueCollector,
  definition: Readonly<Record<string, unknown>>,
  tz: string,
): ScheduleSpec | undefined {
  const given = SCHEDULE_KEYS.filter((key) => definition[key] !== undefined);
  const before = c.issues.length;
  const start = definition['start'];
  let startOk = start !== undefined;
  // An rrule's DTSTART is a wall time (its occurrences are); every's anchor an instant.
  let dtstart: WallTime | undefined;
  if (start !== undefined && !given.some((key) => STARTED_KEYS.includes(key))) {
    c.add('conflict', ['start'], 'key', '"start" only applies to "every" and "rrule"');
    startOk = false;
  } else if (start !== undefined) {
    const parsed = given.includes('rrule') ? parseWallTime(start, tz) : parseDateTime(start, tz);
    if (!parsed.ok) c.add('invalid-value', ['start'], 'value', parsed.message);
    else if (typeof parsed.value === 'object') dtstart = parsed.value;
    startOk = parsed.ok;
  }
  if (given.length > 1) {
    const names = given.map((key) => `"${key}"`).join(', ');
    c.add(
      'conflict',
      [given[1] as string],
      'key',
      `give at most one schedule (every, daily, at, cron or rrule); found ${names}`,
    );
  }
  let spec: ScheduleSpec | undefined;
  for (const key of given) {
    const raw = definition[key];
    if (key === 'every') spec = report(c, key, parseEvery(raw, startOk ? start : undefined, tz));
    else if (key === 'cron') spec = report(c, key, parseCron(raw));
    else if (key === 'rrule')
      spec = start === undefined || startOk ? report(c, key, parseRrule(raw, dtstart, suggestSimilar)) : undefined;
    else if (key === 'daily')
      spec = reportItems(c, key, raw, parseTimeOfDay) ? report(c, key, parseDaily(raw)) : undefined;
    else
      spec = reportItems(c, key, raw, (item) => parseAtTime(item, tz)) ? report(c, key, parseAt(raw, tz)) : undefined;
  }
  if (c.issues.length > before) return undefined;
  return spec ?? { kind: 'on-demand' };
}

/**
 * A schedule on its own (library `reschedule`): exactly one of `every` (+ `start`), `daily`,
 * `cron`, `at`, `rrule` (+ `start`). Keys whose value is undefined count as absent.
 */
export function validateScheduleDefinition(
  definition: Readonly<Record<string, unknown>>,
  timezone: string,
): { spec: ScheduleSpec | undefined; issues: ConfigIssue[] } {
  const c = createCollector({ file: '', task: null, prefix: [] });
  const entries = copyEntries(definition);
  checkKeys(c, [], entries, RESCHEDULE_KEYS);
  if (!SCHEDULE_KEYS.some((key) => entries[key] !== undefined)) {
    c.add('missing-key', [], 'key', 'give a schedule: one of "every", "daily", "at", "cron" or "rrule"');
  }
  const spec = readSchedule(c, entries, timezone);
  return c.issues.length === 0 ? { spec, issues: [] } : { spec: undefined, issues: c.issues };
}

function report<T>(c: IssueCollector, key: string, result: ParseResult<T>): T | undefined {
  if (result.ok) return result.value;
  c.add('invalid-value', [key], 'value', result.message, result.offset);
  return undefined;
}

/** For a list, report each bad item at its own position; true when every item parses. */
function reportItems(
  c: IssueCollector,
  key: string,
  raw: unknown,
  parse: (item: unknown) => ParseResult<unknown>,
): boolean {
  if (!Array.isArray(raw)) return true;
  let ok = true;
  for (const [index, item] of (raw as unknown[]).entries()) {
    const parsed = parse(item);
    if (!parsed.ok) {
      c.add('invalid-value', [key, index], 'value', parsed.message);
      ok = false;
    }
  }
  return ok;
}
