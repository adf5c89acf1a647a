// Issue 17.2: settings.calendars (dates, inclusive ranges, {file: .ics}, or a list of them) and a
// task's `except:`, with every problem at its file:line:col.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { isSameDefinition, definitionFingerprint } from '../../src/config/definition.js';
import { readIcsDates } from '../../src/config/ics-dates.js';
import { parseTasksText } from '../../src/config/load.js';
import { civilFromDays } from '../../src/schedule/calendar.js';
import { fileOf, issuesOf, summarize, TEST_ENV } from '../support/config-issues.js';

const CALENDARS = fileURLToPath(new URL('../fixtures/calendars/', import.meta.url));
const text = (days: readonly number[]): string[] =>
  days.map((day) => {
    const { year, month, day: date } = civilFromDays(day, { year: 0, month: 0, day: 0 });
    return `${year}-${String(month).padStart(2, '0')}-${String(date).padStart(2, '0')}`;
  });

/** A file in the calendars fixture folder, so that {file: NAME} resolves there. */
function loadIn(folder: string, lines: readonly string[]) {
  return parseTasksText(lines.join('\n') + '\n', 'tasks.yaml', { env: TEST_ENV, baseDir: folder });
}

const scratch = mkdtempSync(join(tmpdir(), 'taskkit-calendars-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('dates and ranges', () => {
  test('dates and inclusive ranges, sorted without repeats; except names them in order', () => {
    const file = fileOf([
      'settings:',
      '  calendars:',
      '    holidays: [2026-12-26, 2026-12-25, "2026-12-31..2027-01-02", 2026-12-25]',
      '    one: 2026-06-01',
      'tasks:',
      '  a: {daily: "09:00", run: "true", except: [one, holidays]}',
      '  b: {daily: "09:00", run: "true", except: one}',
      '  c: {daily: "09:00", run: "true"}',
    ]);
    expect(text(file.settings.calendars?.['holidays'] ?? [])).toEqual([
      '2026-12-25',
      '2026-12-26',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
    ]);
    const [a, b, c] = file.tasks;
    expect(a?.except?.map((calendar) => [calendar.name, text(calendar.days)])).toEqual([
      ['one', ['2026-06-01']],
      ['holidays', ['2026-12-25', '2026-12-26', '2026-12-31', '2027-01-01', '2027-01-02']],
    ]);
    expect(b?.except?.map((calendar) => calendar.name)).toEqual(['one']);
    // Absent when not given, so that tasks without it keep their definition fingerprint.
    expect(c !== undefined && 'except' in c).toBe(false);
  });

  test('bad dates, reversed and malformed ranges, wrong types: each at its column', () => {
    expect(
      summarize(
        issuesOf([
          'settings:',
          '  calendars:',
          '    a: [2026-02-30, "2026-12-31..2026-12-24", "2026-01-01..2026-13-01", 20261225]',
          '    b: {file: ./x.ics, url: y}',
          '    c!: 2026-01-01',
          'tasks:',
          '  t: {run: "true"}',
        ]),
      ).filter(([, line]) => line !== 4),
    ).toEqual([
      ['invalid-value', 3, 9, null, 'no such date: 2026-02-30'],
      ['invalid-value', 3, 21, null, 'reversed range "2026-12-31..2026-12-24": write the earlier date first'],
      ['invalid-value', 3, 60, null, 'no such date: 2026-13-01'],
      [
        'invalid-value',
        3,
        73,
        null,
        'expected a date (2026-12-25), a range ("2026-12-24..2026-12-31") or {file: PATH.ics}, got 20261225',
      ],
      ['invalid-value', 5, 5, null, 'invalid calendar name: use letters, digits, ".", "_" or "-"'],
    ]);
  });

  test('an unknown calendar in except: an error with a did-you-mean, or the list of calendars', () => {
    expect(
      summarize(
        issuesOf([
          'settings:',
          '  calendars: {holidays: 2026-12-25, closures: 2026-08-01}',
          'tasks:',
          '  a: {daily: "09:00", run: "true", except: [holidyas]}',
          '  b: {daily: "09:00", run: "true", except: weekends}',
          '  c: {daily: "09:00", run: "true", except: [3]}',
        ]),
      ),
    ).toEqual([
      ['invalid-value', 4, 45, 'a', 'unknown calendar "holidyas" (did you mean "holidays")'],
      ['invalid-value', 5, 44, 'b', 'unknown calendar "weekends"; calendars: holidays, closures'],
      ['invalid-value', 6, 45, 'c', 'expected a calendar name or a list of them, got 3'],
    ]);
    expect(summarize(issuesOf(['tasks:', '  a: {daily: "09:00", run: "true", except: holidays}']))).toEqual([
      ['invalid-value', 2, 44, 'a', 'unknown calendar "holidays"; define it under settings.calendars'],
    ]);
  });
});

describe('{file: .ics}', () => {
  test('all-day events: a single day, a multi-day event (DTEND exclusive), a yearly one; timed ones ignored', () => {
    const file = loadIn(CALENDARS, [
      'settings:',
      '  calendars:',
      '    closures: {file: holidays.ics}',
      '    mixed: [{file: ./holidays.ics}, 2026-06-10]',
      'tasks:',
      '  a: {daily: "09:00", run: "true", except: closures}',
    ]);
    const closures = text(file.settings.calendars?.['closures'] ?? []);
    expect(closures).toEqual(expect.arrayContaining(['2026-12-25', '2026-08-03', '2026-08-04', '2026-08-05']));
    expect(closures).not.toContain('2026-08-06');
    expect(closures).not.toContain('2026-12-26');
    // The yearly event from its DTSTART (2020) through the end of the year ten years after now.
    const horizon = new Date().getUTCFullYear() + 10;
    const mays = closures.filter((date) => date.endsWith('-05-01'));
    expect(mays[0]).toBe('2020-05-01');
    expect(mays.at(-1)).toBe(`${horizon}-05-01`);
    expect(mays).toHaveLength(horizon - 2020 + 1);
    // The timed meeting of 2026-06-10 is no date of the file; the list adds it by hand.
    expect(closures).not.toContain('2026-06-10');
    expect(text(file.settings.calendars?.['mixed'] ?? [])).toContain('2026-06-10');
    expect(file.tasks[0]?.except?.[0]?.days).toEqual(file.settings.calendars?.['closures']);
    expect(file.warnings).toEqual([]);
  });

  test('missing and unparsable files are errors naming the file and the reason; no all-day event is a warning', () => {
    const folder = mkdtempSync(join(scratch, 'bad-'));
    copyFileSync(join(CALENDARS, 'broken.ics'), join(folder, 'broken.ics'));
    copyFileSync(join(CALENDARS, 'timed-only.ics'), join(folder, 'timed-only.ics'));
    writeFileSync(join(folder, 'dates.csv'), '2026-12-24\n2026-12-25\n');
    const lines = [
      'settings:',
      '  calendars:',
      '    gone: {file: ./gone.ics}',
      '    broken: {file: broken.ics}',
      '    csv: {file: dates.csv}',
      'tasks:',
      '  a: {run: "true"}',
    ];
    let issues: unknown[] = [];
    try {
      loadIn(folder, lines);
    } catch (error) {
      issues = summarize((error as { issues: [] }).issues);
    }
    expect(issues).toEqual([
      ['invalid-value', 3, 18, null, `calendar file ${join(folder, 'gone.ics')}: not found`],
      [
        'invalid-value',
        4,
        20,
        null,
        `calendar file ${join(folder, 'broken.ics')}: not an iCalendar file ical.js can read: ` +
          'invalid ical body. component began but did not end',
      ],
      // Another kind of file: said plainly, not as ical.js's TypeError.
      [
        'invalid-value',
        5,
        17,
        null,
        `calendar file ${join(folder, 'dates.csv')}: not an iCalendar file: it does not begin with BEGIN:VCALENDAR`,
      ],
    ]);
    const timed = loadIn(folder, [
      'settings:',
      '  calendars:',
      '    meetings: {file: timed-only.ics}',
      'tasks:',
      '  a: {run: "true"}',
    ]);
    expect(summarize(timed.warnings)).toEqual([
      [
        'invalid-value',
        3,
        22,
        null,
        `calendar file ${join(folder, 'timed-only.ics')} has no all-day events: it excludes nothing`,
      ],
    ]);
    expect(timed.settings.calendars?.['meetings']).toEqual([]);
  });

  test('a recurring event with an overridden occurrence and an EXDATE; a bare date with no DTEND is one day', () => {
    const path = join(scratch, 'recurring.ics');
    writeFileSync(
      path,
      [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'BEGIN:VEVENT',
        'UID:weekly',
        'DTSTART;VALUE=DATE:20260105',
        'RRULE:FREQ=WEEKLY;COUNT=4',
        'EXDATE;VALUE=DATE:20260112',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:weekly',
        'RECURRENCE-ID;VALUE=DATE:20260119',
        'DTSTART;VALUE=DATE:20260120',
        'END:VEVENT',
        'END:VCALENDAR',
        '',
      ].join('\r\n'),
    );
    const read = readIcsDates(path, new Date('2026-01-01T00:00:00Z'));
    expect(read.ok && text(read.days)).toEqual(['2026-01-05', '2026-01-20', '2026-01-26']);
  });
});

describe('a calendar is no part of the definition', () => {
  test('adding except or changing its dates keeps the fingerprint (reload swaps them in)', () => {
    const load = (calendar: string, except: string) =>
      fileOf([
        'settings:',
        `  calendars: {holidays: ${calendar}}`,
        'tasks:',
        `  a: {daily: "09:00", run: "true"${except}}`,
      ]).tasks[0];
    const plain = load('2026-12-25', '');
    const one = load('2026-12-25', ', except: holidays');
    const two = load('"2026-12-25..2026-12-26"', ', except: holidays');
    if (plain === undefined || one === undefined || two === undefined) throw new Error('tasks expected');
    expect(definitionFingerprint(one)).toBe(definitionFingerprint(plain));
    expect(isSameDefinition(one, two)).toBe(true);
  });
});
