/** The whole pipeline on the fixtures: names, schedules, notes, and a tasks file taskkit loads. */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { importCrontab } from '../../../src/config/crontab/import.js';
import { parseTasksText } from '../../../src/config/load.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/crontab/${name}`, import.meta.url), 'utf8');

describe('the varied fixture', () => {
  const result = importCrontab(fixture('varied.crontab'), { source: 'varied.crontab', date: '2026-03-01' });

  test('every job but the broken and the never-firing one becomes a task, in file order', () => {
    expect(result.format).toBe('user');
    expect(result.tasks.map((task) => [task.line, task.name, task.cron, task.timezone])).toEqual([
      [8, 'webapp-daemon', '@reboot', null],
      [9, 'archive-logs-year', '@yearly', null],
      [10, 'archive-logs-year-2', '@annually', null],
      [11, 'find-tmp', '@monthly', null],
      [12, 'backup-full', '@weekly', null],
      [13, 'backup-incremental', '@daily', null],
      [14, 'rotate-logs-app', '@midnight', null],
      [15, 'curl-ping', '@hourly', null],
      [18, 'sync-queue', '*/15 * * * 1-5', null],
      [19, 'poll-feeds', '10-50/20 8-18 * * *', null],
      [20, 'invoice-run', '0 9 1,15,30 * *', null],
      [21, 'quarter-close', '30 6 * jan-mar mon-fri', null],
      [22, 'weekly-report', '0 12 * * sun', null],
      [23, 'weekly-report-2', '0 12 * * 7', null],
      [25, 'superstition', '0 0 13 * fri', null],
      [27, 'odd-mondays', '0 5 */2 * mon', null],
      [28, 'echo-sunday', '45 23 * * sun,7', null],
      [29, 'weekend-mode-on', '0 22 * * fri-sun', null],
      [31, 'mail-daily-report', '0 7 * * *', null],
      [32, 'date-y-m-d', '5 4 * * *', null],
      [35, 'standup-reminder', '0 8 * * mon-fri', 'Europe/Berlin'],
      [37, 'cleanup-all', '30 1 * * *', 'Europe/Berlin'],
      [38, 'cache-warm', '0 */6 * * *', 'Europe/Berlin'],
      [41, 'monthly-stats', '15 14 1 * *', 'Europe/Berlin'],
      [43, 'market-check', '0 9-17/4 * * 1-5', 'America/New_York'],
      [44, 'mail-weekly-team', '30 17 * * fri', 'America/New_York'],
    ]);
  });

  test('environment, shell and descriptions', () => {
    const byName = new Map(result.tasks.map((task) => [task.name, task]));
    expect(byName.get('webapp-daemon')).toMatchObject({
      description: 'Start the web app after boot',
      shell: '/bin/bash',
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', BACKUP_DIR: '/srv/backup dir' },
    });
    expect(byName.get('monthly-stats')?.env).toEqual({
      PATH: '/usr/local/bin:/usr/bin:/bin',
      BACKUP_DIR: '/srv/backup dir',
      LOG_LEVEL: 'debug',
    });
    expect(byName.get('cleanup-all')?.description).toBe('Nightly cleanup, Berlin time');
    expect(byName.get('mail-daily-report')?.run).toBe(
      `printf '%s\\n' 'Good morning,' 'disk is at 50% today' | ( mail -s "Daily report" root )`,
    );
    expect(byName.get('date-y-m-d')?.run).toBe('date +%Y-%m-%d >> /var/log/dates.log');
    expect(byName.get('mail-weekly-team')?.run).toBe(
      `printf '%s\\n' 'It'\\''s Friday!' 'See you Monday.' | ( mail -s "Weekly" team )`,
    );
  });

  test('the notes, in line order', () => {
    expect(result.notes).toEqual([
      { line: 4, message: 'MAILTO=ops@example.com: taskkit does not send mail; see taskkit history and taskkit logs' },
      { line: 31, message: 'the text after "%" is fed to the command\'s standard input with printf, as cron does' },
      { line: 33, message: 'not translated (bad minute "61": 61 is out of range (0-59))' },
      { line: 39, message: 'not translated (taskkit: never fires: "0 0 30 2 *" matches no day of any year)' },
      { line: 44, message: 'the text after "%" is fed to the command\'s standard input with printf, as cron does' },
      { line: 45, message: 'not translated (bad command: it starts with "*" (a sixth time field? cron has five))' },
    ]);
  });

  test('untranslated lines stay in the YAML as comments', () => {
    expect(result.yaml).toContain(
      '  # import-crontab: line 33 not translated (bad minute "61": 61 is out of range (0-59)): ' +
        '61 * * * * echo broken minute\n',
    );
    expect(result.yaml).toContain(
      '  # MAILTO=ops@example.com: taskkit does not send mail; see taskkit history and taskkit logs\n',
    );
    expect(result.yaml).toContain('  # a trailing comment\n');
  });

  test('taskkit loads the output as a valid tasks file', () => {
    const file = parseTasksText(result.yaml, 'tasks.yaml', { env: { TZ: 'UTC' }, baseDir: '/tmp' });
    expect(file.tasks.map((task) => task.name)).toEqual(result.tasks.map((task) => task.name));
    expect(file.tasks[0]?.schedule).toEqual({ kind: 'reboot' });
  });

  test('the same crontab gives the same YAML', () => {
    expect(importCrontab(fixture('varied.crontab'), { source: 'varied.crontab', date: '2026-03-01' }).yaml).toBe(
      result.yaml,
    );
  });
});

describe('the system fixture', () => {
  test('is detected as a system crontab; users become comments', () => {
    const result = importCrontab(fixture('system.crontab'), { source: '/etc/crontab' });
    expect(result.format).toBe('system');
    expect(result.tasks.map((task) => [task.name, task.user, task.cron])).toEqual([
      ['run-parts-cron-hourly', 'root', '17 * * * *'],
      ['run-parts-cron-daily', 'root', '25 6 * * *'],
      ['run-parts-cron-weekly', 'root', '47 6 * * 7'],
      ['run-parts-cron-monthly', 'root', '52 6 1 * *'],
      ['warm-cache', 'www-data', '@reboot'],
      ['php-artisan-schedule-run', 'www-data', '*/10 * * * *'],
    ]);
    expect(result.tasks[1]?.run).toBe('test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }');
    expect(result.yaml).toContain(
      '  # was run as user "www-data" by cron\n  warm-cache:\n    description: Warm the cache after a reboot\n',
    );
    expect(parseTasksText(result.yaml, 'tasks.yaml', { env: { TZ: 'UTC' }, baseDir: '/tmp' }).tasks).toHaveLength(6);
  });

  test('read as a user crontab when the caller says so: "root" becomes the command', () => {
    const result = importCrontab(fixture('system.crontab'), { source: 'x', format: 'user' });
    expect(result.tasks[0]?.run).toBe('root    cd / && run-parts --report /etc/cron.hourly');
  });
});

describe('edge cases of the file', () => {
  test('CRLF line ends are removed, with a note', () => {
    const result = importCrontab('@daily /usr/bin/a\r\n@hourly /usr/bin/b\r\n', { source: 'x' });
    expect(result.tasks.map((task) => task.run)).toEqual(['/usr/bin/a', '/usr/bin/b']);
    expect(result.notes).toEqual([
      {
        line: null,
        message:
          'the file has CRLF line ends; the CR of each line was removed (cron would have made it part of the command)',
      },
    ]);
  });

  test('a last line without a line break is read too', () => {
    expect(importCrontab('@daily /usr/bin/a', { source: 'x' }).tasks).toHaveLength(1);
  });

  test('nothing to import: no tasks, and a note saying the output will not validate', () => {
    const result = importCrontab('# only a comment\nMAILTO=""\n', { source: 'x' });
    expect(result.tasks).toEqual([]);
    expect(result.yaml).toContain('\ntasks: {}\n');
    expect(result.notes.at(-1)).toEqual({
      line: null,
      message: 'no cron job was imported, so the output has no tasks (taskkit validate rejects it)',
    });
  });
});
