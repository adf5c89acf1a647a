// checkScheduleSpec (issue 15 point 2): a stored spec is used only when it is one the parsers
// could have produced; everything they produce passes unchanged.
import { expect, test } from 'vitest';
import { parseCron } from '../../src/schedule/cron.js';
import { parseDaily } from '../../src/schedule/daily.js';
import { parseEvery } from '../../src/schedule/every.js';
import { parseRrule } from '../../src/schedule/rrule-parse.js';
import { checkScheduleSpec } from '../../src/schedule/spec-check.js';
import type { ParseResult, ScheduleSpec } from '../../src/schedule/types.js';

const DTSTART = { year: 2026, month: 2, day: 1, hour: 9, minute: 0, second: 0 };

const value = <T>(result: ParseResult<T>): T => {
  if (!result.ok) throw new Error(result.message);
  return result.value;
};

test.each<ScheduleSpec>([
  value(parseEvery('5m', undefined, 'Europe/Berlin')),
  value(parseEvery('90s', '2026-01-01T00:00', 'UTC')),
  value(parseDaily(['15:30:15', '03:30'])),
  { kind: 'at', instants: [Date.parse('2026-12-01T09:00:00Z'), Date.parse('2026-12-02T09:00:00Z')] },
  value(parseCron('*/15 * * * 1-5')),
  value(parseCron('@reboot')),
  value(parseRrule('FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=18', undefined)),
  value(parseRrule('RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20271231T000000Z', DTSTART)),
  { kind: 'on-demand' },
])('what a parser produces passes as it is: $kind', (spec) => {
  expect(checkScheduleSpec(JSON.parse(JSON.stringify(spec)))).toEqual({ ok: true, value: spec });
});

test.each([
  [null, 'expected a schedule object, got nothing'],
  [[1], 'expected a schedule object'],
  [{ kind: 'weekly' }, 'unknown schedule kind "weekly"'],
  [{}, 'unknown schedule kind nothing'],
  [{ kind: 'every', periodMs: 0, anchor: 0, startGiven: false }, 'every: periodMs must be a whole number of ms >= 100'],
  [{ kind: 'every', periodMs: 99, anchor: 0, startGiven: false }, 'every: periodMs'],
  [{ kind: 'every', periodMs: 1.5e3 + 0.5, anchor: 0, startGiven: false }, 'every: periodMs'],
  [{ kind: 'every', periodMs: '5000', anchor: 0, startGiven: false }, 'every: periodMs'],
  [{ kind: 'every', periodMs: 5000, anchor: 1e17, startGiven: false }, 'every: anchor must be an instant'],
  [{ kind: 'every', periodMs: 5000, anchor: 0 }, 'every: startGiven must be true or false'],
  [{ kind: 'daily', times: [] }, 'daily: times must be a non-empty ascending list'],
  [{ kind: 'daily', times: [{ hour: 24, minute: 0, second: 0 }] }, 'daily: times'],
  [
    {
      kind: 'daily',
      times: [
        { hour: 3, minute: 0, second: 0 },
        { hour: 2, minute: 0, second: 0 },
      ],
    },
    'daily: times',
  ],
  [{ kind: 'at', instants: [] }, 'at: instants must be a non-empty ascending list'],
  [{ kind: 'at', instants: [2, 1] }, 'at: instants'],
  [{ kind: 'at', instants: [Number.NaN] }, 'at: instants'],
  [{ kind: 'cron', expression: '61 * * * *' }, 'cron: '],
  [{ kind: 'cron' }, 'cron: expected a cron expression'],
  [{ kind: 'rrule', rule: 'FREQ=DAILY;BYHOUR=24', start: DTSTART, startGiven: true }, 'rrule: rrule part "BYHOUR"'],
  [{ kind: 'rrule', rule: 'FREQ=DAILY', start: DTSTART }, 'rrule: startGiven must be true or false'],
  [{ kind: 'rrule', rule: 'FREQ=DAILY', start: { ...DTSTART, day: 31 }, startGiven: true }, 'rrule: start must be'],
  [{ kind: 'rrule', rule: 'FREQ=DAILY', start: null, startGiven: false }, 'rrule: start must be'],
])('%j is refused: %s', (spec, message) => {
  const checked = checkScheduleSpec(spec);
  expect(checked.ok).toBe(false);
  if (!checked.ok) expect(checked.message).toContain(message);
});

test("an rrule's parts are read again from its rule, not taken from the store", () => {
  const stored = { ...value(parseRrule('FREQ=DAILY;BYHOUR=9', DTSTART)), byHour: [23] };
  const checked = checkScheduleSpec(JSON.parse(JSON.stringify(stored)));
  expect(checked.ok && checked.value).toMatchObject({ byHour: [9], start: DTSTART, startGiven: true });
});
