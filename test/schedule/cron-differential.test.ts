// Issue 14.8: taskkit owns the cron grammar and cron-parser 5 is its differential oracle. Seeded
// random expressions (values, names, ranges, steps, lists, L, nL, n#k; 5 and 6 fields) in zones
// without DST, where both accept and no Vixie rule is involved (a day field starting with "*" is
// a plain "*"): the first 25 instants must be the same.
import { CronExpressionParser } from 'cron-parser';
import { expect, test } from 'vitest';
import { parseCron } from '../../src/schedule/cron.js';
import { compileSchedule, upcoming } from '../../src/schedule/next.js';

const FROM = Date.parse('2026-01-01T00:00:00Z');
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** mulberry32: a small seeded generator, so a failure names an expression that repeats. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function field(
  random: () => number,
  min: number,
  max: number,
  options: { star: boolean; names?: readonly string[] },
): string {
  const pick = (lo = min, hi = max): number => lo + Math.floor(random() * (hi - lo + 1));
  const show = (value: number): string =>
    options.names !== undefined && random() < 0.3 ? (options.names[value - min] ?? String(value)) : String(value);
  const roll = random();
  if (roll < 0.15) return '*';
  if (roll < 0.3 && options.star) return `*/${pick(2, Math.max(2, max - min))}`;
  const items: string[] = [];
  for (let count = 1 + Math.floor(random() * 3); count > 0; count--) {
    const low = pick();
    const kind = random();
    if (kind < 0.5) items.push(show(low));
    else if (kind < 0.8) items.push(`${show(low)}-${show(pick(low))}`);
    else items.push(`${low}-${pick(low)}/${pick(1, 5)}`);
  }
  return items.join(',');
}

function expression(random: () => number): string {
  const dom = random() < 0.1 ? 'L' : field(random, 1, 31, { star: false });
  const dow =
    random() < 0.1
      ? `${Math.floor(random() * 7)}${random() < 0.5 ? 'L' : `#${1 + Math.floor(random() * 4)}`}`
      : field(random, 0, 6, { star: false, names: WEEKDAYS });
  const fields = [
    field(random, 0, 59, { star: true }),
    field(random, 0, 23, { star: true }),
    dom,
    field(random, 1, 12, { star: false, names: MONTHS }),
    dow,
  ];
  return random() < 0.2 ? [field(random, 0, 59, { star: true }), ...fields].join(' ') : fields.join(' ');
}

function theirs(text: string, tz: string): string[] | null {
  try {
    const iterator = CronExpressionParser.parse(text, { currentDate: new Date(FROM), tz });
    return Array.from({ length: 25 }, () => iterator.next().toISOString() ?? '');
  } catch {
    return null; // cron-parser refuses (a repeated value, a range it reads otherwise): not comparable
  }
}

test('400 random expressions: the same instants as cron-parser where both accept (over 100 compared)', () => {
  const random = seeded(20_260_101);
  let compared = 0;
  for (let i = 0; i < 400; i++) {
    const text = expression(random);
    const parsed = parseCron(text);
    const tz = i % 2 === 0 ? 'UTC' : 'Asia/Kolkata';
    const expected = theirs(text, tz);
    if (!parsed.ok || expected === null) continue;
    const ours = upcoming(compileSchedule(parsed.value, tz), FROM, 25).map((t) => new Date(t).toISOString());
    expect({ text, tz, instants: ours }).toEqual({ text, tz, instants: expected });
    compared += 1;
  }
  // cron-parser refuses about two thirds of them (repeated values in random lists).
  expect(compared).toBeGreaterThan(100);
});
