/**
 * `taskkit next --cron/--daily/--every/--rrule [--start]`: a schedule from the command line,
 * validated like the file's.
 */
import { parseWallTime } from '../schedule/at.js';
import { parseCron } from '../schedule/cron.js';
import { parseDaily } from '../schedule/daily.js';
import { parseEvery } from '../schedule/every.js';
import { compileSchedule } from '../schedule/next.js';
import { parseRrule } from '../schedule/rrule-parse.js';
import { suggestSimilar } from '../config/suggest.js';
import { defaultTimeZone } from '../config/timezone.js';
import { isValidTimeZone } from '../schedule/zoned.js';
import type { ParseResult, Schedule, ScheduleSpec } from '../schedule/types.js';
import { TaskkitError } from '../errors.js';

export interface AdHocOptions {
  readonly cron?: string;
  readonly daily?: string;
  readonly every?: string;
  readonly rrule?: string;
  /** As a task's `start:`: the anchor of --every, the DTSTART of --rrule. */
  readonly start?: string;
  readonly timezone?: string;
}

type AdHocFlag = 'cron' | 'daily' | 'every' | 'rrule';
const FLAGS: readonly AdHocFlag[] = ['cron', 'daily', 'every', 'rrule'];

/** The ad hoc schedule, or null when none of --cron/--daily/--every/--rrule was given. */
export function buildAdHocSchedule(
  options: AdHocOptions,
  env: Readonly<Record<string, string | undefined>>,
  warn: (message: string) => void,
): Schedule | null {
  const given = FLAGS.filter((key) => options[key] !== undefined);
  if (given.length === 0) {
    if (options.timezone !== undefined)
      throw new TaskkitError('USAGE', '--timezone needs --cron, --daily, --every or --rrule');
    if (options.start !== undefined) throw new TaskkitError('USAGE', '--start needs --every or --rrule');
    return null;
  }
  if (given.length > 1)
    throw new TaskkitError('USAGE', `give one of --cron, --daily, --every, --rrule (got --${given.join(' and --')})`);
  const timezone = options.timezone ?? defaultTimeZone(env, warn);
  if (!isValidTimeZone(timezone)) throw new TaskkitError('USAGE', `--timezone: unknown time zone "${timezone}"`);
  const flag = given[0] as AdHocFlag;
  // As in the tasks file ('"start" only applies to "every" and "rrule"').
  if (options.start !== undefined && flag !== 'every' && flag !== 'rrule')
    throw new TaskkitError('USAGE', `--start only applies to --every and --rrule, not --${flag}`);
  const parsed = parseAdHoc(flag, options, timezone);
  if (!parsed.ok) throw new TaskkitError('USAGE', `--${flag}: ${parsed.message}`);
  return compileSchedule(parsed.value, timezone);
}

function parseAdHoc(flag: AdHocFlag, options: AdHocOptions, timezone: string): ParseResult<ScheduleSpec> {
  switch (flag) {
    case 'cron':
      return parseCron(options.cron);
    case 'daily':
      return parseDaily((options.daily ?? '').split(',').map((time) => time.trim()));
    case 'every':
      return parseEvery(options.every, options.start, timezone);
    case 'rrule': {
      if (options.start === undefined) return parseRrule(options.rrule, undefined, suggestSimilar);
      const start = parseWallTime(options.start, timezone);
      if (!start.ok) throw new TaskkitError('USAGE', `--start: ${start.message}`);
      return parseRrule(options.rrule, start.value, suggestSimilar);
    }
  }
}
