// DESIGN.md "Schedule semantics": `next(after)` is strictly after; `@reboot` fires once when the
// daemon starts (never from next()); on-demand tasks have no next instant; `taskkit next` shows
// upcoming instants (upcoming()).
import { describe, expect, test } from 'vitest';
import { parseAt } from '../../src/schedule/at.js';
import { parseCron } from '../../src/schedule/cron.js';
import { parseDaily } from '../../src/schedule/daily.js';
import { parseEvery } from '../../src/schedule/every.js';
import { compileSchedule, compileSharedSchedule, countCompiledCrons, upcoming } from '../../src/schedule/next.js';
import type { ParseResult, ScheduleSpec } from '../../src/schedule/types.js';

const ms = (iso: string): number => Date.parse(iso);
const isos = (instants: readonly number[]): string[] => instants.map((t) => new Date(t).toISOString());

function value<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

describe('compileSchedule dispatches on the kind', () => {
  const after = ms('2026-06-01T10:10:00Z');
  test.each<[string, ScheduleSpec, string | null]>([
    ['every', value(parseEvery('15m', undefined, 'UTC')), '2026-06-01T10:15:00.000Z'],
    ['daily', value(parseDaily('12:00')), '2026-06-01T12:00:00.000Z'],
    ['at', value(parseAt('2026-07-01T00:00', 'UTC')), '2026-07-01T00:00:00.000Z'],
    ['cron', value(parseCron('0 * * * *')), '2026-06-01T11:00:00.000Z'],
    ['reboot', value(parseCron('@reboot')), null],
    ['on-demand', { kind: 'on-demand' }, null],
  ])('%s', (_kind, spec, expected) => {
    const schedule = compileSchedule(spec, 'UTC');
    expect(schedule.spec).toBe(spec);
    expect(schedule.timezone).toBe('UTC');
    const next = schedule.next(after);
    expect(next === null ? null : new Date(next).toISOString()).toBe(expected);
  });

  test("the zone is the schedule's own", () => {
    const schedule = compileSchedule(value(parseDaily('12:00')), 'Asia/Kolkata');
    expect(isos([schedule.next(ms('2026-06-01T00:00:00Z')) ?? 0])).toEqual(['2026-06-01T06:30:00.000Z']);
  });
});

describe('upcoming', () => {
  test('n instants, each strictly after the previous', () => {
    const schedule = compileSchedule(value(parseCron('*/20 * * * *')), 'UTC');
    expect(isos(upcoming(schedule, ms('2026-06-01T10:00:00Z'), 3))).toEqual([
      '2026-06-01T10:20:00.000Z',
      '2026-06-01T10:40:00.000Z',
      '2026-06-01T11:00:00.000Z',
    ]);
  });

  test('fewer when the schedule ends (one-shots)', () => {
    const schedule = compileSchedule(value(parseAt(['2026-07-01T00:00', '2026-08-01T00:00'], 'UTC')), 'UTC');
    expect(upcoming(schedule, ms('2026-06-01T00:00:00Z'), 5)).toHaveLength(2);
  });

  test('none for on-demand and @reboot', () => {
    expect(upcoming(compileSchedule({ kind: 'on-demand' }, 'UTC'), 0, 5)).toEqual([]);
    expect(upcoming(compileSchedule({ kind: 'reboot' }, 'UTC'), 0, 5)).toEqual([]);
  });
});

describe('sharing: tasks with the same expression and zone share one compiled cron', () => {
  test('one compiled cron for equal specs, another per zone', () => {
    const before = countCompiledCrons();
    const first = compileSchedule({ kind: 'cron', expression: '7 3 * * *' }, 'Europe/Berlin');
    const second = compileSchedule({ kind: 'cron', expression: '7 3 * * *' }, 'Europe/Berlin');
    expect(countCompiledCrons()).toBe(before + 1);
    const other = compileSchedule({ kind: 'cron', expression: '7 3 * * *' }, 'America/New_York');
    expect(countCompiledCrons()).toBe(before + 2);
    const after = Date.parse('2026-07-01T00:00:00Z');
    expect([first.next(after), second.next(after), other.next(after)]).toEqual([
      Date.parse('2026-07-01T01:07:00Z'),
      Date.parse('2026-07-01T01:07:00Z'),
      Date.parse('2026-07-01T07:07:00Z'),
    ]);
  });
});

describe('compileSharedSchedule: tasks holding one spec object in one zone share its compiled schedule', () => {
  test('the same object for the same spec object and zone; another for another zone or an equal copy', () => {
    const spec: ScheduleSpec = { kind: 'cron', expression: '7 3 * * *' };
    const first = compileSharedSchedule(spec, 'Europe/Berlin');
    expect(compileSharedSchedule(spec, 'Europe/Berlin')).toBe(first);
    const berlinAgain = compileSharedSchedule(spec, 'America/New_York');
    expect(berlinAgain).not.toBe(first);
    expect(berlinAgain.timezone).toBe('America/New_York');
    expect(compileSharedSchedule({ ...spec }, 'Europe/Berlin')).not.toBe(first);
    // compileSchedule makes a new one every time (a reschedule is told by a new schedule object).
    expect(compileSchedule(spec, 'Europe/Berlin')).not.toBe(compileSchedule(spec, 'Europe/Berlin'));
  });
});
