// config/issues.ts: `FILE:LINE:COL: task "NAME": MESSAGE` and the excerpt with a caret.
import { describe, expect, test } from 'vitest';
import { formatIssue, formatIssues, type ConfigIssue } from '../../src/config/issues.js';
import { issuesOf } from '../support/config-issues.js';

function issue(fields: Partial<ConfigIssue>): ConfigIssue {
  return {
    code: 'invalid-value',
    severity: 'error',
    file: 'tasks.yaml',
    line: 3,
    column: 12,
    path: ['tasks', 'a', 'every'],
    task: 'a',
    message: 'bad',
    ...fields,
  };
}

describe('formatIssue', () => {
  test.each<[string, Partial<ConfigIssue>, string]>([
    ['a task issue', {}, 'tasks.yaml:3:12: task "a": bad'],
    ['a top-level issue', { task: null, path: ['taks'], code: 'unknown-key' }, 'tasks.yaml:3:12: bad'],
    [
      'a settings issue',
      { task: null, path: ['settings', 'history', 'keep'] },
      'tasks.yaml:3:12: settings.history.keep: bad',
    ],
    [
      'an unknown settings key: the path ends at its parent',
      { task: null, path: ['settings', 'shel'], code: 'unknown-key' },
      'tasks.yaml:3:12: settings: bad',
    ],
    ['no position', { line: 0, column: 0, path: ['tasks', 'a'] }, 'tasks.yaml: task "a": bad'],
    [
      'library: no file, no position, the key instead',
      { file: '', line: 0, column: 0, path: ['tasks', 'a', 'command', 1] },
      'task "a": command[1]: bad',
    ],
    [
      'library: an unknown key',
      { file: '', line: 0, column: 0, code: 'unknown-key', path: ['tasks', 'a', 'evry'] },
      'task "a": bad',
    ],
    ['library: a schedule key', { file: '', line: 0, column: 0, task: null, path: ['every'] }, 'every: bad'],
  ])('%s', (_name, fields, expected) => {
    expect(formatIssue(issue(fields))).toBe(expected);
  });
});

describe('formatIssues', () => {
  test('one line each, no trailing newline', () => {
    expect(formatIssues([issue({}), issue({ line: 5, column: 1, message: 'worse' })])).toBe(
      'tasks.yaml:3:12: task "a": bad\ntasks.yaml:5:1: task "a": worse',
    );
  });

  test('with the source: the line indented and a caret under the column', () => {
    const lines = [
      'tasks:',
      '  a:',
      '    every: 5 minutes',
      '    run: "true"',
      '  b:',
      '    run: "true"',
      '    shedule: x',
    ];
    const issues = issuesOf(lines);
    expect(formatIssues(issues, lines.join('\n') + '\n')).toBe(
      [
        'tasks.yaml:3:12: task "a": expected a duration like "90s", "5m" or "1h30m", got "5 minutes"',
        '        every: 5 minutes',
        '               ^',
        'tasks.yaml:7:5: task "b": unknown key "shedule"; valid keys: every, start, daily, at, cron, rrule, run, ' +
          'command, module, export, args, description, timezone, cwd, env, env-file, shell, timeout, ' +
          'kill-after, overlap, retry, jitter, catch-up, deadline, expect-success-within, ' +
          'hold, hold-after-failures, notify, group, max-runs, until, except, after, after-all, on-success, ' +
          'on-failure, history, scope',
        '        shedule: x',
        '        ^',
      ].join('\n'),
    );
  });

  test('issues without a position get no excerpt; CRLF sources work', () => {
    const text = 'tasks:\r\n  a: {run: x}\r\n';
    expect(formatIssues([issue({ line: 0, column: 0 }), issue({ line: 2, column: 3 })], text)).toBe(
      ['tasks.yaml: task "a": every: bad', 'tasks.yaml:2:3: task "a": bad', '      a: {run: x}', '      ^'].join('\n'),
    );
  });

  test('tabs before the column stay tabs, so the caret lines up', () => {
    expect(formatIssues([issue({ line: 1, column: 4 })], 'a:\t\tb')).toBe(
      ['tasks.yaml:1:4: task "a": bad', '    a:\t\tb', '      \t^'].join('\n'),
    );
  });

  test('a long line is cut around the column', () => {
    const source = `${'x'.repeat(200)}BAD${'y'.repeat(200)}`;
    const [, excerpt, caret] = formatIssues([issue({ line: 1, column: 201 })], source).split('\n');
    expect(excerpt).toBe(`    …${'x'.repeat(50)}BAD${'y'.repeat(47)}…`);
    expect(caret).toBe(`    ${' '.repeat(51)}^`);
  });
});
