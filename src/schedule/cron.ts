/**
 * `cron: EXPR`: cron-parser parses and validates (after our own field checks, for clear
 * messages); taskkit's own stepper answers next(), because cron-parser's next() is slow
 * (~100 µs) and differs from Vixie cron on DST and on the day-of-month/day-of-week rule.
 */
import { CronExpressionParser } from 'cron-parser';
import { daysFromCivil, daysInMonth, weekdayOfDays } from './calendar.js';
import { validateCronField, type CronFieldName } from './cron-field.js';
import { buildCronProgram, type CronProgram } from './cron-program.js';
import { showValue } from './show-value.js';
import { nextWallInstant } from './wall-stepper.js';
import type { CronSpec, Instant, ParseResult, RebootSpec } from './types.js';

/** Vixie cron's macros (crontab(5)); cron-parser's extra ones (@weekdays, ...) are not cron. */
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

// Zone-free programs, shared by every task with the same expression (DESIGN.md: 100k tasks).
const programs = new Map<string, CronProgram>();

/** A cron schedule bound to a zone. */
export interface CompiledCron {
  next(after: Instant): Instant | null;
}

/** Parse and validate a cron expression or macro; "@reboot" gives a RebootSpec. */
export function parseCron(raw: unknown): ParseResult<CronSpec | RebootSpec> {
  if (typeof raw !== 'string') return { ok: false, message: `expected a cron expression like "*/15 * * * *" or a macro like "@daily", got ${showValue(raw)}` };
  const expression = raw.trim();
  if (expression === '') return { ok: false, message: 'expected a cron expression like "*/15 * * * *" or a macro like "@daily", got an empty string' };
  if (expression.toLowerCase() === '@reboot') return { ok: true, value: { kind: 'reboot' } };
  const program = loadProgram(expression);
  if (typeof program === 'string') return { ok: false, message: program };
  return { ok: true, value: { kind: 'cron', expression } };
}

/** Bind a parsed cron spec to a zone; throws on an expression parseCron would reject. */
export function compileCron(spec: CronSpec, tz: string): CompiledCron {
  const program = loadProgram(spec.expression.trim());
  if (typeof program === 'string') throw new Error(`invalid cron expression "${spec.expression}": ${program}`);
  return { next: (after) => nextWallInstant(program, tz, after) };
}

/** The cached program of an expression, or the message saying why it is invalid. */
function loadProgram(expression: string): CronProgram | string {
  const cached = programs.get(expression);
  if (cached !== undefined) return cached;
  const built = buildProgram(expression);
  if (typeof built === 'string') return built;
  if (programs.size >= MAX_CACHED) programs.clear();
  programs.set(expression, built);
  return built;
}

function buildProgram(expression: string): CronProgram | string {
  let text = expression;
  if (text.startsWith('@')) {
    const macro = MACROS[text.toLowerCase()];
    if (macro === undefined) return `unknown cron macro "${text}" (use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @reboot)`;
    text = macro;
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) {
    return `expected 5 cron fields (minute hour day-of-month month day-of-week) or 6 (second first), got ${parts.length}: "${expression}"`;
  }
  const names = parts.length === 5 ? FIELDS_5 : FIELDS_6;
  const stars = new Map<CronFieldName, boolean>();
  for (const [index, name] of names.entries()) {
    const info = validateCronField(name, parts[index] ?? '');
    if (typeof info === 'string') return info;
    stars.set(name, info.star);
  }
  const sixFields = parts.length === 5 ? ['0', ...parts] : parts;
  let fields;
  try {
    // Explicit date and zone: parse only, but never let the library read the clock.
    fields = CronExpressionParser.parse(sixFields.join(' '), { currentDate: new Date(0), tz: 'UTC' }).fields;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // cron-parser's own never-fires check ("0 0 30 2 *"); ours below catches the rest.
    if (message.includes('day of month')) return neverFires(expression);
    return `invalid cron expression "${expression}": ${message}`;
  }
  const program = buildCronProgram(fields, {
    domStar: stars.get('day-of-month') ?? false,
    dowStar: stars.get('day-of-week') ?? false,
    fixed: !(stars.get('second') ?? false) && !(stars.get('minute') ?? false) && !(stars.get('hour') ?? false),
  });
  return firesEver(program) ? program : neverFires(expression);
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
