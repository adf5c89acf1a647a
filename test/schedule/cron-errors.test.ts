// Issue 13.3: every cron error is taskkit's own (no dependency's wording), names the field, and
// says where: `offset` is the 0-based position of the faulty text in the expression as given,
// which config/ turns into the column of `FILE:LINE:COL` (test/config/cron-column.test.ts).
import { describe, expect, test } from 'vitest';
import { parseCron } from '../../src/schedule/cron.js';

function failure(raw: string): { message: string; offset: number | undefined } {
  const result = parseCron(raw);
  if (result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
  return { message: result.message, offset: result.offset };
}

describe('the offset points at the faulty field, item or value', () => {
  test.each([
    ['75 * * * *', 'cron field "minute" out of range (0-59): 75', 0],
    ['0 75 * * *', 'cron field "hour" out of range (0-23): 75', 2],
    ['0 10-25 * * *', 'cron field "hour" out of range (0-23): 25', 5],
    ['0 0 1,5,32 * *', 'cron field "day-of-month" out of range (1-31): 32', 8],
    ['0 0 * foo *', 'cron field "month": unknown name "foo" (use jan-dec or 1-12)', 6],
    ['0 0 * * mon-fry', 'cron field "day-of-week": unknown name "fry" (use sun-sat or 0-7)', 12],
    ['0 0 * * 1#6', 'cron field "day-of-week" out of range (1-5) after "#": 6', 10],
    ['*/0 * * * *', 'cron field "minute": a step must be at least 1, got "*/0"', 2],
    ['1,,2 * * * *', 'cron field "minute": empty item in list "1,,2"', 2],
    ['0 22-2 * * *', 'cron field "hour": range "22-2" runs backwards (write it as 22-23,0-2)', 2],
    ['0 0 * * sat-mon', 'cron field "day-of-week": range "sat-mon" runs backwards (write it as 6-6,0-1)', 8],
    ['60 0 0 * * *', 'cron field "second" out of range (0-59): 60', 0],
    ['0 0 0 32W * *', 'cron field "day-of-month" out of range (1-31): 32', 6],
    ['0 0 0W * *', 'cron field "day-of-month" out of range (1-31): 0', 4],
    ['0 0 L-31 * *', 'cron field "day-of-month" out of range (0-30) after "L-": 31', 6],
    [
      '0 0 1-5W * *',
      'cron field "day-of-month": expected a number, a range like "1-5", a step like "*/15" or a list, got "1-5W"',
      4,
    ],
    ['  0  99 * * *', 'cron field "hour" out of range (0-23): 99', 5],
  ])('%j', (expression, message, offset) => {
    expect(failure(expression)).toEqual({ message, offset });
  });

  test('whole-expression problems have no offset', () => {
    expect(failure('* * * *').offset).toBeUndefined();
    expect(failure('0 0 30 2 *')).toEqual({
      message: 'never fires: "0 0 30 2 *" matches no day of any year',
      offset: undefined,
    });
    expect(failure('@weekdays').offset).toBeUndefined();
  });
});

describe('no dependency wording reaches the user', () => {
  // What cron-parser said for these before taskkit read the grammar itself (issue 13.3).
  const foreign =
    /Validation error|duplicate values|Constraint error|Invalid characters|CronDayOfWeek|CronMinute|got value/;
  test.each([
    '61 * * * *',
    '0 0 * * 8',
    '0 0 1W-3 * *',
    '0 0 L-x * *',
    '0 0 * * 5#2/2',
    '0 0 * ? *',
    '0 0 L/2 * *',
    '0 0 * * 5L/2',
    '0 0 ? ? *',
  ])('%j', (expression) => {
    const { message } = failure(expression);
    expect(message).toMatch(/^cron field "(second|minute|hour|day-of-month|month|day-of-week)"/);
    expect(message).not.toMatch(foreign);
  });
});
