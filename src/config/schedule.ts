/**
 * The schedule keys of a task: at most one of `every` (+ `start`), `daily`, `at`, `cron`; none
 * means on demand. The parsers of schedule/ do the checking and write the messages.
 */
import { parseAt, parseAtTime, parseDateTime } from '../schedule/at.js';
import { parseCron } from '../schedule/cron.js';
import { parseDaily, parseTimeOfDay } from '../schedule/daily.js';
import { parseEvery } from '../schedule/every.js';
import type { ParseResult, ScheduleSpec } from '../schedule/types.js';
import { createCollector, type IssueCollector } from './collector.js';
import type { ConfigIssue } from './issues.js';
import { checkKeys, copyEntries } from './read-value.js';

export const SCHEDULE_KEYS = ['every', 'daily', 'at', 'cron'] as const;
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
  if (start !== undefined && !given.includes('every')) {
    c.add('conflict', ['start'], 'key', '"start" only applies to "every"');
    startOk = false;
  } else if (start !== undefined) {
    const parsed = parseDateTime(start, tz);
    if (!parsed.ok) c.add('invalid-value', ['start'], 'value', parsed.message);
    startOk = parsed.ok;
  }
  if (given.length > 1) {
    const names = given.map((key) => `"${key}"`).join(', ');
    c.add(
      'conflict',
      [given[1] as string],
      'key',
      `give at most one schedule (every, daily, at or cron); found ${names}`,
    );
  }
  let spec: ScheduleSpec | undefined;
  for (const key of given) {
    const raw = definition[key];
    if (key === 'every') spec = report(c, key, parseEvery(raw, startOk ? start : undefined, tz));
    else if (key === 'cron') spec = report(c, key, parseCron(raw));
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
 * `cron`, `at`. Keys whose value is undefined count as absent.
 */
export function validateScheduleDefinition(
  definition: Readonly<Record<string, unknown>>,
  timezone: string,
): { spec: ScheduleSpec | undefined; issues: ConfigIssue[] } {
  const c = createCollector({ file: '', task: null, prefix: [] });
  const entries = copyEntries(definition);
  checkKeys(c, [], entries, RESCHEDULE_KEYS);
  if (!SCHEDULE_KEYS.some((key) => entries[key] !== undefined)) {
    c.add('missing-key', [], 'key', 'give a schedule: one of "every", "daily", "at" or "cron"');
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
