/**
 * Issue 17.2, through bin/taskkit: `next` leaves out the instants a task's `except:` calendars
 * exclude, from the tasks file (no daemon) and from a real daemon; the daemon records the skipped
 * dates as ONE history row with reason `calendar` naming the calendar, counting only instants that
 * have passed, a reload re-reads an .ics file, and a reload taking today out brings today back.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import type { RunView } from '../../src/control/views.js';
import { cleanUpDaemons, eventually, makeDaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

const DAY = 86_400_000;
const HOLIDAYS_ICS = fileURLToPath(new URL('../fixtures/calendars/holidays.ics', import.meta.url));
const instantsOf = (stdout: string): string[] => (JSON.parse(stdout) as { instants: string[] }).instants;
/** YYYY-MM-DD of the UTC date `days` from now. */
const utcDate = (days: number): string => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

/** An .ics file with one all-day event on `date` (YYYY-MM-DD), or none. */
function ics(date: string | null): string {
  const event =
    date === null
      ? []
      : ['BEGIN:VEVENT', 'UID:e2e@taskkit', `DTSTART;VALUE=DATE:${date.replaceAll('-', '')}`, 'END:VEVENT'];
  return [...['BEGIN:VCALENDAR', 'VERSION:2.0'], ...event, 'END:VCALENDAR', ''].join('\r\n');
}

test('the tasks file view: dates, a range and an .ics file are left out of next', async () => {
  const d = makeDaemonDir();
  copyFileSync(HOLIDAYS_ICS, join(d.dir, 'holidays.ics'));
  d.writeTasks([
    'settings:',
    '  timezone: Europe/Berlin',
    '  state-dir: ./state',
    '  calendars:',
    '    year-end: [2026-12-25, "2026-12-31..2027-01-01"]',
    '    plant: {file: ./holidays.ics}',
    'tasks:',
    '  nightly: {daily: "00:30", run: "true", except: [year-end, plant]}',
  ]);
  const next = await d.taskkit(['next', 'nightly', '--from', '2026-12-24T00:00', '-n', '5', '--json']);
  expect(next.stderr).toMatch(/showing the tasks file's view/);
  // Berlin's 00:30 is 23:30 UTC the day before; 25 (both calendars), 31 and 1 are left out.
  expect([next.code, instantsOf(next.stdout)]).toEqual([
    0,
    [
      '2026-12-23T23:30:00.000Z',
      '2026-12-25T23:30:00.000Z',
      '2026-12-26T23:30:00.000Z',
      '2026-12-27T23:30:00.000Z',
      '2026-12-28T23:30:00.000Z',
    ],
  ]);
  // The .ics file's three-day closure (3-5 August, DTEND exclusive) and its yearly 1 May.
  const august = await d.taskkit(['next', 'nightly', '--from', '2026-08-02T12:00', '-n', '2', '--json']);
  expect(instantsOf(august.stdout)).toEqual(['2026-08-05T22:30:00.000Z', '2026-08-06T22:30:00.000Z']);
  const may = await d.taskkit(['next', 'nightly', '--from', '2030-04-30T12:00', '-n', '1', '--json']);
  expect(instantsOf(may.stdout)).toEqual(['2030-05-01T22:30:00.000Z']);
});

test(
  'a daemon with a calendar excluding today: one skipped row, next after the dates; reload re-reads the .ics',
  { timeout: 90_000 },
  async () => {
    const d = makeDaemonDir();
    // Yesterday to tomorrow: today is excluded whenever the test runs, midnight included.
    const [yesterday, tomorrow] = [utcDate(-1), utcDate(1)];
    const later = utcDate(3);
    writeFileSync(join(d.dir, 'later.ics'), ics(later));
    d.writeTasks([
      'settings:',
      '  timezone: UTC',
      '  state-dir: ./state',
      '  calendars:',
      `    closed: "${yesterday}..${tomorrow}"`,
      '    later: {file: later.ics}',
      'tasks:',
      '  tick: {every: 1s, run: "true", except: closed}',
      '  report: {daily: "12:00", run: "true", except: [later]}',
    ]);
    expect((await d.taskkit(['start'])).code).toBe(0);

    const row = await eventually(async () => {
      const { runs } = JSON.parse((await d.taskkit(['history', 'tick', '--skipped', '--json'])).stdout) as {
        runs: RunView[];
      };
      return runs.find((run) => run.skipReason === 'calendar');
    }, 'a calendar row for tick');
    // Every second from the first instant up to when history asked (none ahead of now), in one row.
    const asked = Date.now();
    expect(row).toMatchObject({
      task: 'tick',
      status: 'skipped',
      error: 'excluded by calendar "closed"',
      skipMore: false,
    });
    const [first, last] = [Date.parse(row.skipFirstAt ?? ''), Date.parse(row.skipLastAt ?? '')];
    expect(last).toBeLessThanOrEqual(asked);
    expect(row.skipCount).toBe((last - first) / 1_000 + 1);
    // Asked again later, the same row has grown.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const table = await d.taskkit(['history', 'tick', '--skipped']);
    const grown = /skipped x(\d+) .*: excluded by calendar "closed"/.exec(table.stdout);
    expect(Number(grown?.[1])).toBeGreaterThan(row.skipCount ?? 0);
    // Nothing of tick ran.
    const all = JSON.parse((await d.taskkit(['history', 'tick', '--json'])).stdout) as { runs: RunView[] };
    expect(all.runs.map((run) => run.status)).toEqual(['skipped']);

    const tick = await d.taskkit(['next', 'tick', '-n', '2', '--json']);
    expect(JSON.parse(tick.stdout)).toMatchObject({
      source: 'daemon',
      instants: [`${utcDate(2)}T00:00:00.000Z`, `${utcDate(2)}T00:00:01.000Z`],
    });

    // show: the calendars by name, and upcoming instants after the excluded dates.
    const show = JSON.parse((await d.taskkit(['show', 'tick', '--json'])).stdout) as {
      definition: { except: string[] };
      upcoming: string[];
      task: { nextAt: string };
    };
    expect([show.definition.except, show.upcoming[0], show.task.nextAt]).toEqual([
      ['closed'],
      `${utcDate(2)}T00:00:00.000Z`,
      `${utcDate(2)}T00:00:00.000Z`,
    ]);
    expect((await d.taskkit(['show', 'tick'])).stdout).toMatch(/except closed/);

    // report skips the .ics file's date; the file changed and reloaded, it no longer does.
    const reportDays = async (): Promise<string[]> =>
      instantsOf((await d.taskkit(['next', 'report', '-n', '5', '--json'])).stdout).map((at) => at.slice(0, 10));
    expect(await reportDays()).not.toContain(later);
    writeFileSync(join(d.dir, 'later.ics'), ics(null));
    const reload = await d.taskkit(['reload']);
    expect(reload.code).toBe(0);
    expect(await reportDays()).toContain(later);

    // Today taken out of `closed`: the rest of today's instants are back, and tick runs.
    d.writeTasks([
      'settings:',
      '  timezone: UTC',
      '  state-dir: ./state',
      '  calendars:',
      `    closed: "${tomorrow}"`,
      '    later: {file: later.ics}',
      'tasks:',
      '  tick: {every: 1s, run: "true", except: closed}',
      '  report: {daily: "12:00", run: "true", except: [later]}',
    ]);
    expect((await d.taskkit(['reload'])).code).toBe(0);
    await eventually(async () => {
      const { runs } = JSON.parse((await d.taskkit(['history', 'tick', '--json'])).stdout) as { runs: RunView[] };
      return runs.find((run) => run.status === 'succeeded');
    }, 'a run of tick after the reload');
    const skipped = JSON.parse((await d.taskkit(['history', 'tick', '--skipped', '--json'])).stdout) as {
      runs: RunView[];
    };
    expect(skipped.runs.filter((run) => run.skipReason === 'calendar')).toHaveLength(1);
    expect((await d.taskkit(['stop'])).code).toBe(0);
  },
);
