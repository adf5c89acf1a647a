/**
 * Parsed crontab lines -> task definitions, comments and notes. The decisions (issue 6):
 *
 * - Schedule: `cron:` keeps the five fields as written (blanks normalised to one space) and the
 *   macros as written, `@reboot` included: taskkit's cron accepts them all with cron's meaning,
 *   including `0`/`7` for Sunday and the Vixie day-of-month/day-of-week rule (OR only when
 *   neither field starts with `*`, DESIGN.md "Schedule semantics"), which taskkit applies from
 *   the same "starts with *" test. Repeated values (`sun,7`, `1-5,3`) and cronie's day-of-week
 *   ranges ending on Sunday (`fri-sun`) mean what they mean to cronie there too, so every
 *   expression is kept exactly as written. What taskkit rejects (`0 0 30 2 *` never fires) is
 *   kept as a comment with taskkit's reason.
 * - Environment: assignments apply to the jobs below them, as in cron. SHELL becomes the task's
 *   `shell`, CRON_TZ its `timezone` (an unknown zone keeps the jobs below it as comments, since
 *   their instants cannot be reproduced), every other variable goes into `env`. MAILTO/MAILFROM
 *   (no mail in taskkit), RANDOM_DELAY (cronie's once-per-start delay) and LOGNAME/USER (cron
 *   overrides them) are dropped with a comment and a note.
 * - `%`: see percent.ts. The input is fed exactly or the line is kept as a comment.
 * - Description: the comment block just above a job, joined with spaces; a blank `#` line, a
 *   crontab legend ("m h dom mon dow command") or a commented-out job or assignment ends the
 *   block, so crontab(1)'s template header does not become a description. Other comments are
 *   kept as YAML comments where they were.
 * - System crontab: the user becomes a comment above the task; taskkit runs tasks as the
 *   daemon's user.
 */
import { parseCron } from '../../schedule/cron.js';
import { isValidTimeZone } from '../../schedule/zoned.js';
import { parseCrontabLine, type CrontabLine, type CrontabSchedule } from './parse-line.js';
import { checkWrappable, splitCronCommand, wrapWithStdin } from './percent.js';
import { assignUniqueNames, deriveTaskName } from './task-name.js';

type JobLine = Extract<CrontabLine, { kind: 'job' }>;
type CommentLine = Extract<CrontabLine, { kind: 'comment' }>;

/** One imported task: the values its YAML holds, and where it came from. */
export interface ImportedTask {
  readonly name: string;
  /** 1-based line of the crontab. */
  readonly line: number;
  readonly description: string | null;
  /** The `cron:` value: five fields or a macro ("@reboot" included). */
  readonly cron: string;
  /** The schedule as the crontab wrote it (differs from `cron` only when rewritten). */
  readonly original: string;
  readonly timezone: string | null;
  readonly shell: string | null;
  readonly env: Readonly<Record<string, string>>;
  readonly run: string;
  /** The user column of a system crontab. */
  readonly user: string | null;
}

/** Something the user should know: a line kept as a comment, a dropped setting, a rewrite. */
export interface ImportNote {
  /** 1-based crontab line, or null for the file as a whole. */
  readonly line: number | null;
  readonly message: string;
}

export interface TranslatedEntry {
  readonly task: ImportedTask;
  /** YAML comments (text after the "#") to place just above the task. */
  readonly comments: readonly string[];
}

export interface Translation {
  readonly entries: readonly TranslatedEntry[];
  /** Comments after the last task. */
  readonly trailingComments: readonly string[];
  readonly notes: readonly ImportNote[];
}

/** The variable names taskkit's `env:` accepts (config/policies.ts). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DEFAULT_CRON_SHELL = '/bin/sh';

interface CronState {
  readonly env: Map<string, string>;
  shell: string | null;
  timezone: string | null;
  zoneProblem: string | null;
}

/** Translate every line, in file order. */
export function translateCrontab(lines: readonly CrontabLine[]): Translation {
  const state: CronState = { env: new Map(), shell: null, timezone: null, zoneProblem: null };
  const notes: ImportNote[] = [];
  const drafts: { task: Omit<ImportedTask, 'name'>; base: string; comments: string[] }[] = [];
  let pending: string[] = [];
  let block: CommentLine[] = [];
  const flushBlock = (): void => {
    pending.push(...block.map((comment) => comment.body));
    block = [];
  };
  const keepAsComment = (line: CrontabLine, reason: string): void => {
    flushBlock();
    pending.push(` import-crontab: line ${line.line} not translated (${reason}): ${line.text}`);
    notes.push({ line: line.line, message: `not translated (${reason})` });
  };
  const dropSetting = (line: CrontabLine, reason: string): void => {
    pending.push(` ${line.text.trim()}: ${reason}`);
    notes.push({ line: line.line, message: `${line.text.trim()}: ${reason}` });
  };

  for (const line of lines) {
    if (line.kind === 'blank') flushBlock();
    else if (line.kind === 'comment') block.push(line);
    else if (line.kind === 'broken') keepAsComment(line, line.reason);
    else if (line.kind === 'env') {
      flushBlock();
      applyAssignment(state, line, dropSetting);
    } else {
      const { description, rest } = takeDescription(block);
      block = [];
      pending.push(...rest);
      const draft = translateJob(line, state, notes);
      if (typeof draft === 'string') {
        keepAsComment(line, draft);
        continue;
      }
      if (line.user !== null) pending.push(` was run as user "${line.user}" by cron`);
      drafts.push({
        task: { ...draft, description },
        base: deriveTaskName(splitCronCommand(line.command).command),
        comments: pending,
      });
      pending = [];
    }
  }
  flushBlock();
  const users = [...new Set(drafts.map((draft) => draft.task.user).filter((user) => user !== null))];
  if (users.length > 0) {
    notes.push({
      line: null,
      message:
        `system crontab: cron ran these jobs as ${users.join(', ')}; ` +
        `taskkit runs every task as the user running the daemon`,
    });
  }
  const names = assignUniqueNames(drafts.map((draft) => draft.base));
  const entries = drafts.map((draft, index) => ({
    task: orderFields(names[index] as string, draft.task),
    comments: draft.comments,
  }));
  return {
    entries,
    trailingComments: pending,
    notes: notes.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity)),
  };
}

/** The documented field order (`--json` prints these objects). */
function orderFields(name: string, task: Omit<ImportedTask, 'name'>): ImportedTask {
  const { line, description, cron, original, timezone, shell, env, run, user } = task;
  return { name, line, description, cron, original, timezone, shell, env, run, user };
}

function applyAssignment(
  state: CronState,
  line: Extract<CrontabLine, { kind: 'env' }>,
  drop: (line: CrontabLine, reason: string) => void,
): void {
  const { name, value } = line;
  if (name === 'SHELL') {
    if (value.trim() === '') drop(line, 'an empty SHELL cannot run anything; ignored');
    else state.shell = value;
  } else if (name === 'CRON_TZ') {
    const zone = value.replace(/^:/, '');
    state.timezone = isValidTimeZone(zone) ? zone : null;
    state.zoneProblem = state.timezone === null ? `CRON_TZ "${value}" is not a time zone taskkit knows` : null;
    if (state.zoneProblem !== null)
      drop(line, `not a time zone taskkit knows; the jobs below it are kept as comments until the next CRON_TZ`);
  } else if (name === 'MAILTO' || name === 'MAILFROM') {
    drop(line, 'taskkit does not send mail; see taskkit history and taskkit logs');
  } else if (name === 'RANDOM_DELAY') {
    drop(
      line,
      'cronie delays every job by one random number of minutes chosen when cron starts; ' +
        'not translated (a task\'s "jitter" is the nearest)',
    );
  } else if (name === 'LOGNAME' || name === 'USER') {
    drop(line, "cron sets this to the crontab owner's name itself; ignored");
  } else if (!ENV_NAME.test(name)) {
    drop(line, 'not a variable name taskkit\'s env accepts (letters, digits and "_"); ignored');
  } else {
    state.env.set(name, value);
  }
}

function translateJob(
  line: JobLine,
  state: CronState,
  notes: ImportNote[],
): Omit<ImportedTask, 'name' | 'description'> | string {
  if (state.zoneProblem !== null) return state.zoneProblem;
  const original = writeSchedule(line.schedule);
  const cron = chooseExpression(original);
  if (typeof cron !== 'string') return cron.problem;
  const { command, stdin } = splitCronCommand(line.command);
  let run = command;
  if (stdin !== null) {
    const problem = checkWrappable(command, state.shell ?? DEFAULT_CRON_SHELL);
    if (problem !== undefined) return problem;
    run = wrapWithStdin(command, stdin);
    notes.push({
      line: line.line,
      message: 'the text after "%" is fed to the command\'s standard input with printf, as cron does',
    });
  } else if (command.trim() === '') {
    return 'the command is empty: cron runs nothing';
  }
  if (line.quiet)
    notes.push({
      line: line.line,
      message: 'the "-" prefix (no syslog line per run) is dropped: taskkit records every run in its history',
    });
  return {
    line: line.line,
    cron,
    original,
    timezone: state.timezone,
    shell: state.shell,
    env: Object.fromEntries(state.env),
    run,
    user: line.user,
  };
}

function writeSchedule(schedule: CrontabSchedule): string {
  return schedule.kind === 'macro' ? schedule.macro : schedule.fields.map((field) => field.text).join(' ');
}

/** The expression as written when taskkit accepts it, else taskkit's reason. */
function chooseExpression(original: string): string | { problem: string } {
  const parsed = parseCron(original);
  return parsed.ok ? original : { problem: `taskkit: ${parsed.message}` };
}

const LEGEND = /^\s*m(in(ute)?)?\s+h(our)?\s+dom\s+mon\s+dow\b/i;
const COMMENTED_ASSIGNMENT = /^\s*[A-Za-z_][A-Za-z0-9_]*=\S/;

/** The description from the comment block above a job; the lines it does not use stay comments. */
function takeDescription(block: readonly CommentLine[]): { description: string | null; rest: string[] } {
  let start = 0;
  for (const [index, comment] of block.entries()) {
    const body = comment.body;
    const commentedJob = parseCrontabLine(body, comment.line, { system: false }).kind === 'job';
    if (body.trim() === '' || LEGEND.test(body) || COMMENTED_ASSIGNMENT.test(body) || commentedJob) start = index + 1;
  }
  const text = block
    .slice(start)
    .map((comment) => comment.body.trim())
    .join(' ')
    .trim();
  return { description: text === '' ? null : text, rest: block.slice(0, start).map((comment) => comment.body) };
}
