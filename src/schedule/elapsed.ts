/**
 * Durations a person reads at a glance (issue 18.7): how long a run took, an uptime, how far off an
 * instant is. Never "3s17ms": at most two units, the smaller one rounded. Durations written in the
 * tasks file (`every: 90s`, `timeout: 1h30m`) are echoed with formatDuration instead, exact.
 */

const SECOND = 1_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const YEAR_DAYS = 365;
const MONTH_DAYS = 30;

const pad = (value: number): string => String(value).padStart(2, '0');

/**
 * A measured duration, rounded to its shape (each step decided after rounding, so 59.5s is "1m00s"):
 *   under 1 s: "250ms"; under 10 s: one decimal, "3.0s"; under 1 min: "42s";
 *   under 1 h: "1m12s"; under 1 day: "2h05m"; else days and hours, "3d4h"; a smaller unit that
 *   rounds to zero is left out ("5m", "1h", "2d"), as the tasks file writes it.
 */
export function formatElapsed(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatElapsed(-ms)}`;
  const wholeMs = Math.round(ms);
  if (wholeMs < SECOND) return `${wholeMs}ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 100) return `${Math.floor(tenths / 10)}.${tenths % 10}s`;
  return formatWholeSpan(ms);
}

/**
 * A span to or from an instant, in whole seconds or coarser (for "in 4m30s", "3h ago"): the same
 * shapes as formatElapsed from 10 s on, and whole seconds below; past 30 days only the biggest unit,
 * "45d" (whole days), then "3y" (whole years of 365 days, rounded down): the absolute instant says the rest.
 */
export function formatSpan(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatSpan(-ms)}`;
  const days = Math.floor(Math.round(ms / HOUR) / 24);
  if (days >= YEAR_DAYS) return `${Math.floor(days / YEAR_DAYS)}y`;
  if (days >= MONTH_DAYS) return `${days}d`;
  return formatWholeSpan(ms);
}

/** "42s", "1m12s", "2h05m", "3d4h", "5m", "1d": from whole seconds up, each shape chosen after rounding. */
function formatWholeSpan(ms: number): string {
  const seconds = Math.round(ms / SECOND);
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3_600) return twoUnits(Math.floor(seconds / 60), 'm', seconds % 60, 's');
  const minutes = Math.round(ms / MINUTE);
  if (minutes < 1_440) return twoUnits(Math.floor(minutes / 60), 'h', minutes % 60, 'm');
  const hours = Math.round(ms / HOUR);
  return twoUnits(Math.floor(hours / 24), 'd', hours % 24, 'h');
}

/** "1m12s", "2h05m" (the smaller unit two digits wide below a day, as clocks write it), "5m" when it is zero. */
function twoUnits(big: number, bigUnit: string, small: number, smallUnit: string): string {
  if (small === 0) return `${big}${bigUnit}`;
  return `${big}${bigUnit}${smallUnit === 'h' ? small : pad(small)}${smallUnit}`;
}
