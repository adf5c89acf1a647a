/**
 * One crontab line -> what cron makes of it, in cron's order (cronie src/database.c, env.c,
 * entry.c): blank and `#` lines are skipped, then an environment assignment is tried, then a job.
 * Whatever is none of these is `broken`, with the reason cron would give.
 */
import { CRONTAB_FIELDS, readCrontabField, type CrontabField } from './cron-fields.js';

/** Cron's macros (crontab(5)); cron matches them case-sensitively. */
export const CRONTAB_MACROS = [
  '@reboot',
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
] as const;
export type CrontabMacro = (typeof CRONTAB_MACROS)[number];

export type CrontabSchedule =
  | { readonly kind: 'macro'; readonly macro: CrontabMacro }
  | { readonly kind: 'fields'; readonly fields: readonly CrontabField[] };

export type CrontabLine =
  | { readonly kind: 'blank'; readonly line: number; readonly text: string }
  /** `body` is what follows the `#`, as written. */
  | { readonly kind: 'comment'; readonly line: number; readonly text: string; readonly body: string }
  | {
      readonly kind: 'env';
      readonly line: number;
      readonly text: string;
      readonly name: string;
      readonly value: string;
    }
  | {
      readonly kind: 'job';
      readonly line: number;
      readonly text: string;
      readonly schedule: CrontabSchedule;
      /** The user column of a system crontab (/etc/crontab, /etc/cron.d); null in a user's crontab. */
      readonly user: string | null;
      /** Everything after the time fields (and user), as cron hands it to do_command: `%` not yet applied. */
      readonly command: string;
      /** cronie's leading `-`: do not syslog the run. */
      readonly quiet: boolean;
    }
  | { readonly kind: 'broken'; readonly line: number; readonly text: string; readonly reason: string };

export interface ParseLineOptions {
  /** Read the sixth token as a user name (system crontab). */
  readonly system: boolean;
}

const BLANK = /[ \t]/;

/** Classify one line (without its line break); `line` is 1-based. */
export function parseCrontabLine(text: string, line: number, options: ParseLineOptions): CrontabLine {
  const start = skipBlanks(text, 0);
  if (start === text.length) return { kind: 'blank', line, text };
  if (text[start] === '#') return { kind: 'comment', line, text, body: text.slice(start + 1) };
  const assignment = readAssignment(text);
  if (assignment !== undefined) return { kind: 'env', line, text, ...assignment };
  const job = readJob(text, start, options);
  return typeof job === 'string' ? { kind: 'broken', line, text, reason: job } : { kind: 'job', line, text, ...job };
}

/**
 * cronie's load_env state machine: NAME [blanks] = [blanks] VALUE, where NAME or VALUE may be
 * in single or double quotes (nothing may follow a quoted value but blanks) and an unquoted
 * VALUE runs to the end of the line, trailing blanks trimmed. Unlike cronie, `NAME=` with
 * nothing after it is an empty value, as in Vixie cron 4.1 and most crontab(5) pages.
 */
export function readAssignment(text: string): { name: string; value: string } | undefined {
  let index = skipSpaces(text, 0);
  const name = readToken(text, index, true);
  if (name === undefined) return undefined;
  index = skipSpaces(text, name.end);
  if (text[index] !== '=') return undefined;
  index = skipSpaces(text, index + 1);
  if (index === text.length) return name.value === '' ? undefined : { name: name.value, value: '' };
  const value = readToken(text, index, false);
  if (value === undefined || name.value === '') return undefined;
  if (value.quoted && skipSpaces(text, value.end) !== text.length) return undefined;
  return { name: name.value, value: value.quoted ? value.value : value.value.replace(/\s+$/, '') };
}

function readToken(
  text: string,
  start: number,
  isName: boolean,
): { value: string; end: number; quoted: boolean } | undefined {
  const quote = text[start] === '"' || text[start] === "'" ? text[start] : undefined;
  if (quote !== undefined) {
    const close = text.indexOf(quote, start + 1);
    // An unterminated quote makes the line no assignment at all (cronie ends in state VALUE/NAME).
    if (close < 0) return undefined;
    const value = text.slice(start + 1, close);
    if (isName && value.includes('=')) return undefined;
    return { value, end: close + 1, quoted: true };
  }
  if (!isName) return { value: text.slice(start), end: text.length, quoted: false };
  let end = start;
  while (end < text.length && !/\s/.test(text[end] as string) && text[end] !== '=') end += 1;
  return { value: text.slice(start, end), end, quoted: false };
}

interface JobParts {
  readonly schedule: CrontabSchedule;
  readonly user: string | null;
  readonly command: string;
  readonly quiet: boolean;
}

function readJob(text: string, start: number, options: ParseLineOptions): JobParts | string {
  let index = start;
  const quiet = text[index] === '-';
  if (quiet) index += 1;
  let schedule: CrontabSchedule;
  if (text[index] === '@') {
    const word = readWord(text, index);
    const macro = CRONTAB_MACROS.find((known) => known === word.value);
    if (macro === undefined) return `bad time specifier "${word.value}": cron knows ${CRONTAB_MACROS.join(', ')}`;
    schedule = { kind: 'macro', macro };
    index = skipBlanks(text, word.end);
  } else {
    const fields: CrontabField[] = [];
    for (const name of CRONTAB_FIELDS) {
      if (index === text.length)
        return (
          `only ${fields.length} of the 5 time fields (minute hour day-of-month month day-of-week), ` + `and no command`
        );
      const word = readWord(text, index);
      const field = readCrontabField(name, word.value);
      if (typeof field === 'string') return field;
      fields.push(field);
      index = skipBlanks(text, word.end);
    }
    schedule = { kind: 'fields', fields };
  }
  if (index === text.length) return 'no command after the schedule';
  // cron's "catch a common typo": a sixth time field (seconds first, as some schedulers write).
  if (schedule.kind === 'fields' && text[index] === '*')
    return 'bad command: it starts with "*" (a sixth time field? cron has five)';
  let user: string | null = null;
  if (options.system) {
    const word = readWord(text, index);
    user = word.value;
    index = skipBlanks(text, word.end);
    if (index === text.length) return `no command after the user "${user}"`;
  }
  return { schedule, user, command: text.slice(index), quiet };
}

function readWord(text: string, start: number): { value: string; end: number } {
  let end = start;
  while (end < text.length && !BLANK.test(text[end] as string)) end += 1;
  return { value: text.slice(start, end), end };
}

/** Spaces and tabs: what separates cron's fields. */
function skipBlanks(text: string, start: number): number {
  let index = start;
  while (index < text.length && BLANK.test(text[index] as string)) index += 1;
  return index;
}

/** Any white space, as isspace() in load_env. */
function skipSpaces(text: string, start: number): number {
  let index = start;
  while (index < text.length && /\s/.test(text[index] as string)) index += 1;
  return index;
}
