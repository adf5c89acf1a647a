/** Crontab time fields as cron reads them (cronie 1.7 entry.c; BSD's `N/step`). */
import { describe, expect, test } from 'vitest';
import { readCrontabField, type CrontabFieldName } from '../../../src/config/crontab/cron-fields.js';

function values(name: CrontabFieldName, text: string): readonly number[] | string {
  const field = readCrontabField(name, text);
  return typeof field === 'string' ? field : field.values;
}

describe('readCrontabField: what cron selects', () => {
  test.each([
    ['minute', '*/15', [0, 15, 30, 45]],
    ['minute', '10-50/20', [10, 30, 50]],
    ['minute', '*/100', [0]],
    ['minute', '05', [5]],
    ['hour', '1-5', [1, 2, 3, 4, 5]],
    ['hour', '8-18/4', [8, 12, 16]],
    ['day-of-month', '1,15,30', [1, 15, 30]],
    ['day-of-month', '*/10', [1, 11, 21, 31]],
    ['month', 'jan-mar', [1, 2, 3]],
    ['month', 'DEC', [12]],
    ['month', '*/5', [1, 6, 11]],
    ['day-of-week', 'mon-fri', [1, 2, 3, 4, 5]],
    ['day-of-week', 'sun', [0]],
    ['day-of-week', '7', [0]],
    ['day-of-week', 'sun,7', [0]],
    ['day-of-week', '1-7/2', [0, 1, 3, 5]],
    // cronie 1.7: a range ending in 0 ends in 7 (Sunday).
    ['day-of-week', 'fri-sun', [0, 5, 6]],
    ['day-of-week', '5-0', [0, 5, 6]],
    // BSD cron: N/step is N-max/step; Sunday as 7 is reached.
    ['minute', '5/15', [5, 20, 35, 50]],
    ['day-of-week', '1/3', [0, 1, 4]],
  ] as const)('%s %s', (name, text, expected) => {
    expect(values(name, text)).toEqual(expected);
  });

  test('the star flag is "starts with *", as cron sets DOM_STAR and DOW_STAR', () => {
    expect(readCrontabField('day-of-month', '*/2')).toMatchObject({ star: true });
    expect(readCrontabField('day-of-month', '1-31')).toMatchObject({ star: false });
  });
});

describe('readCrontabField: what cron rejects', () => {
  test.each([
    ['minute', '61', 'bad minute "61": 61 is out of range (0-59)'],
    ['hour', '24', 'bad hour "24": 24 is out of range (0-23)'],
    ['day-of-month', '0', 'bad day-of-month "0": 0 is out of range (1-31)'],
    ['day-of-week', '8', 'bad day-of-week "8": 8 is out of range (0-7)'],
    ['minute', 'mon', 'bad minute "mon": expected a number, got "mon"'],
    ['day-of-week', 'monday', 'bad day-of-week "monday": expected a number or a name like "sun", got "monday"'],
    ['hour', '22-2', 'bad hour "22-2": range "22-2" runs backwards: cron rejects it or selects nothing'],
    ['minute', '*/0', 'bad minute "*/0": a step must be at least 1, got "/0"'],
    ['minute', '*/x', 'bad minute "*/x": a step must be a number, got "/x"'],
    ['minute', '1,,2', 'bad minute "1,,2": empty item in a list'],
    ['minute', '*-5', 'bad minute "*-5": "*" cannot start a range, got "*-5"'],
    [
      'minute',
      '0~30',
      'bad minute "0~30": cronie\'s random value "~" is picked when cron loads the crontab; taskkit has no equivalent',
    ],
    ['day-of-month', '?', 'bad day-of-month "?": expected a number, got "?"'],
    ['day-of-month', 'L', 'bad day-of-month "L": expected a number, got "L"'],
    ['day-of-week', '5#2', 'bad day-of-week "5#2": expected a number or a name like "sun", got "5#2"'],
  ] as const)('%s %s', (name, text, message) => {
    expect(readCrontabField(name, text)).toBe(message);
  });
});
