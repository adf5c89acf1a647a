/** A schedule in words, for `list`, `show` and logs: "daily 03:30, 15:30 (America/New_York)". */
import { formatDuration } from './duration.js';
import { clockWord, wallWord } from './rrule-word-parts.js';
import { describeRrule } from './rrule-words.js';
import { toWall } from './zoned.js';
import type { Instant, ScheduleSpec, TimeOfDay } from './types.js';

/** Describe a spec; the zone is appended only when it differs from the file's default zone. */
export function describeSchedule(spec: ScheduleSpec, tz: string, defaultTz: string): string {
  const zoned = (text: string): string => (tz === defaultTz ? text : `${text} (${tz})`);
  switch (spec.kind) {
    case 'every':
      return zoned(
        spec.startGiven
          ? `every ${formatDuration(spec.periodMs)} from ${formatInstant(spec.anchor, tz)}`
          : `every ${formatDuration(spec.periodMs)}`,
      );
    case 'daily':
      return zoned(`daily ${spec.times.map(formatTimeOfDay).join(', ')}`);
    case 'at': {
      const first = spec.instants[0];
      const more = spec.instants.length > 1 ? ` (+${spec.instants.length - 1} more)` : '';
      return zoned(first === undefined ? 'at (none)' : `at ${formatInstant(first, tz)}${more}`);
    }
    case 'cron':
      return zoned(`cron ${spec.expression}`);
    case 'rrule':
      return zoned(describeRrule(spec, tz));
    case 'reboot':
      return '@reboot';
    case 'on-demand':
      return 'on demand';
  }
}

/** "03:30", or "03:30:15" when seconds are set. */
export function formatTimeOfDay(time: TimeOfDay): string {
  return clockWord(time.hour, time.minute, time.second);
}

/** "2026-12-01 09:00" (seconds only when set) in the zone's wall time. */
function formatInstant(instant: Instant, tz: string): string {
  return wallWord(toWall(instant, tz));
}
