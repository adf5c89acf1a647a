// daemon/notify/facts.ts, target.ts and mail-message.ts: the words and shapes every notifier gets,
// a URL's secrets kept out of records, and a mail header nothing can be smuggled into.
import { describe, expect, test } from 'vitest';
import { describeAlertBody, summarizeAlert, tailOf, type AlertFacts } from '../../../src/daemon/notify/facts.js';
import { composeAlertMail, formatMailDate, headerValue } from '../../../src/daemon/notify/mail-message.js';
import { describeTarget, splitCredentials } from '../../../src/daemon/notify/target.js';
import { makeRun } from '../../store/_support.js';
import { AT } from './_support.js';

function facts(overrides: Partial<AlertFacts> = {}): AlertFacts {
  return {
    event: 'failure',
    task: 'backup',
    at: AT,
    run: makeRun(),
    failures: 1,
    overdueSince: null,
    outputTail: Buffer.from('disk full\n'),
    outputTruncated: false,
    ...overrides,
  };
}

describe('summarizeAlert', () => {
  test.each<[string, Partial<AlertFacts>, string]>([
    ['one failure', {}, 'taskkit: backup failed (exit 3)'],
    ['several', { failures: 4 }, 'taskkit: backup failed 4 times in a row (exit 3)'],
    [
      'a timeout',
      {
        run: makeRun({
          status: 'timed-out',
          exitCode: null,
          signal: 'SIGTERM',
          error: null,
          stop: { cause: 'timeout', afterMs: 30_000, signals: ['SIGTERM'], killAfterMs: 10_000, abandoned: null },
        }),
      },
      'taskkit: backup failed (timed out after 30s; sent SIGTERM)',
    ],
    [
      'a recovery',
      { event: 'recovery', failures: 0, run: makeRun({ id: 9, status: 'succeeded' }) },
      'taskkit: backup recovered (run #9 succeeded)',
    ],
    [
      'overdue',
      { event: 'overdue', run: null, overdueSince: AT - 86_400_000 },
      'taskkit: backup is overdue (no success since 2026-12-02T03:00:00.000Z)',
    ],
    ['auto-hold', { event: 'auto-hold', failures: 5 }, 'taskkit: backup held after 5 consecutive failures'],
  ])('%s', (_name, overrides, expected) => {
    expect(summarizeAlert(facts(overrides))).toBe(expected);
  });
});

test('the JSON body: nulls where a fact does not apply, the tail as text', () => {
  const body = describeAlertBody(facts({ event: 'overdue', run: null, outputTail: Buffer.alloc(0) }));
  expect(body).toMatchObject({ runId: null, status: null, exitCode: null, output: '', outputTruncated: false });
  expect(tailOf(Buffer.from('abcdef'), 3).toString()).toBe('def');
});

describe('targets without secrets', () => {
  test('a URL loses user and password; other targets are as written', () => {
    expect(describeTarget({ kind: 'url', url: 'https://bob:pw@hooks.example/x?y=1' })).toBe(
      'https://***@hooks.example/x?y=1',
    );
    expect(describeTarget({ kind: 'url', url: 'https://hooks.example/x' })).toBe('https://hooks.example/x');
    expect(describeTarget({ kind: 'command', argv: ['notify-send', 'taskkit'] })).toBe('notify-send taskkit');
    expect(splitCredentials('https://b%40b:p%3Aw@h.example/')).toEqual({
      url: 'https://h.example/',
      authorization: `Basic ${Buffer.from('b@b:p:w').toString('base64')}`,
    });
  });
});

describe('mail', () => {
  test('header values keep to one line; a non-ASCII subject is an encoded word', () => {
    expect(headerValue('a\r\nBcc: x@y\u001b')).toBe('a Bcc: x@y\\x1b');
    const message = composeAlertMail('ops@example.com', facts({ task: 'sauvegarde-é' }), AT);
    expect(message.split('\n')[1]).toBe(
      `Subject: =?UTF-8?B?${Buffer.from('taskkit: sauvegarde-é failed (exit 3)').toString('base64')}?=`,
    );
    expect(formatMailDate(AT)).toBe('Thu, 03 Dec 2026 03:00:00 +0000');
  });

  test('an output line past 998 characters is broken', () => {
    const message = composeAlertMail('ops@example.com', facts({ outputTail: Buffer.alloc(2_500, 'x') }), AT);
    expect(Math.max(...message.split('\n').map((line) => line.length))).toBe(998);
  });
});
