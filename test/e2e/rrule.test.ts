/**
 * Issue 17.1 through bin/taskkit: `next --rrule` lists what python-dateutil's rrule lists for the
 * same rule and DTSTART (the instants below were read from dateutil 2.9 and checked on a
 * calendar: the last weekdays of January-March 2026 are Friday 30, Friday 27 and Tuesday 31),
 * a task's `rrule:` and `start:` give the same instants as the ad hoc flags, and `validate`
 * points at the wrong part of a rule.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { cleanUpDaemons, makeDaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

const instantsOf = (stdout: string): unknown => (JSON.parse(stdout) as { instants: unknown }).instants;
const MONTH_END = 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=18';

describe('next --rrule', () => {
  test('the last weekday of the month at 18:00 in Berlin, across the March DST change', async () => {
    const d = makeDaemonDir();
    const args = ['next', '--rrule', MONTH_END, '--timezone', 'Europe/Berlin', '--from', '2026-01-01', '-n', '3'];
    const json = await d.taskkit([...args, '--json']);
    expect([json.code, json.stderr]).toEqual([0, '']);
    // dateutil: 2026-01-30 18:00, 2026-02-27 18:00, 2026-03-31 18:00 (local; +01:00, +01:00, +02:00).
    expect(instantsOf(json.stdout)).toEqual([
      '2026-01-30T17:00:00.000Z',
      '2026-02-27T17:00:00.000Z',
      '2026-03-31T16:00:00.000Z',
    ]);
    const human = await d.taskkit(args);
    expect(human.stdout).toContain('2026-03-31 18:00:00 +02:00');
  });

  test("--start is DTSTART, a wall time of --timezone; a task's rrule and start give the same", async () => {
    const d = makeDaemonDir();
    const rule = 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR';
    const zone = ['--timezone', 'America/New_York'];
    const from = ['--from', '2026-01-01', '-n', '4', '--json'];
    const adHoc = await d.taskkit(['next', '--rrule', rule, '--start', '2026-01-07T09:00', ...zone, ...from]);
    expect(adHoc.code).toBe(0);
    // dateutil, DTSTART Wednesday 2026-01-07 09:00: Fri 9th, then every other week: Mon 19th, Fri 23rd, Mon Feb 2nd.
    expect(instantsOf(adHoc.stdout)).toEqual([
      '2026-01-09T14:00:00.000Z',
      '2026-01-19T14:00:00.000Z',
      '2026-01-23T14:00:00.000Z',
      '2026-02-02T14:00:00.000Z',
    ]);
    d.writeTasks([
      'tasks:',
      '  fortnightly:',
      `    rrule: "${rule}"`,
      '    start: 2026-01-07T09:00',
      '    timezone: America/New_York',
      '    run: "true"',
    ]);
    const fromFile = await d.taskkit(['next', 'fortnightly', ...from]);
    expect(instantsOf(fromFile.stdout)).toEqual(instantsOf(adHoc.stdout));
  });

  test('validate names the part of a bad rule at its column; next --rrule says the same', async () => {
    const d = makeDaemonDir();
    d.writeTasks(['tasks:', '  m:', '    rrule: FREQ=DAILY;BYHOUR=24', '    run: "true"']);
    const checked = await d.taskkit(['validate']);
    expect(checked.code).toBe(2);
    expect(checked.stdout + checked.stderr).toMatch(
      /tasks\.yaml:3:30: task "m": rrule part "BYHOUR" out of range \(0-23\): 24/,
    );
    const adHoc = await d.taskkit(['next', '--rrule', 'FREQ=DAILY;BYHOUR=24']);
    expect([adHoc.code, adHoc.stderr]).toEqual([2, 'taskkit: --rrule: rrule part "BYHOUR" out of range (0-23): 24\n']);
  });
});
