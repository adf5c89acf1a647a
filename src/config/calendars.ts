/**
 * `settings.calendars` (issue 17.2): named sets of dates a task's `except:` skips. A calendar is a
 * date ("2026-12-25"), an inclusive range ("2026-12-24..2026-12-31"), `{file: PATH}` (the all-day
 * events of an iCalendar file, ics-dates.ts), or a list mixing any of them: one calendar may
 * combine a holiday file with the dates it lacks. Dates are civil dates, with no zone: each task
 * reads its instants' local dates in its own zone. Resolved to sorted day numbers (schedule/calendar.ts).
 */
import { daysFromCivil, daysInMonth } from '../schedule/calendar.js';
import type { ExceptCalendar } from '../schedule/excluded-dates.js';
import { showValue } from '../schedule/show-value.js';
import type { IssueCollector } from './collector.js';
import { readIcsDates } from './ics-dates.js';
import { TASK_NAME_PATTERN } from './key-table.js';
import { checkKeys, isPlainMap, readPath } from './read-value.js';
import { didYouMean } from './suggest.js';
import type { Calendars } from './types.js';

type Path = readonly (string | number)[];

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CALENDAR_NAME = new RegExp(TASK_NAME_PATTERN);
/** A range spans at most a century: a typo such as 2026..9026 must not fill memory. */
const MAX_RANGE_DAYS = 36_525;
const EXPECTED = 'a date (2026-12-25), a range ("2026-12-24..2026-12-31") or {file: PATH.ics}';

/** `calendars:` of the settings; `baseDir` resolves `file:` paths. Undefined after an issue on the map itself. */
export function readCalendars(c: IssueCollector, path: Path, raw: unknown, baseDir: string): Calendars | undefined {
  if (!isPlainMap(raw)) {
    c.add('invalid-value', path, 'value', `expected a map of calendar names to dates, got ${showValue(raw)}`);
    return undefined;
  }
  const out: Record<string, readonly number[]> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!CALENDAR_NAME.test(name)) {
      c.add('invalid-value', [...path, name], 'key', `invalid calendar name: use letters, digits, ".", "_" or "-"`);
      continue;
    }
    const days = new Set<number>();
    const items = Array.isArray(value) ? (value as unknown[]) : [value];
    items.forEach((item, index) => {
      const at = Array.isArray(value) ? [...path, name, index] : [...path, name];
      if (typeof item === 'string') addText(c, at, item, days);
      else if (isPlainMap(item)) addFile(c, at, item, baseDir, days);
      else c.add('invalid-value', at, 'value', `expected ${EXPECTED}, got ${showValue(item)}`);
    });
    out[name] = [...days].sort((a, b) => a - b);
  }
  return Object.freeze(out);
}

/** The calendars `names` stand for, in order; an unknown name is an error with a did-you-mean. */
export function resolveExcept(
  c: IssueCollector,
  raw: unknown,
  calendars: Calendars,
): readonly ExceptCalendar[] | undefined {
  const items = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  const known = Object.keys(calendars);
  const out: ExceptCalendar[] = [];
  let ok = true;
  items.forEach((item, index) => {
    const at = Array.isArray(raw) ? ['except', index] : ['except'];
    if (typeof item !== 'string' || item === '') {
      ok = false;
      c.add('invalid-value', at, 'value', `expected a calendar name or a list of them, got ${showValue(item)}`);
      return;
    }
    const days = Object.hasOwn(calendars, item) ? calendars[item] : undefined;
    if (days === undefined) {
      ok = false;
      const hint = didYouMean(
        item,
        known,
        known.length === 0 ? '; define it under settings.calendars' : `; calendars: ${known.join(', ')}`,
      );
      c.add('invalid-value', at, 'value', `unknown calendar "${item}"${hint}`);
      return;
    }
    if (!out.some((calendar) => calendar.name === item)) out.push({ name: item, days });
  });
  return ok ? out : undefined;
}

/** A date or an inclusive range. */
function addText(c: IssueCollector, path: Path, text: string, days: Set<number>): void {
  const split = text.indexOf('..');
  const first = readDate(c, path, split < 0 ? text : text.slice(0, split), 0);
  if (split < 0) {
    if (first !== undefined) days.add(first);
    return;
  }
  const last = readDate(c, path, text.slice(split + 2), split + 2);
  if (first === undefined || last === undefined) return;
  if (last < first) {
    c.add('invalid-value', path, 'value', `reversed range "${text}": write the earlier date first`);
    return;
  }
  if (last - first >= MAX_RANGE_DAYS) {
    c.add('invalid-value', path, 'value', `range "${text}" is longer than 100 years: is it a typo?`);
    return;
  }
  for (let day = first; day <= last; day++) days.add(day);
}

/** "YYYY-MM-DD" as a day number; `offset` is where it starts in the value, for the column. */
function readDate(c: IssueCollector, path: Path, text: string, offset: number): number | undefined {
  const match = DATE.exec(text);
  if (match === null) {
    c.add('invalid-value', path, 'value', `expected ${EXPECTED}, got ${showValue(text)}`, offset);
    return undefined;
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    c.add('invalid-value', path, 'value', `no such date: ${text}`, offset);
    return undefined;
  }
  return daysFromCivil(year, month, day);
}

/** `{file: PATH}`: the dates of an .ics file's all-day events (ics-dates.ts); a file with none is a warning. */
function addFile(
  c: IssueCollector,
  path: Path,
  map: Readonly<Record<string, unknown>>,
  baseDir: string,
  days: Set<number>,
): void {
  checkKeys(c, path, map, ['file'], 'calendar');
  if (map['file'] === undefined) {
    c.add('missing-key', path, 'value', 'expected {file: PATH.ics}: the path of an iCalendar file');
    return;
  }
  const file = readPath(c, [...path, 'file'], map['file'], baseDir, 'the path of an iCalendar (.ics) file');
  if (file === undefined) return;
  const read = readIcsDates(file);
  if (!read.ok) {
    c.add('invalid-value', [...path, 'file'], 'value', `calendar file ${file}: ${read.reason}`);
    return;
  }
  if (read.allDayEvents === 0)
    c.warn(
      'invalid-value',
      [...path, 'file'],
      'value',
      `calendar file ${file} has no all-day events: it excludes nothing`,
    );
  for (const day of read.days) days.add(day);
}
