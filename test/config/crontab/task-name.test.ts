/** Readable, stable, valid task names from cron commands. */
import { describe, expect, test } from 'vitest';
import { assignUniqueNames, deriveTaskName } from '../../../src/config/crontab/task-name.js';
import { checkTaskName } from '../../../src/config/task.js';

describe('deriveTaskName', () => {
  test.each([
    ['/usr/local/bin/backup.sh --full /home > /dev/null 2>&1', 'backup-home'],
    ['/usr/local/bin/backup.sh --full "$BACKUP_DIR"', 'backup-full'],
    ['/usr/local/bin/backup.sh --incremental "$BACKUP_DIR"', 'backup-incremental'],
    ['/usr/bin/curl -fsS https://example.com/ping > /dev/null', 'curl-ping'],
    ['cd / && run-parts --report /etc/cron.hourly', 'run-parts-cron-hourly'],
    ['test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }', 'run-parts-cron-daily'],
    [
      '[ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then /usr/lib/php/sessionclean; fi',
      'sessionclean',
    ],
    ['php /var/www/app/artisan schedule:run >> /dev/null 2>&1', 'php-artisan-schedule-run'],
    ['nice -n 10 ionice -c3 /usr/bin/updatedb', 'updatedb'],
    ['sudo -u www-data php /srv/app/cron.php', 'php-cron'],
    ['timeout 5m flock -n /tmp/sync.lock /usr/local/bin/sync-queue', 'sync-queue'],
    ['LANG=C FOO=bar /opt/report/Generate_Report.py --weekly', 'generate-report-weekly'],
    ['sleep 30; /usr/bin/wget -q -O - http://localhost/cron', 'wget-cron'],
    ['date +%Y-%m-%d >> /var/log/dates.log', 'date-y-m-d'],
    ['>/tmp/x', 'job'],
    ['> /tmp/log 2>&1 /usr/bin/report', 'report'],
    ['echo "Zürich" ÄÖÜ', 'echo-z-rich'],
    [
      '/opt/a-really-long-program-name-for-testing/bin/synchronise-everything-everywhere --with-all-the-options',
      'synchronise-everything-everywhere-with',
    ],
  ])('%j -> %s', (command, expected) => {
    const name = deriveTaskName(command);
    expect(name).toBe(expected);
    expect(checkTaskName(name)).toBeUndefined();
    expect(name.length).toBeLessThanOrEqual(40);
  });
});

describe('assignUniqueNames', () => {
  test('later repeats get -2, -3 in file order; an existing -2 is skipped over', () => {
    expect(assignUniqueNames(['backup', 'report', 'backup', 'backup-2', 'backup'])).toEqual([
      'backup',
      'report',
      'backup-2',
      'backup-2-2',
      'backup-3',
    ]);
  });

  test('the same list always gives the same names', () => {
    const bases = ['a', 'a', 'b', 'a'];
    expect(assignUniqueNames(bases)).toEqual(assignUniqueNames(bases));
  });
});
