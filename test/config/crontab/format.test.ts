/** User or system crontab, from the file's shape or what the caller knows. */
import { describe, expect, test } from 'vitest';
import { detectCrontabFormat, detectPathFormat } from '../../../src/config/crontab/format.js';

describe('detectCrontabFormat', () => {
  test('every job has a user column and one of them is root: system', () => {
    expect(
      detectCrontabFormat([
        'SHELL=/bin/sh',
        '17 * * * * root run-parts /etc/cron.hourly',
        '@reboot www-data /usr/bin/warm',
      ]),
    ).toBe('system');
  });

  test('commands that merely start with a word: user', () => {
    expect(detectCrontabFormat(['17 * * * * echo hello', '@reboot backup /srv'])).toBe('user');
  });

  test('one job whose sixth word is no user name: user', () => {
    expect(detectCrontabFormat(['17 * * * * root run-parts /etc/cron.hourly', '0 5 * * * /usr/bin/backup --all'])).toBe(
      'user',
    );
  });

  test('a sixth word with nothing after it is a command, not a user: user', () => {
    expect(detectCrontabFormat(['17 * * * * root'])).toBe('user');
  });

  test('no jobs at all: user', () => {
    expect(detectCrontabFormat(['# nothing here', 'MAILTO=x'])).toBe('user');
  });

  test('the caller knows better', () => {
    expect(detectCrontabFormat(['17 * * * * root run-parts /etc/cron.hourly'], 'user')).toBe('user');
    expect(detectCrontabFormat(['0 5 * * * backup /usr/bin/x'], 'system')).toBe('system');
  });
});

describe('detectPathFormat', () => {
  test.each([
    ['/etc/crontab', 'system'],
    ['/etc/cron.d/php', 'system'],
    ['/etc/cron.d/sub/x', undefined],
    ['/home/me/crontab', undefined],
  ])('%s', (path, expected) => {
    expect(detectPathFormat(path)).toBe(expected);
  });
});
