/**
 * `rrule: RULE` read into an RruleSpec: RFC 5545's RRULE grammar (3.3.10) with its restrictions,
 * names and values case-insensitive as dateutil reads them. Every problem names the part and
 * carries the offset of the wrong part or item in the text as written, which config/ turns into
 * a column. The expansion is not here: compileSchedule (next.ts) binds a spec to a zone.
 */
import { showValue } from './show-value.js';
import {
  readByDay,
  readNumbers,
  readPositive,
  readUntil,
  readWeekday,
  type NumberRange,
  type ValueResult,
} from './rrule-values.js';
import { MAX_OFFSET_MS, wallToLocalMs, type WallTime } from './zoned.js';
import type { ParseResult, RruleFrequency, RruleSpec } from './types.js';

/** DTSTART when `start:` is not given: local midnight 2000-01-01, as for `every`. */
export const DEFAULT_RRULE_START: WallTime = { year: 2000, month: 1, day: 1, hour: 0, minute: 0, second: 0 };

/** The expander keeps a COUNT rule's occurrences (it counts them from DTSTART once); this bounds that list. */
export const MAX_RRULE_COUNT = 100_000;
const MAX_INTERVAL = 1_000_000;

const RRULE_FREQUENCIES: readonly RruleFrequency[] = [
  'YEARLY',
  'MONTHLY',
  'WEEKLY',
  'DAILY',
  'HOURLY',
  'MINUTELY',
  'SECONDLY',
];

const PART_NAMES = [
  'FREQ',
  'INTERVAL',
  'COUNT',
  'UNTIL',
  'BYSECOND',
  'BYMINUTE',
  'BYHOUR',
  'BYDAY',
  'BYMONTHDAY',
  'BYYEARDAY',
  'BYWEEKNO',
  'BYMONTH',
  'BYSETPOS',
  'WKST',
] as const;
type PartName = (typeof PART_NAMES)[number];

const RANGES: Partial<Record<PartName, NumberRange>> = {
  BYSECOND: { min: 0, max: 59, signed: false },
  BYMINUTE: { min: 0, max: 59, signed: false },
  BYHOUR: { min: 0, max: 23, signed: false },
  BYMONTHDAY: { min: 1, max: 31, signed: true },
  BYYEARDAY: { min: 1, max: 366, signed: true },
  BYWEEKNO: { min: 1, max: 53, signed: true },
  BYMONTH: { min: 1, max: 12, signed: false },
  BYSETPOS: { min: 1, max: 366, signed: true },
};

const EXPECTED = 'expected an RFC 5545 rule like "FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=18"';

/** "Did you mean" for an unknown part name (config/suggest.ts's, handed in: schedule/ imports nothing above it). */
export type SuggestName = (word: string, candidates: readonly string[]) => string | undefined;

/** One NAME=VALUE part as written: upper-cased name and value, and where each starts in the text. */
interface Part {
  readonly name: PartName;
  readonly value: string;
  readonly nameAt: number;
  readonly valueAt: number;
}

type Failure = Extract<ParseResult<never>, { ok: false }>;

/**
 * Parse a rule (an optional leading "RRULE:", parts separated by ";") with DTSTART `start`, a
 * wall time in the task's zone (undefined: DEFAULT_RRULE_START, `startGiven` false).
 */
export function parseRrule(raw: unknown, start: WallTime | undefined, suggest?: SuggestName): ParseResult<RruleSpec> {
  if (typeof raw !== 'string') return { ok: false, message: `${EXPECTED}, got ${showValue(raw)}` };
  const split = splitParts(raw, suggest);
  if ('message' in split) return split;
  const parts = new Map(split.map((part) => [part.name, part]));
  const freqPart = parts.get('FREQ');
  if (freqPart === undefined) {
    return fail(
      `rrule needs a "FREQ" part (${RRULE_FREQUENCIES.join(', ')}), got ${showValue(raw.trim())}`,
      split[0]?.nameAt ?? 0,
    );
  }
  const freq = RRULE_FREQUENCIES.find((name) => name === freqPart.value);
  if (freq === undefined)
    return fail(
      `rrule part "FREQ": expected one of ${RRULE_FREQUENCIES.join(', ')}, got "${freqPart.value}"`,
      freqPart.valueAt,
    );
  const conflict = checkCombinations(parts, freq);
  if (conflict !== undefined) return conflict;

  const read = <T>(name: PartName, reader: (text: string) => ValueResult<T>, absent: T): T | Failure => {
    const part = parts.get(name);
    if (part === undefined) return absent;
    const result = reader(part.value);
    if ('value' in result) return result.value;
    const separator = result.problem.startsWith('out of range') ? ' ' : ': ';
    return fail(`rrule part "${name}"${separator}${result.problem}`, part.valueAt + result.at);
  };
  const numbers = (name: PartName): number[] | Failure =>
    read(name, (text) => readNumbers(text, RANGES[name] as NumberRange), []);

  const leap = parts.get('BYSECOND');
  const leapAt = leap === undefined ? -1 : findItem(leap.value, '60');
  if (leap !== undefined && leapAt >= 0)
    return fail(
      'rrule part "BYSECOND": 60 is a leap second, which no clock taskkit reads ever shows (use 0-59)',
      leap.valueAt + leapAt,
    );
  const ordinalMax = freq === 'MONTHLY' ? 5 : freq === 'YEARLY' && !parts.has('BYWEEKNO') ? 53 : 0;
  const noOrdinal =
    freq === 'YEARLY'
      ? 'an ordinal weekday like "-1FR" cannot go with BYWEEKNO (RFC 5545)'
      : `an ordinal weekday like "-1FR" needs FREQ=MONTHLY or FREQ=YEARLY, not ${freq} (RFC 5545)`;

  const values = {
    interval: read('INTERVAL', (text) => readPositive(text, MAX_INTERVAL, 'periods'), 1),
    count: read<number | null>(
      'COUNT',
      (text) => readPositive(text, MAX_RRULE_COUNT, 'occurrences (taskkit keeps the occurrences of a COUNT rule)'),
      null,
    ),
    until: read<RruleSpec['until']>('UNTIL', readUntil, null),
    wkst: read('WKST', readWeekday, 0),
    bySecond: numbers('BYSECOND'),
    byMinute: numbers('BYMINUTE'),
    byHour: numbers('BYHOUR'),
    byDay: read('BYDAY', (text) => readByDay(text, ordinalMax, noOrdinal), []),
    byMonthDay: numbers('BYMONTHDAY'),
    byYearDay: numbers('BYYEARDAY'),
    byWeekNo: numbers('BYWEEKNO'),
    byMonth: numbers('BYMONTH'),
    bySetPos: numbers('BYSETPOS'),
  };
  // The first problem in the order of the text.
  const problems = Object.values(values).filter(isFailure);
  const first = problems.sort((a, b) => (a.offset ?? 0) - (b.offset ?? 0))[0];
  if (first !== undefined) return first;
  const v = values as { [K in keyof typeof values]: Exclude<(typeof values)[K], Failure> };

  const dtstart = start ?? DEFAULT_RRULE_START;
  const untilPart = parts.get('UNTIL');
  if (v.until !== null && untilPart !== undefined && untilBeforeStart(v.until, dtstart))
    return fail(
      `rrule never fires: UNTIL "${untilPart.value}" is before its start ${formatWall(dtstart)}`,
      untilPart.valueAt,
    );
  const rule = stripPrefix(raw).text.trim();
  return {
    ok: true,
    value: { kind: 'rrule', rule, start: dtstart, startGiven: start !== undefined, freq, ...v },
  };
}

/** The parts of the text, names checked (known, not repeated); "a;b;" may end with one ";". */
function splitParts(raw: string, suggest: SuggestName | undefined): Part[] | Failure {
  const { text, at: bodyAt } = stripPrefix(raw);
  if (text.trim() === '') return fail(`${EXPECTED}, got ${showValue(raw)}`, bodyAt);
  const pieces = text.split(';');
  const parts: Part[] = [];
  let at = bodyAt;
  for (const [index, piece] of pieces.entries()) {
    const pieceAt = at;
    at += piece.length + 1;
    const lead = piece.length - piece.trimStart().length;
    if (piece.trim() === '') {
      if (index === pieces.length - 1 && index > 0) continue;
      return fail(`rrule has an empty part: ${EXPECTED}`, pieceAt);
    }
    const equals = piece.indexOf('=');
    if (equals < 0) return fail(`rrule part "${piece.trim()}" has no value: expected NAME=VALUE`, pieceAt + lead);
    const written = piece.slice(0, equals).trim();
    const name = written.toUpperCase();
    const nameAt = pieceAt + lead;
    if (!(PART_NAMES as readonly string[]).includes(name)) {
      const suggestion = suggest?.(name, PART_NAMES);
      const hint =
        suggestion === undefined ? `; the parts are ${PART_NAMES.join(', ')}` : ` (did you mean "${suggestion}")`;
      return fail(`unknown rrule part "${written}"${hint}`, nameAt);
    }
    if (parts.some((part) => part.name === name)) return fail(`rrule part "${name}" is given twice`, nameAt);
    const rest = piece.slice(equals + 1);
    const value = rest.trim().toUpperCase();
    const valueAt = pieceAt + equals + 1 + (rest.length - rest.trimStart().length);
    if (value === '') return fail(`rrule part "${name}" has an empty value`, valueAt);
    parts.push({ name: name as PartName, value, nameAt, valueAt });
  }
  return parts;
}

/** The rule's body without a leading "RRULE:" (any case), and where the body starts in `raw`. */
function stripPrefix(raw: string): { text: string; at: number } {
  const lead = raw.length - raw.trimStart().length;
  return raw.slice(lead, lead + 6).toUpperCase() === 'RRULE:'
    ? { text: raw.slice(lead + 6), at: lead + 6 }
    : { text: raw, at: 0 };
}

/** RFC 5545's rules on which parts go together, each reported at the part that breaks it. */
function checkCombinations(parts: ReadonlyMap<PartName, Part>, freq: RruleFrequency): Failure | undefined {
  const count = parts.get('COUNT');
  const until = parts.get('UNTIL');
  if (count !== undefined && until !== undefined) {
    const later = count.nameAt > until.nameAt ? count : until;
    return fail('rrule parts "COUNT" and "UNTIL" exclude each other (RFC 5545): give one of them', later.nameAt);
  }
  const notWith = (name: PartName, freqs: readonly RruleFrequency[], why: string): Failure | undefined => {
    const part = parts.get(name);
    return part !== undefined && freqs.includes(freq)
      ? fail(`rrule part "${name}" does not go with FREQ=${freq} (RFC 5545): ${why}`, part.nameAt)
      : undefined;
  };
  const byWeekNo = parts.get('BYWEEKNO');
  if (byWeekNo !== undefined && freq !== 'YEARLY')
    return fail(`rrule part "BYWEEKNO" only applies to FREQ=YEARLY (RFC 5545), not ${freq}`, byWeekNo.nameAt);
  const misplaced =
    notWith('BYYEARDAY', ['DAILY', 'WEEKLY', 'MONTHLY'], 'use it with YEARLY, or HOURLY and finer') ??
    notWith('BYMONTHDAY', ['WEEKLY'], 'use MONTHLY, or DAILY with BYMONTHDAY as a filter');
  if (misplaced !== undefined) return misplaced;
  const bySetPos = parts.get('BYSETPOS');
  const others = [...parts.keys()].filter((name) => name.startsWith('BY') && name !== 'BYSETPOS');
  if (bySetPos !== undefined && others.length === 0)
    return fail(
      'rrule part "BYSETPOS" needs another BY part to pick from (RFC 5545), e.g. "BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"',
      bySetPos.nameAt,
    );
  return undefined;
}

/** True when UNTIL is surely before DTSTART (an instant: whatever the zone's offset). */
function untilBeforeStart(until: NonNullable<RruleSpec['until']>, start: WallTime): boolean {
  const startMs = wallToLocalMs(start);
  return 'wall' in until ? wallToLocalMs(until.wall) < startMs : until.instant < startMs - MAX_OFFSET_MS;
}

/** Where `item` stands alone in a comma-separated list, or -1. */
function findItem(list: string, item: string): number {
  let at = 0;
  for (const piece of list.split(',')) {
    if (piece.trim() === item) return at + piece.length - piece.trimStart().length;
    at += piece.length + 1;
  }
  return -1;
}

function formatWall(wall: WallTime): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)} ${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}`;
}

function isFailure(value: unknown): value is Failure {
  return typeof value === 'object' && value !== null && 'ok' in value && (value as Failure).ok === false;
}

function fail(message: string, offset: number): Failure {
  return { ok: false, message, offset };
}
