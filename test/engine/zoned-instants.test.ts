// DESIGN.md "Schedule semantics", `daily` / `cron`: wall-clock times in the task's zone with the
// Vixie DST rules; the engine fires at exactly the instants compileSchedule gives, no earlier,
// no later, and hands them to the runner as scheduledAt.
import { describe, expect, test } from 'vitest';
import { parseCron } from '../../src/schedule/cron.js';
import { parseDaily } from '../../src/schedule/daily.js';
import type { ScheduleSpec } from '../../src/schedule/types.js';
import { createEngine, iso, makeTask } from '../support/engine-task.js';

function daily(times: string | string[]): ScheduleSpec {
  const parsed = parseDaily(times);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

function cron(expression: string): ScheduleSpec {
  const parsed = parseCron(expression);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

describe('daily and cron fire at exact instants in their zone', () => {
  test('daily 02:30 Europe/Berlin: CET before, the end of the spring-forward gap on 2026-03-29, CEST after', () => {
    const { clock, runner, scheduler } = createEngine('2026-03-27T12:00:00.000Z');
    scheduler.add(makeTask('nightly', { schedule: daily('02:30'), timezone: 'Europe/Berlin', overlap: 'allow' }));
    scheduler.start();
    clock.advanceTo('2026-03-31T00:00:00.000Z');
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 02:30 does not exist: 03:00 CEST, the first instant after the gap
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  test('the run starts at the instant itself: the wake is not a timer tick late', () => {
    const { clock, scheduler, eventsOf } = createEngine('2026-03-27T12:00:00.000Z');
    scheduler.add(makeTask('nightly', { schedule: daily(['02:30', '15:45:10']), timezone: 'Europe/Berlin' }));
    scheduler.start();
    clock.advanceTo('2026-03-27T14:45:10.000Z');
    expect(eventsOf('run-started').map((run) => [iso(run.scheduledAt), iso(run.startedAt)])).toEqual([
      ['2026-03-27T14:45:10.000Z', '2026-03-27T14:45:10.000Z'],
    ]);
  });

  test('cron "30 9 * * 1-5" America/New_York: weekdays only, EST then EDT after 2026-03-08', () => {
    const { clock, runner, scheduler } = createEngine('2026-03-06T00:00:00.000Z'); // a Friday
    scheduler.add(
      makeTask('standup', { schedule: cron('30 9 * * 1-5'), timezone: 'America/New_York', overlap: 'allow' }),
    );
    scheduler.start();
    clock.advanceTo('2026-03-10T00:00:00.000Z');
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual([
      '2026-03-06T14:30:00.000Z', // Fri 09:30 EST
      '2026-03-09T13:30:00.000Z', // Mon 09:30 EDT
    ]);
  });

  test('wildcard cron "*/30 * * * *" in Europe/Berlin fires on both passes of the repeated hour (2026-10-25)', () => {
    const { clock, runner, scheduler } = createEngine('2026-10-24T23:45:00.000Z'); // 01:45 CEST
    scheduler.add(makeTask('half', { schedule: cron('*/30 * * * *'), timezone: 'Europe/Berlin', overlap: 'allow' }));
    scheduler.start();
    clock.advanceTo('2026-10-25T02:10:00.000Z');
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual([
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T01:00:00.000Z', // 02:00 CET (second pass)
      '2026-10-25T01:30:00.000Z', // 02:30 CET
      '2026-10-25T02:00:00.000Z', // 03:00 CET
    ]);
  });
});
