/** One crontab line -> blank, comment, assignment, job or broken, in cron's order. */
import { describe, expect, test } from 'vitest';
import { parseCrontabLine, readAssignment, type CrontabLine } from '../../../src/config/crontab/parse-line.js';

const user = (text: string): CrontabLine => parseCrontabLine(text, 7, { system: false });
const system = (text: string): CrontabLine => parseCrontabLine(text, 7, { system: true });

describe('blank lines and comments', () => {
  test.each(['', '   ', '\t'])('%j is blank', (text) => {
    expect(user(text)).toEqual({ kind: 'blank', line: 7, text });
  });

  test('a comment keeps what follows the "#", even after leading blanks', () => {
    expect(user('  # nightly backup')).toEqual({
      kind: 'comment',
      line: 7,
      text: '  # nightly backup',
      body: ' nightly backup',
    });
  });
});

describe('assignments (cronie load_env)', () => {
  test.each([
    ['PATH=/usr/bin:/bin', { name: 'PATH', value: '/usr/bin:/bin' }],
    ['  NAME = value with spaces   ', { name: 'NAME', value: 'value with spaces' }],
    ['DIR="/srv/backup dir"', { name: 'DIR', value: '/srv/backup dir' }],
    ['GREETING=\'a "quoted" word\'  ', { name: 'GREETING', value: 'a "quoted" word' }],
    ['MAILTO=""', { name: 'MAILTO', value: '' }],
    ['MAILTO=', { name: 'MAILTO', value: '' }],
    ['"QUOTED NAME"=x', { name: 'QUOTED NAME', value: 'x' }],
    ['X=a"b', { name: 'X', value: 'a"b' }],
  ])('%j', (text, expected) => {
    expect(readAssignment(text)).toEqual(expected);
  });

  test.each([
    ['X="a" b', 'something after the closing quote'],
    ['X="open', 'an unterminated quote'],
    ['=value', 'no name'],
    ['0 5 * * * A=b cmd', 'a job with an assignment in its command'],
    ['*/5 * * * * cmd', 'a job'],
  ])('%j is not an assignment (%s)', (text) => {
    expect(readAssignment(text)).toBeUndefined();
  });
});

describe('jobs', () => {
  test('five fields and the rest of the line, untouched, as the command', () => {
    const line = user('*/15\t* * * 1-5   /usr/bin/sync --all %stdin  ');
    expect(line).toMatchObject({ kind: 'job', user: null, command: '/usr/bin/sync --all %stdin  ', quiet: false });
    if (line.kind !== 'job' || line.schedule.kind !== 'fields') throw new Error('expected fields');
    expect(line.schedule.fields.map((field) => field.text)).toEqual(['*/15', '*', '*', '*', '1-5']);
  });

  test('a macro', () => {
    expect(user('@daily /usr/bin/backup')).toMatchObject({
      kind: 'job',
      schedule: { kind: 'macro', macro: '@daily' },
      command: '/usr/bin/backup',
    });
  });

  test("cronie's leading '-' (no syslog)", () => {
    expect(user('-0 5 * * * quiet-job')).toMatchObject({ kind: 'job', quiet: true, command: 'quiet-job' });
  });

  test('a system crontab line has a user before the command', () => {
    expect(system('17 * * * *\troot    cd / && run-parts /etc/cron.hourly')).toMatchObject({
      kind: 'job',
      user: 'root',
      command: 'cd / && run-parts /etc/cron.hourly',
    });
    expect(system('@reboot www-data /usr/bin/warm')).toMatchObject({
      kind: 'job',
      user: 'www-data',
      command: '/usr/bin/warm',
    });
  });
});

describe('broken lines, with the reason cron would give', () => {
  test.each([
    ['61 * * * * x', 'bad minute "61": 61 is out of range (0-59)'],
    ['0 5 * *', 'only 4 of the 5 time fields (minute hour day-of-month month day-of-week), and no command'],
    ['0 5 * * *', 'no command after the schedule'],
    ['0 5 * * * * /usr/bin/x', 'bad command: it starts with "*" (a sixth time field? cron has five)'],
    [
      '@Daily /usr/bin/x',
      'bad time specifier "@Daily": cron knows @reboot, @yearly, @annually, @monthly, @weekly, @daily, ' +
        '@midnight, @hourly',
    ],
    [
      '@every 5m /usr/bin/x',
      'bad time specifier "@every": cron knows @reboot, @yearly, @annually, @monthly, @weekly, @daily, ' +
        '@midnight, @hourly',
    ],
    ['@hourly', 'no command after the schedule'],
    ['X="a" b', 'bad minute "X="a"": expected a number, got "X="a""'],
  ])('%j', (text, reason) => {
    expect(user(text)).toEqual({ kind: 'broken', line: 7, text, reason });
  });

  test('a system line without a command after the user', () => {
    expect(system('0 5 * * * root')).toEqual({
      kind: 'broken',
      line: 7,
      text: '0 5 * * * root',
      reason: 'no command after the user "root"',
    });
    expect(system('0 5 * * * root   ')).toEqual({
      kind: 'broken',
      line: 7,
      text: '0 5 * * * root   ',
      reason: 'no command after the user "root"',
    });
  });
});
