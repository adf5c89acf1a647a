/**
 * The time fields of a crontab line as cron itself reads them: cronie 1.7's get_list/get_range
 * (src/entry.c), which is Vixie cron's grammar plus two things. taskkit's own cron parser accepts
 * more (`?`, `L`, `W`, `#`, six fields), so a crontab line is checked here first: what cron would
 * reject is reported as cron would, not imported as something cron never ran.
 *
 *   list  := range {"," range}
 *   range := "*" ["/" step] | number ["-" number] ["/" step]
 *   number:= digits | a three-letter month or weekday name (any case)
 *
 * - `N/step` (no range) is rejected by cronie and Debian's cron and read as `N-max/step` by the
 *   BSD crons; taskkit reads it the BSD way, so a crontab that was accepted means the same here.
 * - cronie 1.7 reads a range that ends in 0 (`fri-sun`, `5-0`) as ending in 7, which only makes
 *   sense for the day of the week; other backwards ranges select nothing there and are errors in
 *   every older cron: reported as broken.
 * - cronie's `~` (a random value picked when cron loads the crontab) has no taskkit equivalent.
 */

export type CrontabFieldName = 'minute' | 'hour' | 'day-of-month' | 'month' | 'day-of-week';

export const CRONTAB_FIELDS: readonly CrontabFieldName[] = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'];

interface FieldRule {
  readonly low: number;
  readonly high: number;
  readonly names?: readonly string[];
}

const RULES: Readonly<Record<CrontabFieldName, FieldRule>> = {
  minute: { low: 0, high: 59 },
  hour: { low: 0, high: 23 },
  'day-of-month': { low: 1, high: 31 },
  month: {
    low: 1,
    high: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  // Index 7 is Sunday again (cronie's DowNames), so `sun` is 0 and 7 is a number only.
  'day-of-week': { low: 0, high: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
};

/** One field as cron reads it. */
export interface CrontabField {
  readonly name: CrontabFieldName;
  /** The text as written. */
  readonly text: string;
  /** Cron's DOM_STAR/DOW_STAR/MIN_STAR/HR_STAR: the field starts with `*`. */
  readonly star: boolean;
  /** The selected values, ascending; day-of-week 7 is folded into 0. */
  readonly values: readonly number[];
}

/** Read one field; a string is the reason cron would reject it. */
export function readCrontabField(name: CrontabFieldName, text: string): CrontabField | string {
  const rule = RULES[name];
  const selected = new Set<number>();
  for (const item of text.split(',')) {
    const problem = readItem(name, rule, item, selected);
    if (problem !== undefined) return `bad ${name} "${text}": ${problem}`;
  }
  const values = [...selected].map((value) => (name === 'day-of-week' ? value % 7 : value));
  return { name, text, star: text.startsWith('*'), values: [...new Set(values)].sort((a, b) => a - b) };
}

const ITEM = /^([^/-]+)(?:-([^/]+))?(?:\/(.*))?$/;

function readItem(name: CrontabFieldName, rule: FieldRule, item: string, selected: Set<number>): string | undefined {
  if (item === '') return 'empty item in a list';
  if (item.includes('~'))
    return 'cronie\'s random value "~" is picked when cron loads the crontab; taskkit has no equivalent';
  const match = ITEM.exec(item);
  if (match === null)
    return (
      `expected a number${rule.names === undefined ? '' : ' or name'}, a range like "1-5", ` +
      `a step like "*/15" or a list, got "${item}"`
    );
  const [, first = '', second, stepText] = match;
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d{1,9}$/.test(stepText)) return `a step must be a number, got "/${stepText}"`;
    step = Number(stepText);
    if (step === 0) return 'a step must be at least 1, got "/0"';
  }
  let low: number;
  let high: number;
  if (first === '*') {
    if (second !== undefined) return `"*" cannot start a range, got "${item}"`;
    low = rule.low;
    high = rule.high;
  } else {
    const from = readNumber(rule, first);
    if (typeof from === 'string') return from;
    low = from;
    high = from;
    if (second !== undefined) {
      const to = readNumber(rule, second);
      if (typeof to === 'string') return to;
      high = to;
      if (low > high && high === 0 && name === 'day-of-week') high = 7;
      if (low > high) return `range "${item}" runs backwards: cron rejects it or selects nothing`;
    } else if (stepText !== undefined) {
      high = rule.high;
    }
  }
  for (let value = low; value <= high; value += step) selected.add(value);
  return undefined;
}

function readNumber(rule: FieldRule, text: string): number | string {
  if (/^\d{1,9}$/.test(text)) {
    const value = Number(text);
    if (value < rule.low || value > rule.high) return `${text} is out of range (${rule.low}-${rule.high})`;
    return value;
  }
  const index = rule.names?.indexOf(text.toLowerCase()) ?? -1;
  if (index >= 0) return index + rule.low;
  const kind = rule.names === undefined ? 'a number' : `a number or a name like "${rule.names[0] ?? ''}"`;
  return `expected ${kind}, got "${text}"`;
}
