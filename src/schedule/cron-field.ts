/**
 * One cron field read into the set it selects. taskkit owns the cron grammar (CONTRIBUTING.md,
 * "Dependencies"): Vixie/cronie's lists, ranges, steps and names, where a list is a set (`0,7`,
 * `1-5,3`, `*\/15,30` are fine) and a day-of-week range ending on Sunday ends at 7 (`fri-sun`),
 * plus the Quartz/croner forms `L`, `L-n`, `nW`, `LW` (day of month), `nL` and `n#k` (day of week).
 * Messages name the field and what would be valid; `offset` points into the field's text.
 */
import type { DaySpecial } from './cron-days.js';

export type CronFieldName = 'second' | 'minute' | 'hour' | 'day-of-month' | 'month' | 'day-of-week';

interface FieldRule {
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const RULES: Readonly<Record<CronFieldName, FieldRule>> = {
  second: { min: 0, max: 59 },
  minute: { min: 0, max: 59 },
  hour: { min: 0, max: 23 },
  'day-of-month': { min: 1, max: 31 },
  month: { min: 1, max: 12, names: MONTHS },
  'day-of-week': { min: 0, max: 7, names: WEEKDAYS },
};

/** The set one field selects. */
export interface CronField {
  /** The field starts with `*` (or `?`): Vixie's DOM_STAR/DOW_STAR and the wildcard-job test. */
  readonly star: boolean;
  /** Plain values, ascending, without repeats; day-of-week 7 is folded into 0 (Sunday). */
  readonly values: readonly number[];
  /** Day forms that depend on the month: L, L-n, nW, LW, nL, n#k. */
  readonly specials: readonly DaySpecial[];
}

/** Why a field is invalid, and where in its text. */
export interface CronFieldError {
  readonly message: string;
  readonly offset: number;
}

type ItemResult = CronFieldError | undefined;

/** Read one field's text into its set, or say why it is invalid. */
export function readCronField(name: CronFieldName, text: string): CronField | CronFieldError {
  const rule = RULES[name];
  const values = new Set<number>();
  const specials: DaySpecial[] = [];
  const items = text.split(',');
  let offset = 0;
  for (const item of items) {
    if (item === '') return { message: `cron field "${name}": empty item in list "${text}"`, offset };
    const lower = item.toLowerCase();
    const fail = (message: string, at = 0): CronFieldError => ({
      message: `cron field "${name}"${message}`,
      offset: offset + at,
    });
    const unsupported = findUnsupported(lower);
    if (unsupported !== undefined) return fail(`: "${item}" (${unsupported}) is not supported`);
    if (lower.includes('#') && items.length > 1)
      return fail(`: "${item}" cannot be combined with other values in a list ("${text}")`);
    if (name === 'day-of-week' && lower === 'l')
      return fail(': "L" needs a weekday in this field, e.g. "5L" for the last Friday');
    const problem = isDaySpecial(name, lower)
      ? readDaySpecial(name, rule, lower, item, specials, fail)
      : readRange(name, rule, lower, item, values, fail);
    if (problem !== undefined) return problem;
    offset += item.length + 1;
  }
  const folded = [...values].map((value) => (name === 'day-of-week' ? value % 7 : value));
  return {
    star: text.startsWith('*') || text.startsWith('?'),
    values: [...new Set(folded)].sort((a, b) => a - b),
    specials,
  };
}

/** Forms other crons accept that taskkit rejects by name, with what they mean elsewhere. */
function findUnsupported(item: string): string | undefined {
  return /(^|[^a-z])h/.test(item) ? 'hashed value' : undefined;
}

function isDaySpecial(name: CronFieldName, item: string): boolean {
  if (name === 'day-of-month') return /^(l|lw|l-.*|\d+w)$/.test(item);
  return name === 'day-of-week' && (/^[^/]+l$/.test(item) || item.includes('#'));
}

type Fail = (message: string, at?: number) => CronFieldError;

/** L, L-n, nW, LW in day-of-month; nL, n#k in day-of-week. */
function readDaySpecial(
  name: CronFieldName,
  rule: FieldRule,
  item: string,
  raw: string,
  specials: DaySpecial[],
  fail: Fail,
): ItemResult {
  if (name === 'day-of-month') {
    if (item === 'l' || item === 'lw') {
      specials.push(item === 'l' ? { kind: 'last-day', before: 0 } : { kind: 'last-weekday' });
      return undefined;
    }
    const before = /^l-(\d+)$/.exec(item);
    if (item.startsWith('l-')) {
      const count = Number(before?.[1] ?? Number.NaN);
      if (!(count <= 30)) return fail(` out of range (0-30) after "L-": ${raw.slice(2)}`, 2);
      specials.push({ kind: 'last-day', before: count });
      return undefined;
    }
    const day = item.slice(0, -1);
    const problem = checkValue(rule, day, raw, fail);
    if (problem !== undefined) return problem;
    specials.push({ kind: 'nearest-weekday', day: Number(day) });
    return undefined;
  }
  const nth = /^(.+)#(.*)$/.exec(item);
  const weekdayText = nth === null ? item.slice(0, -1) : (nth[1] ?? '');
  const problem = checkValue(rule, weekdayText, raw, fail);
  if (problem !== undefined) return problem;
  const weekday = toNumber(rule, weekdayText) % 7;
  if (nth === null) {
    specials.push({ kind: 'last-of-weekday', weekday });
    return undefined;
  }
  const occurrence = nth[2] ?? '';
  if (!/^[1-5]$/.test(occurrence)) return fail(` out of range (1-5) after "#": ${occurrence}`, weekdayText.length + 1);
  specials.push({ kind: 'nth-weekday', weekday, occurrence: Number(occurrence) });
  return undefined;
}

const STEP_BASE = /^([^/]+)(?:\/(.*))?$/;

/** `*`, `?`, N, N-M, each with an optional /step (N/step is N-max/step, as the BSD crons read it). */
function readRange(
  name: CronFieldName,
  rule: FieldRule,
  item: string,
  raw: string,
  values: Set<number>,
  fail: Fail,
): ItemResult {
  const parts = STEP_BASE.exec(item);
  const base = parts?.[1] ?? '';
  const stepText = parts?.[2];
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText)) return fail(`: expected a step like "*/15", got "${raw}"`, base.length + 1);
    step = Number(stepText);
    if (step === 0) return fail(`: a step must be at least 1, got "${raw}"`, base.length + 1);
  }
  let low = rule.min;
  let high = rule.max;
  if (!(base === '*' || (base === '?' && (name === 'day-of-month' || name === 'day-of-week')))) {
    const range = /^([^-]+)-([^-]+)$/.exec(base);
    const lowText = range === null ? base : (range[1] ?? '');
    const highText = range?.[2];
    const lowProblem = checkValue(rule, lowText, raw, fail);
    if (lowProblem !== undefined) return lowProblem;
    low = toNumber(rule, lowText);
    high = stepText === undefined ? low : rule.max;
    if (highText !== undefined) {
      const highProblem = checkValue(rule, highText, raw, fail, lowText.length + 1);
      if (highProblem !== undefined) return highProblem;
      high = toNumber(rule, highText);
      // cronie 1.7 (entry.c get_range): a day-of-week range ending on Sunday as 0 ends at 7.
      if (name === 'day-of-week' && low > high && high === 0) high = 7;
      // Sunday is both 0 and 7; suggest the wrap-around with 0 so that each value shows once.
      const top = name === 'day-of-week' ? 6 : rule.max;
      if (low > high)
        return fail(`: range "${lowText}-${highText}" runs backwards (write it as ${low}-${top},${rule.min}-${high})`);
    }
  }
  for (let value = low; value <= high; value += step) values.add(value);
  return undefined;
}

function checkValue(rule: FieldRule, value: string, item: string, fail: Fail, at = 0): ItemResult {
  if (/^\d+$/.test(value)) {
    const number = Number(value);
    return number < rule.min || number > rule.max
      ? fail(` out of range (${rule.min}-${rule.max}): ${value}`, at)
      : undefined;
  }
  if (rule.names !== undefined && /^[a-z]+$/.test(value)) {
    if (rule.names.includes(value)) return undefined;
    const first = rule.names[0] ?? '';
    const last = rule.names[rule.names.length - 1] ?? '';
    return fail(`: unknown name "${value}" (use ${first}-${last} or ${rule.min}-${rule.max})`, at);
  }
  const expected = rule.names === undefined ? 'a number' : 'a number or name';
  return fail(`: expected ${expected}, a range like "1-5", a step like "*/15" or a list, got "${item}"`);
}

function toNumber(rule: FieldRule, value: string): number {
  const index = rule.names?.indexOf(value) ?? -1;
  return index >= 0 ? index + rule.min : Number(value);
}
