/** Crontab lines -> task definitions, kept comments and notes: the semantics of translate.ts. */
import { describe, expect, test } from 'vitest';
import { parseCrontabLine } from '../../../src/config/crontab/parse-line.js';
import { translateCrontab, type Translation } from '../../../src/config/crontab/translate.js';

function translate(lines: string[], system = false): Translation {
  return translateCrontab(lines.map((text, index) => parseCrontabLine(text, index + 1, { system })));
}

const plain = { timezone: null, shell: null, env: {}, user: null, description: null };

describe('schedules', () => {
  test('fields and macros are kept as written, @reboot included', () => {
    const result = translate([
      '*/15\t*  * * 1-5 /usr/bin/sync',
      '@reboot /usr/bin/start',
      '@annually /usr/bin/archive',
    ]);
    expect(result.entries.map((entry) => entry.task)).toEqual([
      { ...plain, name: 'sync', line: 1, cron: '*/15 * * * 1-5', original: '*/15 * * * 1-5', run: '/usr/bin/sync' },
      { ...plain, name: 'start', line: 2, cron: '@reboot', original: '@reboot', run: '/usr/bin/start' },
      { ...plain, name: 'archive', line: 3, cron: '@annually', original: '@annually', run: '/usr/bin/archive' },
    ]);
    expect(result.notes).toEqual([]);
  });

  test("repeated values and cronie's ranges ending on Sunday are kept as written, with no note", () => {
    const result = translate([
      '45 23 * * sun,7 echo sunday',
      '0 22 * * fri-sun /usr/bin/weekend',
      '*/15,30 9-17,12 * * 1-5,3 echo sets',
    ]);
    expect(result.entries.map((entry) => entry.task.cron)).toEqual([
      '45 23 * * sun,7',
      '0 22 * * fri-sun',
      '*/15,30 9-17,12 * * 1-5,3',
    ]);
    expect(result.notes).toEqual([]);
  });

  test('a schedule taskkit rejects for good is kept as a comment with its reason', () => {
    const result = translate(['0 0 30 2 * /usr/bin/never']);
    expect(result.entries).toEqual([]);
    expect(result.trailingComments).toEqual([
      ' import-crontab: line 1 not translated (taskkit: never fires: "0 0 30 2 *" matches no day of any year): ' +
        '0 0 30 2 * /usr/bin/never',
    ]);
    expect(result.notes).toEqual([
      { line: 1, message: 'not translated (taskkit: never fires: "0 0 30 2 *" matches no day of any year)' },
    ]);
  });

  test('a broken line is kept as a comment where it was, never dropped', () => {
    const result = translate(['61 * * * * echo broken', '0 5 * * * /usr/bin/ok']);
    expect(result.entries[0]?.comments).toEqual([
      ' import-crontab: line 1 not translated (bad minute "61": 61 is out of range (0-59)): 61 * * * * echo broken',
    ]);
  });
});

describe('environment', () => {
  test('assignments apply to the jobs below them only', () => {
    const result = translate([
      '0 1 * * * /usr/bin/first',
      'SHELL=/bin/bash',
      'PATH=/usr/local/bin:/usr/bin',
      'CRON_TZ=Europe/Berlin',
      '0 2 * * * /usr/bin/second',
      'PATH=/opt/bin',
      'LOG_LEVEL=debug',
      'CRON_TZ=:America/New_York',
      '0 3 * * * /usr/bin/third',
    ]);
    expect(result.entries.map(({ task }) => [task.name, task.shell, task.timezone, task.env])).toEqual([
      ['first', null, null, {}],
      ['second', '/bin/bash', 'Europe/Berlin', { PATH: '/usr/local/bin:/usr/bin' }],
      ['third', '/bin/bash', 'America/New_York', { PATH: '/opt/bin', LOG_LEVEL: 'debug' }],
    ]);
    expect(result.notes).toEqual([]);
  });

  test('MAILTO, RANDOM_DELAY, LOGNAME and odd names are dropped with a comment and a note', () => {
    const result = translate([
      'MAILTO=ops@example.com',
      'RANDOM_DELAY=10',
      'LOGNAME=other',
      'MY-VAR=1',
      '0 5 * * * /usr/bin/job',
    ]);
    expect(result.entries[0]?.task.env).toEqual({});
    expect(result.entries[0]?.comments).toEqual([
      ' MAILTO=ops@example.com: taskkit does not send mail; see taskkit history and taskkit logs',
      ' RANDOM_DELAY=10: cronie delays every job by one random number of minutes chosen when cron starts; ' +
        'not translated (a task\'s "jitter" is the nearest)',
      " LOGNAME=other: cron sets this to the crontab owner's name itself; ignored",
      ' MY-VAR=1: not a variable name taskkit\'s env accepts (letters, digits and "_"); ignored',
    ]);
    expect(result.notes.map((note) => note.line)).toEqual([1, 2, 3, 4]);
  });

  test('an unknown CRON_TZ keeps the jobs below it as comments until the next CRON_TZ', () => {
    const result = translate(['CRON_TZ=Mars/Olympus', '0 5 * * * /usr/bin/a', 'CRON_TZ=UTC', '0 6 * * * /usr/bin/b']);
    expect(result.entries.map(({ task }) => [task.name, task.timezone])).toEqual([['b', 'UTC']]);
    expect(result.entries[0]?.comments).toEqual([
      ' CRON_TZ=Mars/Olympus: not a time zone taskkit knows; the jobs below it are kept as comments until the ' +
        'next CRON_TZ',
      ' import-crontab: line 2 not translated (CRON_TZ "Mars/Olympus" is not a time zone taskkit knows): ' +
        '0 5 * * * /usr/bin/a',
    ]);
  });
});

describe('commands', () => {
  test('`%` input is fed with printf; `\\%` is a literal %', () => {
    const result = translate(['0 7 * * * mail -s "Report" root%Good morning,%disk at 50\\%%', '5 4 * * * date +\\%F']);
    expect(result.entries.map(({ task }) => task.run)).toEqual([
      `printf '%s\\n' 'Good morning,' 'disk at 50%' | ( mail -s "Report" root )`,
      'date +%F',
    ]);
    expect(result.notes).toEqual([
      { line: 1, message: 'the text after "%" is fed to the command\'s standard input with printf, as cron does' },
    ]);
  });

  test('`%` input under a non-POSIX SHELL is refused with a note', () => {
    const result = translate(['SHELL=/usr/bin/fish', '0 7 * * * cat%hello']);
    expect(result.entries).toEqual([]);
    expect(result.notes).toEqual([
      { line: 2, message: 'not translated ("%" input needs a POSIX shell to feed it; SHELL is /usr/bin/fish)' },
    ]);
  });

  test("cronie's '-' prefix is dropped with a note", () => {
    const result = translate(['-*/5 * * * * /usr/bin/poll']);
    expect(result.entries[0]?.task.run).toBe('/usr/bin/poll');
    expect(result.notes).toEqual([
      {
        line: 1,
        message: 'the "-" prefix (no syslog line per run) is dropped: taskkit records every run in its history',
      },
    ]);
  });

  test('names are de-duplicated in file order', () => {
    const result = translate(['@daily /usr/bin/report', '@weekly /usr/bin/report', '@monthly /usr/bin/report']);
    expect(result.entries.map(({ task }) => task.name)).toEqual(['report', 'report-2', 'report-3']);
  });
});

describe('descriptions and comments', () => {
  test('the comment block just above a job becomes its description, joined with spaces', () => {
    const result = translate(['# Nightly backup', '#   of the database', '0 3 * * * /usr/bin/backup']);
    expect(result.entries[0]?.task.description).toBe('Nightly backup of the database');
    expect(result.entries[0]?.comments).toEqual([]);
  });

  test('a blank line between comment and job: the comment stays a comment', () => {
    const result = translate(['# about the file', '', '0 3 * * * /usr/bin/backup']);
    expect(result.entries[0]?.task.description).toBeNull();
    expect(result.entries[0]?.comments).toEqual([' about the file']);
  });

  test("crontab(1)'s legend, a blank '#' line or a commented-out job ends the description block", () => {
    const result = translate([
      '# Edit this file to introduce tasks to be run by cron.',
      '#',
      '# m h  dom mon dow   command',
      '0 3 * * * /usr/bin/backup',
      '# Old job, disabled:',
      '#0 4 * * * /usr/bin/old',
      '# Report, every Monday',
      '0 9 * * 1 /usr/bin/report',
    ]);
    expect(result.entries.map(({ task }) => task.description)).toEqual([null, 'Report, every Monday']);
    expect(result.entries.map((entry) => entry.comments)).toEqual([
      [' Edit this file to introduce tasks to be run by cron.', '', ' m h  dom mon dow   command'],
      [' Old job, disabled:', '0 4 * * * /usr/bin/old'],
    ]);
  });

  test('comments after the last job are trailing comments', () => {
    expect(translate(['@daily /usr/bin/a', '# the end']).trailingComments).toEqual([' the end']);
  });
});

describe('system crontab', () => {
  test('the user is kept as a comment and summed up in a note', () => {
    const result = translate(
      ['17 * * * * root run-parts /etc/cron.hourly', '@reboot www-data /usr/bin/warm', '@daily root /usr/bin/x'],
      true,
    );
    expect(result.entries.map((entry) => [entry.task.user, entry.comments])).toEqual([
      ['root', [' was run as user "root" by cron']],
      ['www-data', [' was run as user "www-data" by cron']],
      ['root', [' was run as user "root" by cron']],
    ]);
    expect(result.notes).toEqual([
      {
        line: null,
        message:
          'system crontab: cron ran these jobs as root, www-data; taskkit runs every task as the user running ' +
          'the daemon',
      },
    ]);
  });
});
