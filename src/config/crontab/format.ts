/**
 * User crontab (`crontab -l`: five time fields, then the command) or system crontab
 * (/etc/crontab, /etc/cron.d/*: five time fields, a user name, then the command)?
 *
 * Asking /etc/passwd would make the answer depend on the machine doing the import, so the file's
 * shape decides: it is a system crontab when every job line has a user-name-like word where the
 * command would start, followed by a command, and at least one of those words is `root`. A user's
 * command does not start with `root`, while nearly every system crontab has a root job. The
 * caller may know better (the path is /etc/crontab, the text came from `crontab -l`) and say so.
 */
import { parseCrontabLine } from './parse-line.js';

export type CrontabFormat = 'user' | 'system';

/** POSIX portable user names (plus the `$` of machine accounts), as useradd accepts them. */
const USER_NAME = /^[a-z_][a-z0-9_.-]{0,31}\$?$/;

/** The format of `lines`: `hint` when given, else by the shape described above. */
export function detectCrontabFormat(lines: readonly string[], hint?: CrontabFormat): CrontabFormat {
  if (hint !== undefined) return hint;
  let jobs = 0;
  let root = false;
  for (const [index, text] of lines.entries()) {
    const parsed = parseCrontabLine(text, index + 1, { system: false });
    if (parsed.kind !== 'job') continue;
    jobs += 1;
    const match = /^(\S+)[ \t]+\S/.exec(parsed.command);
    const user = match?.[1];
    if (user === undefined || !USER_NAME.test(user)) return 'user';
    if (user === 'root') root = true;
  }
  return jobs > 0 && root ? 'system' : 'user';
}

/** What a path says about the format: /etc/crontab and /etc/cron.d/* are system crontabs. */
export function detectPathFormat(path: string): CrontabFormat | undefined {
  return path === '/etc/crontab' || /^\/etc\/cron\.d\/[^/]+$/.test(path) ? 'system' : undefined;
}
