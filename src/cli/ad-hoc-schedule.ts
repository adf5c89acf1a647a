/** `taskkit next --cron/--daily/--every [--start]`: a schedule from the command line, validated like the file's. */
import { parseCron } from '../schedule/cron.js';
import { parseDaily } from '../schedule/daily.js';
import { parseEvery } from '../schedule/every.js';
import { compileSchedule } from '../schedule/next.js';
import { defaultTimeZone } from '../config/timezone.js';
import { isValidTimeZone } from '../schedule/zoned.js';
import type { ParseResult, Schedule, ScheduleSpec } from '../schedule/types.js';
import { TaskkitError } from '../errors.js';

export interface AdHocOptions {
  readonly cron?: string;
  readonly daily?: string;
  readonly every?: string;
  /** The anchor, as a task's `start:` (with --every; --rrule will take it too). */
  readonly start?: string;
  readonly timezone?: string;
}

/** The ad hoc schedule, or null when none of --cron/--daily/--every was given. */
export function buildAdHocSchedule(
  options: AdHocOptions,
  env: Readonly<Record<string, string | undefined>>,
  warn: (message: string) => void,
): Schedule | null {
  const given = (['cron', 'daily', 'every'] as const).filter((key) => options[key] !== undefined);
  if (given.length === 0) {
    if (options.timezone !== undefined) throw new TaskkitError('USAGE', '--timezone needs --cron, --daily or --every');
    if (options.start !== undefined) throw new TaskkitError('USAGE', '--start needs --every');
    return null;
  }
  if (given.length > 1)
    throw new TaskkitError('USAGE', `give one of --cron, --daily, --every (got --${given.join(' and --')})`);
  const timezone = options.timezone ?? defaultTimeZone(env, warn);
  if (!isValidTimeZone(timezone)) throw new TaskkitError('USAGE', `--timezone: unknown time zone "${timezone}"`);
  const flag = given[0] as 'cron' | 'daily' | 'every';
  // As in the tasks file ('"start" only applies to "every"').
  if (options.start !== undefined && flag !== 'every')
    throw new TaskkitError('USAGE', `--start only applies to --every, not --${flag}`);
  const parsed = parseAdHoc(flag, options, timezone);
  if (!parsed.ok) throw new TaskkitError('USAGE', `--${flag}: ${parsed.message}`);
  return compileSchedule(parsed.value, timezone);
}

function parseAdHoc(
  flag: 'cron' | 'daily' | 'every',
  options: AdHocOptions,
  timezone: string,
): ParseResult<ScheduleSpec> {
  switch (flag) {
    case 'cron':
      return parseCron(options.cron);
    case 'daily':
      return parseDaily((options.daily ?? '').split(',').map((time) => time.trim()));
    case 'every':
      return parseEvery(options.every, options.start, timezone);
  }
}
