// DESIGN.md "Schedule semantics", cron: 5 fields or 6 (seconds first), Vixie macros, names;
// what cron-parser accepts loosely is an error here; hashed values rejected by name; a schedule
// that can never fire is an error. Messages are taskkit's own, name the field and range
// (DESIGN.md "The tasks file") and carry the offset of the faulty text in the expression.
import { describe, expect, test } from 'vitest';
import { parseCron } from '../../src/schedule/cron.js';

const message = (raw: unknown): string => {
  const result = parseCron(raw);
  if (result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
  return result.message;
};

describe('accepted expressions', () => {
  test.each([
    '*/15 * * * 1-5',
    '0 22,23 * * *',
    '30 2 1 1 *',
    '0 30 2 * * *',
    '0 0 * jan-mar mon-fri',
    '0 0 * JAN-MAR MON-FRI',
    '0 0 * * sun',
    '0 0 * * 0',
    '0 0 * * 7',
    '0 0 * * 0-7',
    '0 0 ? * mon',
    '0 0 1 * ?',
    '0 0 L * *',
    '0 0 1,L * *',
    '0 0 * * 5L',
    '0 0 * * 1#2',
    '5/15 * * * *',
    '0 0 29 2 *',
    '0-59/20 9-17 * * *',
  ])('%j', (expression) => {
    expect(parseCron(expression)).toEqual({ ok: true, value: { kind: 'cron', expression } });
  });

  test('surrounding whitespace is trimmed', () => {
    expect(parseCron('  0 3 * * *  ')).toEqual({ ok: true, value: { kind: 'cron', expression: '0 3 * * *' } });
  });

  test.each(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly', '@Daily', '@HOURLY'])(
    'macro %s is kept as written',
    (macro) => {
      expect(parseCron(macro)).toEqual({ ok: true, value: { kind: 'cron', expression: macro } });
    },
  );

  test.each(['@reboot', '@REBOOT'])('%s is a reboot schedule', (macro) => {
    expect(parseCron(macro)).toEqual({ ok: true, value: { kind: 'reboot' } });
  });
});

describe('field errors name the field and range: cron field "minute" out of range (0-59): 75', () => {
  test.each([
    ['75 * * * *', 'cron field "minute" out of range (0-59): 75'],
    ['0 24 * * *', 'cron field "hour" out of range (0-23): 24'],
    ['0 0 0 * *', 'cron field "day-of-month" out of range (1-31): 0'],
    ['0 0 32 * *', 'cron field "day-of-month" out of range (1-31): 32'],
    ['0 0 * 13 *', 'cron field "month" out of range (1-12): 13'],
    ['0 0 * * 8', 'cron field "day-of-week" out of range (0-7): 8'],
    ['60 0 0 * * *', 'cron field "second" out of range (0-59): 60'],
    ['0 10-25 * * *', 'cron field "hour" out of range (0-23): 25'],
    ['0 0 * * 1#6', 'cron field "day-of-week" out of range (1-5) after "#": 6'],
  ])('%j', (expression, expected) => {
    expect(message(expression)).toBe(expected);
  });

  test.each([
    ['0 0 * foo *', 'cron field "month": unknown name "foo" (use jan-dec or 1-12)'],
    ['0 0 * * mon-fry', 'cron field "day-of-week": unknown name "fry" (use sun-sat or 0-7)'],
    ['0 22-2 * * *', 'cron field "hour": range "22-2" runs backwards (write it as 22-23,0-2)'],
    ['*/0 * * * *', 'cron field "minute": a step must be at least 1, got "*/0"'],
    ['1,,2 * * * *', 'cron field "minute": empty item in list "1,,2"'],
    ['x * * * *', 'cron field "minute": expected a number, a range like "1-5", a step like "*/15" or a list, got "x"'],
    ['? * * * *', 'cron field "minute": expected a number, a range like "1-5", a step like "*/15" or a list, got "?"'],
    ['0 0 * * L', 'cron field "day-of-week": "L" needs a weekday in this field, e.g. "5L" for the last Friday'],
    ['0 0 * * 1#2,3', 'cron field "day-of-week": "1#2" cannot be combined with other values in a list ("1#2,3")'],
  ])('%j', (expression, expected) => {
    expect(message(expression)).toBe(expected);
  });
});

describe('forms other crons have are rejected by name', () => {
  test.each([['H * * * *', 'cron field "minute": "H" (hashed value) is not supported']])(
    '%j',
    (expression, expected) => {
      expect(message(expression)).toBe(expected);
    },
  );
});

describe('what cron-parser accepts loosely is an error here', () => {
  test.each([
    ['', 'expected a cron expression like "*/15 * * * *" or a macro like "@daily", got an empty string'],
    ['   ', 'expected a cron expression like "*/15 * * * *" or a macro like "@daily", got an empty string'],
    [
      '* * * *',
      'expected 5 cron fields (minute hour day-of-month month day-of-week) or 6 (second first), got 4: "* * * *"',
    ],
    [
      '* * * * * * *',
      'expected 5 cron fields (minute hour day-of-month month day-of-week) or 6 (second first), got 7: "* * * * * * *"',
    ],
    [
      '@weekdays',
      'unknown cron macro "@weekdays" (use @yearly, @annually, @monthly, @weekly, @daily, @midnight, ' +
        '@hourly or @reboot)',
    ],
    [42, 'expected a cron expression like "*/15 * * * *" or a macro like "@daily", got 42'],
  ])('%j', (expression, expected) => {
    expect(message(expression)).toBe(expected);
  });
});

describe('a schedule that can never fire is an error', () => {
  test.each(['0 0 30 2 *', '0 0 31 4 *', '0 0 31 2,4,6,9,11 *', '0 0 30,31 feb *'])('%j', (expression) => {
    expect(message(expression)).toBe(`never fires: "${expression}" matches no day of any year`);
  });

  test.each(['0 0 29 2 *', '0 0 31 2,3 *', '0 0 30 2 1', '0 0 * 2 0#5'])('%j fires (rarely)', (expression) => {
    expect(parseCron(expression).ok).toBe(true);
  });
});
