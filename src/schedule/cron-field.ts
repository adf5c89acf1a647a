/**
 * Pre-validation of one cron field, before cron-parser sees it: cron-parser accepts some forms
 * loosely and words its errors for programmers, while DESIGN.md wants messages that name the
 * field and what would be valid, e.g. `cron field "minute" out of range (0-59): 75`.
 */

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

/** What the wrapper needs beyond cron-parser's values: the Vixie "starts with *" flag. */
export interface CronFieldInfo {
  /** The field starts with `*` (or `?`): Vixie's DOM_STAR/DOW_STAR and the wildcard-job test. */
  readonly star: boolean;
}

const STEP_BASE = /^([^/]+)(?:\/(.*))?$/;

/** Validate one field's text; returns its info or the user-facing message. */
export function validateCronField(name: CronFieldName, text: string): CronFieldInfo | string {
  const items = text.split(',');
  if (items.some((item) => item === '')) return `cron field "${name}": empty item in list "${text}"`;
  for (const item of items) {
    const unsupported = findUnsupported(name, item.toLowerCase());
    if (unsupported !== undefined) return `cron field "${name}": "${item}" (${unsupported}) is not supported`;
    if (item.includes('#') && items.length > 1) {
      return `cron field "${name}": "${item}" cannot be combined with other values in a list ("${text}")`;
    }
    const problem = checkItem(name, item);
    if (problem !== undefined) return problem;
  }
  return { star: text.startsWith('*') || text.startsWith('?') };
}

/** Forms other crons accept that taskkit rejects by name, with what they mean elsewhere. */
function findUnsupported(name: CronFieldName, item: string): string | undefined {
  if (item.includes('h') && /(^|[^a-z])h/.test(item)) return 'hashed value';
  if (name !== 'day-of-month') return undefined;
  if (item === 'lw') return 'last weekday of the month';
  if (/^\d+w$/.test(item)) return 'nearest weekday';
  if (/^l-\d+$/.test(item)) return 'days before the last day of the month';
  return undefined;
}

function checkItem(name: CronFieldName, item: string): string | undefined {
  const lower = item.toLowerCase();
  const rule = RULES[name];
  if (name === 'day-of-month' && lower === 'l') return undefined;
  if (name === 'day-of-week') {
    if (lower === 'l') return `cron field "${name}": "L" needs a weekday in this field, e.g. "5L" for the last Friday`;
    const last = /^(.+)l$/.exec(lower);
    if (last !== null && !last[1]?.includes('#')) return checkValue(name, rule, last[1] ?? '', item);
    const nth = /^(.+)#(.*)$/.exec(lower);
    if (nth !== null) {
      const problem = checkValue(name, rule, nth[1] ?? '', item);
      if (problem !== undefined) return problem;
      const occurrence = nth[2] ?? '';
      if (!/^[1-5]$/.test(occurrence)) return `cron field "${name}" out of range (1-5) after "#": ${nth[2]}`;
      return undefined;
    }
  }
  const parts = STEP_BASE.exec(lower);
  const base = parts?.[1] ?? '';
  const step = parts?.[2];
  if (step !== undefined) {
    if (!/^\d+$/.test(step)) return `cron field "${name}": expected a step like "*/15", got "${item}"`;
    if (Number(step) === 0) return `cron field "${name}": a step must be at least 1, got "${item}"`;
  }
  if (base === '*' || (base === '?' && (name === 'day-of-month' || name === 'day-of-week'))) return undefined;
  const range = /^([^-]+)-([^-]+)$/.exec(base);
  if (range === null) return checkValue(name, rule, base, item);
  const low = checkValue(name, rule, range[1] ?? '', item);
  if (low !== undefined) return low;
  const high = checkValue(name, rule, range[2] ?? '', item);
  if (high !== undefined) return high;
  const from = toNumber(rule, range[1] ?? '');
  const to = toNumber(rule, range[2] ?? '');
  // Sunday is both 0 and 7; suggest the wrap-around with 0 so the list has no duplicate.
  const top = name === 'day-of-week' ? 6 : rule.max;
  if (from > to) return `cron field "${name}": range "${range[1]}-${range[2]}" runs backwards (write it as ${from}-${top},${rule.min}-${to})`;
  return undefined;
}

function checkValue(name: CronFieldName, rule: FieldRule, value: string, item: string): string | undefined {
  if (/^\d+$/.test(value)) {
    const number = Number(value);
    return number < rule.min || number > rule.max ? `cron field "${name}" out of range (${rule.min}-${rule.max}): ${value}` : undefined;
  }
  if (rule.names !== undefined && /^[a-z]+$/.test(value)) {
    if (rule.names.includes(value)) return undefined;
    const first = rule.names[0] ?? '';
    const last = rule.names[rule.names.length - 1] ?? '';
    return `cron field "${name}": unknown name "${value}" (use ${first}-${last} or ${rule.min}-${rule.max})`;
  }
  const expected = rule.names === undefined ? 'a number' : 'a number or name';
  return `cron field "${name}": expected ${expected}, a range like "1-5", a step like "*/15" or a list, got "${item}"`;
}

function toNumber(rule: FieldRule, value: string): number {
  const index = rule.names?.indexOf(value) ?? -1;
  return index >= 0 ? index + rule.min : Number(value);
}
