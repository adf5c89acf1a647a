// config/notify.ts (issue 16.1): `notify:` in the settings (every task's default) and per task
// (replaces it; false turns it off). Every key, every error with its position, the host warning
// of a mail notifier without sendmail, and a URL's credentials never shown.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { definitionFingerprint, isSameDefinition, isSameNotify } from '../../src/config/definition.js';
import { checkSendmail, SENDMAIL_FALLBACKS } from '../../src/config/host-checks.js';
import { describeNotifyTarget, redactUrl } from '../../src/config/notify.js';
import type { AlertEvent, NotifySpec } from '../../src/config/types.js';
import { fileOf, issuesOf, summarize, TEST_ENV } from '../support/config-issues.js';

const dir = mkdtempSync(join(tmpdir(), 'taskkit-notify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'with'));
mkdirSync(join(dir, 'without'));
writeFileSync(join(dir, 'with', 'sendmail'), '#!/bin/sh\ncat >/dev/null\n');
chmodSync(join(dir, 'with', 'sendmail'), 0o755);

const ALL: readonly AlertEvent[] = ['failure', 'recovery', 'overdue', 'auto-hold'];
const notifyOf = (lines: readonly string[], task = 'a'): NotifySpec | undefined =>
  fileOf(lines).tasks.find((spec) => spec.name === task)?.notify;

describe('each key', () => {
  test.each<[string, string, NotifySpec]>([
    ['run', '{run: ./alert.sh}', { target: { kind: 'run', run: './alert.sh' }, on: ALL, after: 1, repeatMs: null }],
    [
      'command (numbers as text)',
      '{command: [notify-send, taskkit, 3]}',
      { target: { kind: 'command', argv: ['notify-send', 'taskkit', '3'] }, on: ALL, after: 1, repeatMs: null },
    ],
    [
      'url, on, after, repeat',
      '{url: "https://ntfy.sh/backups", on: [recovery, failure], after: 2, repeat: 1h30m}',
      {
        target: { kind: 'url', url: 'https://ntfy.sh/backups' },
        on: ['failure', 'recovery'],
        after: 2,
        repeatMs: 5_400_000,
      },
    ],
    [
      'mail, several addresses, on as one event',
      '{mail: "ops@example.com ,dev@example.org", on: overdue}',
      {
        target: { kind: 'mail', to: 'ops@example.com, dev@example.org' },
        on: ['overdue'],
        after: 1,
        repeatMs: null,
      },
    ],
    [
      'on: a repeated event counts once, in the order of the events',
      '{run: x, on: [auto-hold, failure, auto-hold]}',
      { target: { kind: 'run', run: 'x' }, on: ['failure', 'auto-hold'], after: 1, repeatMs: null },
    ],
  ])('%s', (_name, value, expected) => {
    expect(notifyOf(['tasks:', '  a:', '    run: x', `    notify: ${value}`])).toEqual(expected);
  });
});

describe('the settings default and a task of its own', () => {
  const lines = [
    'settings:',
    '  notify: {url: "https://hooks.example.com/t", after: 3}',
    'tasks:',
    '  inherits: {run: x}',
    '  own: {run: x, notify: {run: ./page.sh, on: [failure]}}',
    '  off: {run: x, notify: false}',
  ];
  const file = fileOf(lines);
  const spec = (name: string) => file.tasks.find((task) => task.name === name);

  test('the settings give every task their notifier', () => {
    const notify = { target: { kind: 'url', url: 'https://hooks.example.com/t' }, on: ALL, after: 3, repeatMs: null };
    expect(file.settings.notify).toEqual(notify);
    expect(spec('inherits')?.notify).toEqual(notify);
  });

  test("a task's own notify replaces the default as a whole (its after is 1, not the settings' 3)", () => {
    expect(spec('own')?.notify).toEqual({
      target: { kind: 'run', run: './page.sh' },
      on: ['failure'],
      after: 1,
      repeatMs: null,
    });
  });

  test('notify: false turns the default off: the spec has no notify at all', () => {
    expect(spec('off')).not.toHaveProperty('notify');
  });

  test('no notify anywhere: none, and the spec has no key (definitions keep their fingerprint)', () => {
    const task = fileOf(['tasks:', '  a: {run: x}']).tasks[0];
    expect(task).not.toHaveProperty('notify');
    expect(fileOf(['tasks:', '  a: {run: x}']).settings.notify).toBeNull();
  });
});

describe('every error, where it is', () => {
  const TARGETS =
    '"run" (a shell command), "command" (a program and its arguments), "url" (http or https) or "mail" (an address)';
  test.each<[string, string, [string, number, number, string | null, string]]>([
    [
      'not a map',
      'notify: ops@example.com',
      [
        'invalid-value',
        4,
        13,
        'a',
        `expected a map like {run: ./alert.sh, on: [failure, recovery]} with one of ${TARGETS}, or false to turn ` +
          'the default of the settings off, got "ops@example.com"',
      ],
    ],
    ['true', 'notify: true', ['invalid-value', 4, 13, 'a', expect.stringContaining('got true')]],
    ['no notifier', 'notify: {on: [failure]}', ['missing-key', 4, 5, 'a', `notify needs one of ${TARGETS}`]],
    [
      'two notifiers',
      'notify: {run: x, url: "https://x.example"}',
      ['conflict', 4, 22, 'a', 'give exactly one of "run", "command", "url" or "mail"; found "run" and "url"'],
    ],
    [
      'an unknown key, with did-you-mean',
      'notify: {run: x, repaet: 1h}',
      ['unknown-key', 4, 22, 'a', 'unknown key "repaet" in "notify" (did you mean "repeat")'],
    ],
    [
      'run: blank',
      'notify: {run: " "}',
      ['invalid-value', 4, 19, 'a', 'expected a shell command (a non-empty string), got an empty string'],
    ],
    [
      'command: a string',
      'notify: {command: "notify-send x"}',
      [
        'invalid-value',
        4,
        23,
        'a',
        'expected a list like [program, arg, ...], got "notify-send x"; for a shell command line use "run"',
      ],
    ],
    [
      'command: a map item',
      'notify: {command: [x, {a: 1}]}',
      ['invalid-value', 4, 27, 'a', 'expected a program or argument (a string), got a map'],
    ],
    [
      'url: another scheme',
      'notify: {url: "ftp://example.com/x"}',
      [
        'invalid-value',
        4,
        19,
        'a',
        'expected an http or https URL like "https://ntfy.sh/backups", got "ftp://example.com/x"',
      ],
    ],
    [
      'url: not a URL (its password not repeated)',
      'notify: {url: "https://u:pw@exa mple.com"}',
      [
        'invalid-value',
        4,
        19,
        'a',
        'expected an http or https URL like "https://ntfy.sh/backups", got "https://***@exa mple.com"',
      ],
    ],
    [
      'url: no host',
      'notify: {url: "https://"}',
      ['invalid-value', 4, 19, 'a', 'expected an http or https URL like "https://ntfy.sh/backups", got "https://"'],
    ],
    [
      'mail: no domain',
      'notify: {mail: ops}',
      [
        'invalid-value',
        4,
        20,
        'a',
        'expected a mail address like "ops@example.com", or several separated by commas, got "ops"',
      ],
    ],
    [
      'mail: a header smuggled in',
      'notify: {mail: "ops@example.com\\nBcc: all@example.com"}',
      [
        'invalid-value',
        4,
        20,
        'a',
        'expected a mail address like "ops@example.com", or several separated by commas (no line breaks or ' +
          'control characters), got "ops@example.com\\nBcc: all@example.com"',
      ],
    ],
    [
      'mail: a display name',
      'notify: {mail: "Ops <ops@example.com>"}',
      [
        'invalid-value',
        4,
        20,
        'a',
        'expected a mail address like "ops@example.com", or several separated by commas, got "Ops <ops@example.com>"',
      ],
    ],
    [
      'mail: an empty address between commas',
      'notify: {mail: "a@example.com,,b@example.com"}',
      [
        'invalid-value',
        4,
        20,
        'a',
        'expected a mail address like "ops@example.com", or several separated by commas, ' +
          'got "a@example.com,,b@example.com"',
      ],
    ],
    [
      'on: empty',
      'notify: {run: x, on: []}',
      [
        'invalid-value',
        4,
        26,
        'a',
        'expected one or more of failure, recovery, overdue, auto-hold, got an empty list; ' +
          'to send nothing, write notify: false',
      ],
    ],
    [
      'on: a near miss in a list, at the item',
      'notify: {run: x, on: [recovery, failures]}',
      [
        'invalid-value',
        4,
        37,
        'a',
        'expected one of "failure", "recovery", "overdue" or "auto-hold", got "failures" (did you mean "failure")',
      ],
    ],
    [
      'after: 0',
      'notify: {run: x, after: 0}',
      ['invalid-value', 4, 29, 'a', 'expected a whole number of at least 1, got 0'],
    ],
    [
      'repeat: 0s',
      'notify: {run: x, repeat: 0s}',
      ['invalid-value', 4, 30, 'a', 'expected a duration of more than 0, got "0s"'],
    ],
    [
      'repeat: not a duration',
      'notify: {run: x, repeat: hourly}',
      ['invalid-value', 4, 30, 'a', expect.stringContaining('got "hourly"')],
    ],
  ])('%s', (_name, value, expected) => {
    expect(summarize(issuesOf(['tasks:', '  a:', '    run: x', `    ${value}`]))).toEqual([expected]);
  });

  test('in the settings: the same checks, under settings.notify; false is no settings value', () => {
    expect(summarize(issuesOf(['settings:', '  notify: {run: x, after: -1}', 'tasks:', '  a: {run: x}']))).toEqual([
      ['invalid-value', 2, 27, null, 'expected a whole number of at least 1, got -1'],
    ]);
    const [issue] = issuesOf(['settings:', '  notify: false', 'tasks:', '  a: {run: x}']);
    expect(issue?.path).toEqual(['settings', 'notify']);
    expect(issue?.message).not.toContain('or false');
  });

  test('all problems of one notify at once', () => {
    const issues = issuesOf(['tasks:', '  a:', '    run: x', '    notify: {url: "gopher://x", on: [never], after: x}']);
    expect(issues.map((issue) => issue.path.join('.'))).toEqual([
      'tasks.a.notify.url',
      'tasks.a.notify.on.0',
      'tasks.a.notify.after',
    ]);
  });
});

describe('a mail notifier without sendmail on this host: a warning, the file stays valid', () => {
  const lines = [
    'settings:',
    '  notify: {mail: ops@example.com}',
    'tasks:',
    '  a:',
    '    run: x',
    '    notify: {mail: dev@example.org}',
  ];
  const hostHasFallback = SENDMAIL_FALLBACKS.some((path) => existsSync(path));

  test.skipIf(hostHasFallback)('none in PATH nor at the usual places: warned at each mail key', () => {
    const file = fileOf(lines, { ...TEST_ENV, PATH: join(dir, 'without') });
    expect(
      file.warnings.map((issue) => [issue.code, issue.severity, issue.line, issue.column, issue.path.join('.')]),
    ).toEqual([
      ['host', 'warning', 2, 18, 'settings.notify.mail'],
      ['host', 'warning', 6, 20, 'tasks.a.notify.mail'],
    ]);
    expect(file.warnings[0]?.message).toBe(
      'no sendmail on this host (not in PATH, nor /usr/sbin/sendmail or /usr/lib/sendmail): mail alerts could not ' +
        'be sent; install a mail transfer agent (e.g. msmtp-mta, postfix) or use run, command or url',
    );
  });

  test('a sendmail in PATH: no warning', () => {
    expect(fileOf(lines, { ...TEST_ENV, PATH: join(dir, 'with') }).warnings).toEqual([]);
  });

  test('checkSendmail: PATH first, then the fixed places', () => {
    const fake = join(dir, 'with', 'sendmail');
    expect(checkSendmail(join(dir, 'without'), [])).toMatch(/^no sendmail on this host/);
    expect(checkSendmail(join(dir, 'without'), [join(dir, 'nowhere'), fake])).toBeUndefined();
    expect(checkSendmail(`${join(dir, 'without')}:${join(dir, 'with')}`, [])).toBeUndefined();
  });

  test('a mail notifier in conflict with another: the error only', () => {
    const issues = issuesOf(['tasks:', '  a: {run: x, notify: {url: "https://x.example", mail: ops@example.com}}'], {
      ...TEST_ENV,
      PATH: join(dir, 'without'),
    });
    expect(issues.map((issue) => [issue.severity, issue.code])).toEqual([['error', 'conflict']]);
  });

  test('other notifiers are not checked', () => {
    const file = fileOf(['tasks:', '  a: {run: x, notify: {url: "https://x.example"}}'], {
      ...TEST_ENV,
      PATH: join(dir, 'without'),
    });
    expect(file.warnings).toEqual([]);
  });
});

describe('shown without secrets', () => {
  test.each([
    ['https://user:pa55@hooks.example.com/x?y=1', 'https://***@hooks.example.com/x?y=1'],
    ['https://token@hooks.example.com/x', 'https://***@hooks.example.com/x'],
    ['https://hooks.example.com/x', 'https://hooks.example.com/x'],
    ['not a url', 'not a url'],
    ['https://u:pw@exa mple.com (no URL, still hidden)', 'https://***@exa mple.com (no URL, still hidden)'],
  ])('%s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  test('describeNotifyTarget: kind and target of each notifier', () => {
    expect(describeNotifyTarget({ kind: 'url', url: 'http://a:b@h.example/p' })).toEqual({
      kind: 'url',
      target: 'http://***@h.example/p',
    });
    expect(describeNotifyTarget({ kind: 'command', argv: ['notify-send', 'x'] })).toEqual({
      kind: 'command',
      target: 'notify-send x',
    });
    expect(describeNotifyTarget({ kind: 'mail', to: 'a@b.example' })).toEqual({ kind: 'mail', target: 'a@b.example' });
    expect(describeNotifyTarget({ kind: 'run', run: './a.sh' })).toEqual({ kind: 'run', target: './a.sh' });
  });
});

describe('a notify change is no definition change (config/definition.ts)', () => {
  const [before, after] = [
    fileOf(['tasks:', '  a: {every: 1h, run: x}']).tasks[0],
    fileOf(['tasks:', '  a: {every: 1h, run: x, notify: {run: ./page.sh}}']).tasks[0],
  ];

  test('same definition and fingerprint, different notify', () => {
    if (before === undefined || after === undefined) throw new Error('no task');
    expect(isSameDefinition(before, after)).toBe(true);
    expect(definitionFingerprint(after)).toBe(definitionFingerprint(before));
    expect(isSameNotify(before, after)).toBe(false);
    expect(isSameNotify(after, after)).toBe(true);
  });
});
