// config/validate.ts (through loadTasksFile / parseTasksText): every issue at its exact line and
// column (the value for bad values, the key for unknown and missing keys), all issues at once.
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadTasksFile } from '../../src/config/load.js';
import { catchIssues, fileOf, issuesOf, summarize, TASK_FIXTURES, TEST_ENV } from '../support/config-issues.js';

const VALID_KEYS =
  'every, start, daily, at, cron, rrule, run, command, module, export, args, description, timezone, cwd, env, ' +
  'env-file, shell, timeout, kill-after, overlap, retry, jitter, catch-up, deadline, expect-success-within, ' +
  'hold, hold-after-failures, notify, group, max-runs, until, ' +
  'except, after, after-all, on-success, on-failure, history, scope';

function fixtureIssues(name: string) {
  const path = join(TASK_FIXTURES, name);
  return catchIssues(() => loadTasksFile(path, { env: TEST_ENV }));
}

describe('one fixture per error kind', () => {
  test('yaml-syntax: every syntax error, and nothing else is checked', () => {
    expect(summarize(fixtureIssues('yaml-syntax.yaml'))).toEqual([
      ['yaml-syntax', 4, 3, null, 'Flow sequence in block collection must be sufficiently indented and end with a ]'],
      ['yaml-syntax', 6, 1, null, 'Missing closing "quote'],
    ]);
  });

  test('duplicate-key: a repeated key inside a task and a repeated task name, at the repeat', () => {
    const issues = fixtureIssues('duplicate-key.yaml');
    expect(summarize(issues)).toEqual([
      ['duplicate-key', 5, 5, 'a', 'duplicate key "run"'],
      ['duplicate-key', 8, 3, 'a', 'duplicate task name "a"'],
    ]);
    expect(issues.map((issue) => issue.path)).toEqual([
      ['tasks', 'a', 'run'],
      ['tasks', 'a'],
    ]);
  });

  test('unknown-key: at the key, with did-you-mean or the list of valid keys', () => {
    const issues = fixtureIssues('unknown-key.yaml');
    expect(summarize(issues)).toEqual([
      ['unknown-key', 2, 3, null, 'unknown key "shel" (did you mean "shell")'],
      ['unknown-key', 6, 5, 'backup', 'unknown key "timout" (did you mean "timeout")'],
      ['unknown-key', 7, 27, 'backup', 'unknown key "dealy" in "retry" (did you mean "delay")'],
      ['unknown-key', 10, 5, 'other', `unknown key "shedule"; valid keys: ${VALID_KEYS}`],
    ]);
    expect(issues.map((issue) => issue.path)).toEqual([
      ['settings', 'shel'],
      ['tasks', 'backup', 'timout'],
      ['tasks', 'backup', 'retry', 'dealy'],
      ['tasks', 'other', 'shedule'],
    ]);
  });

  test('missing-key: a task with nothing to run points at its name; retry without attempts at retry', () => {
    expect(summarize(fixtureIssues('missing-key.yaml'))).toEqual([
      [
        'missing-key',
        4,
        3,
        'nothing-to-do',
        'nothing to run: add "run" (a shell command), "command" (a program and its arguments) ' +
          'or "module" (a JavaScript file)',
      ],
      ['missing-key', 8, 5, 'flaky', 'retry needs "attempts": how many times to try again'],
    ]);
  });

  test('invalid-value: at the value (a list item at the item)', () => {
    const issues = fixtureIssues('invalid-value.yaml');
    expect(summarize(issues)).toEqual([
      ['invalid-value', 3, 12, 'a', 'expected a duration like "90s", "5m" or "1h30m", got "5 minutes"'],
      ['invalid-value', 6, 22, 'b', 'expected a time of day "HH:MM" or "HH:MM:SS" (00:00-23:59:59), got "25:00"'],
      // A cron error points at its field inside the quotes (issue 13.3).
      ['invalid-value', 9, 12, 'c', 'cron field "minute" out of range (0-59): 75'],
      [
        'invalid-value',
        10,
        14,
        'c',
        'expected one of "skip", "queue", "replace" or "allow", got "queu" (did you mean "queue")',
      ],
    ]);
    expect(issues[1]?.path).toEqual(['tasks', 'b', 'daily', 1]);
  });

  test('conflict: at the second of the clashing keys', () => {
    expect(summarize(fixtureIssues('conflict.yaml'))).toEqual([
      [
        'conflict',
        4,
        5,
        'two-schedules',
        'give at most one schedule (every, daily, at, cron or rrule); found "every", "cron"',
      ],
      ['conflict', 8, 5, 'two-actions', 'give exactly one of "run", "command" or "module"; found "run" and "command"'],
      ['conflict', 11, 5, 'stray-start', '"start" only applies to "every" and "rrule"'],
      ['conflict', 15, 5, 'stray-export', '"export" only applies to "module"'],
    ]);
  });

  test('unknown-task: at the reference, with the closest task name', () => {
    expect(summarize(fixtureIssues('unknown-task.yaml'))).toEqual([
      ['unknown-task', 4, 18, 'backup', 'unknown task "notfy-ops" in "on-failure" (did you mean "notify-ops")'],
      ['unknown-task', 6, 12, 'notify-ops', 'unknown task "bakup" in "after" (did you mean "backup")'],
    ]);
  });

  test('cycle: the loop named in order, at the reference that starts it; a task naming itself', () => {
    const issues = fixtureIssues('cycle.yaml');
    expect(summarize(issues)).toEqual([
      ['cycle', 4, 18, 'a', 'dependency cycle: a -> b -> c -> a'],
      ['cycle', 13, 16, 'd', '"after" names the task itself, so it would trigger itself forever'],
    ]);
    expect(issues.map((issue) => issue.path)).toEqual([
      ['tasks', 'a', 'on-success', 0],
      ['tasks', 'd', 'after', 1],
    ]);
  });

  test('five distinct problems give five issues, in file order', () => {
    expect(
      fixtureIssues('five-problems.yaml').map((issue) => [issue.code, issue.line, issue.column, issue.path.join('.')]),
    ).toEqual([
      ['invalid-value', 2, 19, 'settings.max-concurrent'],
      ['invalid-value', 5, 12, 'tasks.a.every'],
      ['unknown-key', 8, 5, 'tasks.b.shedule'],
      ['invalid-value', 11, 11, 'tasks.c.hold'],
      ['unknown-task', 14, 13, 'tasks.d.after.0'],
    ]);
  });

  test('every issue names the file as given', () => {
    const path = join(TASK_FIXTURES, 'conflict.yaml');
    expect(new Set(fixtureIssues('conflict.yaml').map((issue) => issue.file))).toEqual(new Set([path]));
  });
});

describe('the top level', () => {
  test.each([
    ['an empty file', [''], ['missing-key', 1, 1, null, 'no tasks: add at least one under tasks:']],
    ['only a comment', ['# nothing yet'], ['missing-key', 1, 1, null, 'no tasks: add at least one under tasks:']],
    [
      'no tasks key',
      ['settings:', '  shell: /bin/sh'],
      ['missing-key', 1, 1, null, 'no tasks: add at least one under tasks:'],
    ],
    ['tasks: with nothing', ['tasks:'], ['missing-key', 1, 1, null, 'no tasks: add at least one under tasks:']],
    ['tasks: {}', ['tasks: {}'], ['missing-key', 1, 8, null, 'no tasks: add at least one under tasks:']],
    [
      'tasks as a list',
      ['tasks:', '  - run: x'],
      ['invalid-value', 2, 3, null, 'expected a map of tasks (NAME: {run: ...}), got a list'],
    ],
    [
      'a list at the root',
      ['- a', '- b'],
      ['invalid-value', 1, 1, null, 'expected a map with "tasks" (and optionally "settings"), got a list'],
    ],
    [
      'settings as a string',
      ['settings: fast', 'tasks: {a: {run: x}}'],
      [
        'invalid-value',
        1,
        11,
        null,
        'expected a map of settings (timezone, state-dir, socket, max-concurrent, groups, shell, history, ' +
          'hold-after-failures, notify, shutdown-grace, reboot, calendars, http, cluster), got "fast"',
      ],
    ],
  ])('%s', (_name, lines, expected) => {
    expect(summarize(issuesOf(lines))).toEqual([expected]);
  });

  test('an unknown top-level key, with a suggestion', () => {
    expect(summarize(issuesOf(['taks:', '  a: {run: x}', 'tasks:', '  b: {run: x}']))).toEqual([
      ['unknown-key', 1, 1, null, 'unknown key "taks" (did you mean "tasks")'],
    ]);
  });

  test('aliases resolve like the values they name', () => {
    const lines = [
      'tasks:',
      '  a: {run: x, env: &common {A: "1"}, retry: &r 3}',
      '  b: {run: y, env: *common, retry: *r}',
    ];
    const file = fileOf(lines);
    expect(file.tasks.map((task) => [task.env, task.retry.attempts])).toEqual([
      [{ A: '1' }, 3],
      [{ A: '1' }, 3],
    ]);
  });
  test('YAML 1.2 core schema even under a %YAML 1.1 directive: 03:30 stays a time, yes stays a string', () => {
    const text = ['%YAML 1.1', '---', 'tasks:', '  a: {daily: 03:30, run: x}', '  b: {run: x, hold: yes}'];
    expect(summarize(issuesOf(text))).toEqual([['invalid-value', 5, 21, 'b', 'expected true or false, got "yes"']]);
    expect(fileOf(text.slice(0, 4)).tasks[0]?.schedule).toEqual({
      kind: 'daily',
      times: [{ hour: 3, minute: 30, second: 0 }],
    });
  });

  test('an alias bomb is refused, not expanded', () => {
    const lines = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'tasks: {t: {run: x}}',
    ];
    expect(summarize(issuesOf(lines))).toEqual([
      ['yaml-syntax', 1, 1, null, 'Excessive alias count indicates a resource exhaustion attack'],
    ]);
  });

  test('keys that are special to JavaScript objects stay plain keys', () => {
    const file = fileOf(['tasks:', '  constructor: {run: x, env: {__proto__: "1", toString: "2"}}']);
    expect(Object.entries(file.tasks[0]?.env ?? {})).toEqual([
      ['__proto__', '1'],
      ['toString', '2'],
    ]);
  });
});

describe('task names and shapes', () => {
  test.each([
    ['-leading-dash', 2, 3],
    ['has space', 2, 3],
    ['x'.repeat(101), 2, 3],
  ])('invalid name %j', (name, line, column) => {
    const issues = issuesOf(['tasks:', `  "${name}": {run: x}`]);
    expect(summarize(issues).map((row) => row.slice(0, 3))).toEqual([['invalid-value', line, column]]);
    expect(issues[0]?.message).toMatch(
      /^invalid task name: use 1-100 letters, digits, "\.", "_" or "-", starting with a letter or digit; got /,
    );
  });

  test('a 100-character name and dotted, numeric names are fine', () => {
    const file = fileOf(['tasks:', `  ${'x'.repeat(100)}: {run: x}`, '  db.backup_v2: {run: x}', '  2024: {run: x}']);
    expect(file.tasks.map((task) => task.name.length)).toEqual([100, 12, 4]);
  });

  test('a name YAML would change (1.0 is the number 1) must be quoted', () => {
    expect(summarize(issuesOf(['tasks:', '  1.0: {run: x}']))).toEqual([
      ['invalid-value', 2, 3, null, 'write the task name in quotes: 1.0 reads as 1'],
    ]);
  });

  test('1 and "1" are the same task name', () => {
    expect(summarize(issuesOf(['tasks:', '  1: {run: x}', '  "1": {run: y}']))).toEqual([
      ['duplicate-key', 3, 3, '1', 'duplicate task name "1"'],
    ]);
  });

  test('a task that is a string, or empty', () => {
    expect(summarize(issuesOf(['tasks:', '  a: echo hi', '  b:', '  c: {run: x}']))).toEqual([
      ['invalid-value', 2, 6, 'a', 'expected a map of task keys like {every: 5m, run: ...}, got "echo hi"'],
      ['missing-key', 3, 3, 'b', 'empty task: add "run", "command" or "module"'],
    ]);
  });

  test('other tasks can still refer to an invalid task without an unknown-task issue', () => {
    expect(summarize(issuesOf(['tasks:', '  a: {every: soon, run: x}', '  b: {after: a, run: y}']))).toEqual([
      ['invalid-value', 2, 14, 'a', 'expected a duration like "90s", "5m" or "1h30m", got "soon"'],
    ]);
  });

  test('a missing value points at its key', () => {
    expect(summarize(issuesOf(['tasks:', '  a:', '    every:', '    run: x']))).toEqual([
      ['invalid-value', 3, 5, 'a', 'expected a duration like "90s", "5m" or "1h30m", got nothing'],
    ]);
  });
});
