/**
 * `cron: EXPR`: taskkit reads the expression itself (cron-field.ts, the one owner of the
 * grammar; CONTRIBUTING.md "Dependencies" says why cron-parser is not) and its own stepper
 * answers next() with the Vixie/cronie rules on DST and on day-of-month/day-of-week.
 */
import { daysFromCivil, daysInMonth, weekdayOfDays } from './calendar.js';
import { readCronField, type CronField, type CronFieldName } from './cron-field.js';
import { buildCronProgram, type CronFields, type CronProgram } from './cron-program.js';
import { showValue } from './show-value.js';
import { nextWallInstant } from './wall-stepper.js';
import type { CronSpec, Instant, ParseResult, RebootSpec } from './types.js';

/** Vixie cron's macros (crontab(5)); other libraries' extra ones (@weekdays, ...) are not cron. */
const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const FIELDS_5: readonly CronFieldName[] = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'];
const FIELDS_6: readonly CronFieldName[] = ['second', ...FIELDS_5];
const MAX_CACHED = 10_000;
// A five-field expression runs at second 0.
const ZERO_SECOND: CronField = { star: false, values: [0], specials: [] };

// Zone-free programs, shared by every task with the same expression (DESIGN.md: 100k tasks).
const programs = new Map<string, CronProgram>();

/** A cron schedule bound to a zone. */
export interface CompiledCron {
  readonly next: (after: Instant) => Instant | null;
}

/** Parse and validate a cron expression or macro; "@reboot" gives a RebootSpec. */
export function parseCron(raw: unknown): ParseResult<CronSpec | RebootSpec> {
  if (typeof raw !== 'string')
    return {
      ok: false,
      message: `expected a cron expression like "*/15 * * * *" or a macro like "@daily", got ${showValue(raw)}`,
    };
  const expression = raw.trim();
  if (expression === '')
    return {
      ok: false,
      message: 'expected a cron expression like "*/15 * * * *" or a macro like "@daily", got an empty string',
    };
  if (expression.toLowerCase() === '@reboot') return { ok: true, value: { kind: 'reboot' } };
  const program = loadProgram(expression);
  if (!isProgram(program)) {
    // Point into the text as written: the offset is within the trimmed expression.
    const offset = program.offset === undefined ? undefined : program.offset + raw.length - raw.trimStart().length;
    return offset === undefined
      ? { ok: false, message: program.message }
      : { ok: false, message: program.message, offset };
  }
  return { ok: true, value: { kind: 'cron', expression } };
}

/** Bind a parsed cron spec to a zone; throws on an expression parseCron would reject. */
export function compileCron(spec: CronSpec, tz: string): CompiledCron {
  const program = loadProgram(spec.expression.trim());
  if (!isProgram(program)) throw new Error(`invalid cron expression "${spec.expression}": ${program.message}`);
  return { next: (after) => nextWallInstant(program, tz, after) };
}

/** Why an expression is invalid; `offset` is where in the (trimmed) expression, when known. */
interface CronProblem {
  readonly message: string;
  readonly offset?: number;
}

function isProgram(value: CronProgram | CronProblem): value is CronProgram {
  return 'dayMask' in value;
}

/** The cached program of an expression, or the problem saying why it is invalid. */
function loadProgram(expression: string): CronProgram | CronProblem {
  const cached = programs.get(expression);
  if (cached !== undefined) return cached;
  const built = buildProgram(expression);
  if (!isProgram(built)) return built;
  if (programs.size >= MAX_CACHED) programs.clear();
  programs.set(expression, built);
  return built;
}

function buildProgram(expression: string): CronProgram | CronProblem {
  const fields = readFields(expression);
  if (!('second' in fields)) return fields;
  const program = buildCronProgram(fields);
  return firesEver(program) ? program : { message: neverFires(expression) };
}

/**
 * The shortest time between two instants of a valid expression, in ms, as far as its time fields
 * tell (the times of one day are exact: a matching day has them all; from the last to the first
 * of the next day only when every day matches), or null when they tell nothing (one time a day
 * on some days only). Wall time without daylight-saving changes. For `jitter` (config/task-rules.ts).
 */
export function shortestCronGapMs(spec: CronSpec): number | null {
  const fields = readFields(spec.expression.trim());
  if (!('second' in fields)) return null;
  const [s, m, h] = [fields.second.values, fields.minute.values, fields.hour.values];
  const s0 = s[0] ?? 0;
  const m0 = m[0] ?? 0;
  const h0 = h[0] ?? 0;
  // From the last second of a minute to the first of the next minute (hour, day) that matches.
  const secondCarry = s0 - (s.at(-1) ?? 0);
  const minuteCarry = (m0 - (m.at(-1) ?? 0)) * 60 + secondCarry;
  const gaps = [
    shortestStep(s),
    shortestStep(m) * 60 + secondCarry,
    shortestStep(h) * 3600 + minuteCarry,
    fields.dayOfMonth.star && fields.month.star && fields.dayOfWeek.star
      ? (h0 + 24 - (h.at(-1) ?? 0)) * 3600 + minuteCarry
      : Infinity,
  ];
  const shortest = Math.min(...gaps);
  return Number.isFinite(shortest) ? shortest * 1000 : null;
}

/** The smallest difference of two neighbours in an ascending list; Infinity for fewer than two. */
function shortestStep(values: readonly number[]): number {
  let shortest = Infinity;
  for (let index = 1; index < values.length; index++)
    shortest = Math.min(shortest, (values[index] ?? 0) - (values[index - 1] ?? 0));
  return shortest;
}

/** The six fields of an expression or macro, or the problem saying why it is invalid. */
function readFields(expression: string): CronFields | CronProblem {
  let text = expression;
  if (text.startsWith('@')) {
    const macro = MACROS[text.toLowerCase()];
    if (macro === undefined)
      return {
        message:
          `unknown cron macro "${text}" (use @yearly, @annually, @monthly, @weekly, @daily, @midnight, ` +
          `@hourly or @reboot)`,
      };
    text = macro;
  }
  const parts = [...text.matchAll(/\S+/g)];
  if (parts.length !== 5 && parts.length !== 6) {
    return {
      message:
        `expected 5 cron fields (minute hour day-of-month month day-of-week) or 6 (second first), ` +
        `got ${parts.length}: "${expression}"`,
    };
  }
  const names = parts.length === 5 ? FIELDS_5 : FIELDS_6;
  const fields = new Map<CronFieldName, CronField>([['second', ZERO_SECOND]]);
  for (const [index, name] of names.entries()) {
    const part = parts[index];
    const field = readCronField(name, part?.[0] ?? '');
    if ('message' in field)
      return text === expression
        ? { message: field.message, offset: (part?.index ?? 0) + field.offset }
        : { message: field.message };
    fields.set(name, field);
  }
  const field = (name: CronFieldName): CronField => fields.get(name) ?? ZERO_SECOND;
  return {
    second: field('second'),
    minute: field('minute'),
    hour: field('hour'),
    dayOfMonth: field('day-of-month'),
    month: field('month'),
    dayOfWeek: field('day-of-week'),
  };
}

/** 2001-2028 holds all 14 kinds of year (7 first weekdays, leap or not), so any day pattern shows. */
function firesEver(program: CronProgram): boolean {
  for (let year = 2001; year <= 2028; year++) {
    for (let month = 1; month <= 12; month++) {
      const first = weekdayOfDays(daysFromCivil(year, month, 1));
      if (program.dayMask(year, month, first, daysInMonth(year, month)) !== 0) return true;
    }
  }
  return false;
}

function neverFires(expression: string): string {
  return `never fires: "${expression}" matches no day of any year`;
}
