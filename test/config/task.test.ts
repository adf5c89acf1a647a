// config/task.ts: one task's keys, as the library API (validateTaskDefinition, no positions)
// and the tasks file share them: defaults, each key's check and message, cross-key rules.
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/config/load.js';
import { formatIssue } from '../../src/config/issues.js';
import { resolveSettings, validateTaskDefinition } from '../../src/config/normalize.js';
import type { TaskFunction } from '../../src/task-context.js';
import { TEST_ENV } from '../support/config-issues.js';
import { MODULE_FIXTURES } from '../support/module-run.js';

const settings = resolveSettings(
  { timezone: 'Europe/Paris', shell: '/bin/zsh', history: { keep: 7 } },
  { baseDir: '/srv', env: TEST_ENV },
);
const context = { settings, baseDir: '/srv/app' };
/** `module:` paths must exist (checked statically, test/config/module-file.test.ts): a real file. */
const MODULE = `${MODULE_FIXTURES}echo-context.js`;

function issuesFor(definition: Record<string, unknown>) {
  const { task, issues } = validateTaskDefinition('t', definition, context);
  expect(task).toBeUndefined();
  return issues.map((issue) => [issue.code, issue.path.slice(2).join('.'), issue.message]);
}

function taskFor(definition: Record<string, unknown>, baseDir = context.baseDir) {
  const { task, issues } = validateTaskDefinition('t', definition, { ...context, baseDir });
  expect(issues).toEqual([]);
  if (task === undefined) throw new Error('no task');
  return task;
}

const DURATION = 'expected a duration like "90s", "5m" or "1h30m", got';
const DATE_TIME =
  'expected a date and time like "2026-12-01T09:00" or "2026-12-01 09:00:30" (optionally with "Z" or "+02:00")';

describe('each key rejects what it cannot use, saying what was expected and found', () => {
  test.each<[string, Record<string, unknown>, string, string, string]>([
    ['every: not a duration', { every: '5 minutes', run: 'x' }, 'invalid-value', 'every', `${DURATION} "5 minutes"`],
    [
      'every: too short',
      { every: '50ms', run: 'x' },
      'invalid-value',
      'every',
      'period must be at least 100ms, got "50ms"',
    ],
    [
      'start: not a date',
      { every: '5m', start: 'soon', run: 'x' },
      'invalid-value',
      'start',
      `${DATE_TIME}, got "soon"`,
    ],
    [
      'daily: empty list',
      { daily: [], run: 'x' },
      'invalid-value',
      'daily',
      'expected a time of day "HH:MM" or "HH:MM:SS" (00:00-23:59:59) or a non-empty list of them, got an empty list',
    ],
    [
      'daily: an unquoted sexagesimal',
      { daily: 210, run: 'x' },
      'invalid-value',
      'daily',
      'expected a time of day "HH:MM" or "HH:MM:SS" (00:00-23:59:59), got the number 210; quote the time, e.g. "03:30"',
    ],
    [
      'at: no such date, at the item',
      { at: ['2026-01-01T00:00', '2026-02-30T09:00'], run: 'x' },
      'invalid-value',
      'at.1',
      'no such date: "2026-02-30T09:00"',
    ],
    [
      'cron: never fires',
      { cron: '0 0 30 2 *', run: 'x' },
      'invalid-value',
      'cron',
      'never fires: "0 0 30 2 *" matches no day of any year',
    ],
    [
      'cron: a number',
      { cron: 5, run: 'x' },
      'invalid-value',
      'cron',
      'expected a cron expression like "*/15 * * * *" or a macro like "@daily", got 5',
    ],
    [
      'run: empty',
      { run: '  ' },
      'invalid-value',
      'run',
      'expected a shell command (a non-empty string), got an empty string',
    ],
    [
      'run: a YAML boolean',
      { run: true },
      'invalid-value',
      'run',
      'expected a shell command (a string), got true; quote it: run: "true"',
    ],
    [
      'command: a string',
      { command: 'node x.js' },
      'invalid-value',
      'command',
      'expected a list like [program, arg, ...], got "node x.js"; for a shell command line use "run"',
    ],
    [
      'command: an empty list',
      { command: [] },
      'invalid-value',
      'command',
      'expected a list like [program, arg, ...], got an empty list',
    ],
    [
      'command: a null item',
      { command: ['node', null] },
      'invalid-value',
      'command.1',
      'expected a program or argument (a string), got nothing',
    ],
    [
      'command: an empty program',
      { command: ['', 'x'] },
      'invalid-value',
      'command.0',
      'expected a program (a non-empty string), got an empty string',
    ],
    [
      'module: not a string',
      { module: 5 },
      'invalid-value',
      'module',
      'expected a JavaScript file (a non-empty string), got 5',
    ],
    [
      'export: empty',
      { module: MODULE, export: '' },
      'invalid-value',
      'export',
      'expected the name of an export (a non-empty string), got an empty string',
    ],
    [
      'args: not plain data',
      { module: MODULE, args: { f: () => 1 } },
      'invalid-value',
      'args',
      'expected plain data (strings, numbers, booleans, lists, maps) for args',
    ],
    [
      'cwd: "~" is not expanded',
      { run: 'x', cwd: '~/work' },
      'invalid-value',
      'cwd',
      '"~" is not expanded in paths: write an absolute path or one relative to the tasks file, got "~/work"',
    ],
    [
      'env: not a map',
      { run: 'x', env: 'A=1' },
      'invalid-value',
      'env',
      'expected a map of environment variables (NAME: value), got "A=1"',
    ],
    [
      'env: a bad name',
      { run: 'x', env: { 'BAD-NAME': 'x' } },
      'invalid-value',
      'env.BAD-NAME',
      'invalid environment variable name "BAD-NAME": use letters, digits and "_", not starting with a digit',
    ],
    [
      'env: a null value',
      { run: 'x', env: { A: null } },
      'invalid-value',
      'env.A',
      'expected a string, number or boolean for A, or {secret: VALUE} for one never shown; got nothing',
    ],
    [
      'timeout: zero',
      { run: 'x', timeout: '0s' },
      'invalid-value',
      'timeout',
      'expected a duration of more than 0, got "0s"',
    ],
    ['timeout: a bare number', { run: 'x', timeout: 30 }, 'invalid-value', 'timeout', `${DURATION} 30`],
    ['kill-after', { run: 'x', 'kill-after': '1x' }, 'invalid-value', 'kill-after', `${DURATION} "1x"`],
    ['jitter', { run: 'x', jitter: 'lots' }, 'invalid-value', 'jitter', `${DURATION} "lots"`],
    [
      'deadline: zero',
      { run: 'x', deadline: '0m' },
      'invalid-value',
      'deadline',
      'expected a duration of more than 0, got "0m"',
    ],
    [
      'overlap: far off',
      { run: 'x', overlap: 'parallel' },
      'invalid-value',
      'overlap',
      'expected one of "skip", "queue", "replace" or "allow", got "parallel"',
    ],
    [
      'catch-up: near miss',
      { run: 'x', 'catch-up': 'al' },
      'invalid-value',
      'catch-up',
      'expected one of "skip", "once" or "all", got "al" (did you mean "all")',
    ],
    [
      'retry: negative',
      { run: 'x', retry: -1 },
      'invalid-value',
      'retry',
      'expected a whole number of at least 0, got -1',
    ],
    [
      'retry: a string',
      { run: 'x', retry: '3' },
      'invalid-value',
      'retry',
      'expected a number of retries like 3, or a map {attempts, delay, backoff, max-delay, interrupted}, got "3"',
    ],
    [
      'retry.backoff below 1',
      { run: 'x', retry: { attempts: 2, backoff: 0.5 } },
      'invalid-value',
      'retry.backoff',
      'expected a number of at least 1, got 0.5',
    ],
    [
      'retry.max-delay',
      { run: 'x', retry: { attempts: 2, 'max-delay': 'never' } },
      'invalid-value',
      'retry.max-delay',
      `${DURATION} "never"`,
    ],
    [
      'retry.interrupted: yes is a string in YAML 1.2',
      { run: 'x', retry: { attempts: 1, interrupted: 'yes' } },
      'invalid-value',
      'retry.interrupted',
      'expected true or false, got "yes"',
    ],
    [
      'retry without attempts',
      { run: 'x', retry: { delay: '1m' } },
      'missing-key',
      'retry',
      'retry needs "attempts": how many times to try again',
    ],
    [
      'hold: yes is a string in YAML 1.2',
      { run: 'x', hold: 'yes' },
      'invalid-value',
      'hold',
      'expected true or false, got "yes"',
    ],
    [
      'max-runs: zero',
      { run: 'x', 'max-runs': 0 },
      'invalid-value',
      'max-runs',
      'expected a whole number of at least 1, got 0',
    ],
    [
      'max-runs: a fraction',
      { run: 'x', 'max-runs': 1.5 },
      'invalid-value',
      'max-runs',
      'expected a whole number of at least 1, got 1.5',
    ],
    ['until', { run: 'x', until: 'tomorrow' }, 'invalid-value', 'until', `${DATE_TIME}, got "tomorrow"`],
    [
      'timezone: unknown',
      { run: 'x', timezone: 'Mars/Base' },
      'invalid-value',
      'timezone',
      'unknown time zone "Mars/Base"; use an IANA name like "Europe/Berlin" or "UTC"',
    ],
    [
      'timezone: a typo',
      { run: 'x', timezone: 'America/New_Yrok' },
      'invalid-value',
      'timezone',
      'unknown time zone "America/New_Yrok" (did you mean "America/New_York")',
    ],
    [
      'description: a number',
      { run: 'x', description: 5 },
      'invalid-value',
      'description',
      'expected a description (a string), got 5',
    ],
    [
      'shell: empty',
      { run: 'x', shell: '' },
      'invalid-value',
      'shell',
      'expected a shell program (a non-empty string), got an empty string',
    ],
    [
      'after: an empty name',
      { run: 'x', after: ['a', ''] },
      'invalid-value',
      'after.1',
      'expected a task name or a list of task names, got an empty string',
    ],
    [
      'on-failure: a map',
      { run: 'x', 'on-failure': { a: 1 } },
      'invalid-value',
      'on-failure',
      'expected a task name or a list of task names, got a map',
    ],
    [
      'history.output-limit below 1KiB',
      { run: 'x', history: { 'output-limit': '512B' } },
      'invalid-value',
      'history.output-limit',
      'expected a size of at least 1KiB, got "512B"',
    ],
    [
      'history.output-limit over 8MiB (issue 15 point 4)',
      { run: 'x', history: { 'output-limit': '1GB' } },
      'invalid-value',
      'history.output-limit',
      'expected a size of at most 8MiB, got "1GB"',
    ],
    [
      'history: unknown key',
      { run: 'x', history: { kep: 1 } },
      'unknown-key',
      'history.kep',
      'unknown key "kep" in "history" (did you mean "keep")',
    ],
    ['an unknown key', { run: 'x', evry: '5m' }, 'unknown-key', 'evry', 'unknown key "evry" (did you mean "every")'],
    [
      'shell with command',
      { command: ['x'], shell: '/bin/bash' },
      'conflict',
      'shell',
      '"shell" only applies to "run"',
    ],
    ['args without module', { run: 'x', args: [1] }, 'conflict', 'args', '"args" only applies to "module"'],
    [
      'nothing to run',
      { every: '5m' },
      'missing-key',
      '',
      'nothing to run: add "run" (a shell command), "command" (a program and its arguments) ' +
        'or "module" (a JavaScript file)',
    ],
  ])('%s', (_name, definition, code, path, message) => {
    expect(issuesFor(definition)).toEqual([[code, path, message]]);
  });

  test('every problem of one definition at once', () => {
    expect(
      issuesFor({ every: 'x', daily: '25:00', run: 'x', command: ['y'], hold: 1 }).map((row) => `${row[0]} ${row[1]}`),
    ).toEqual([
      'conflict daily',
      'invalid-value every',
      'invalid-value daily',
      'conflict command',
      'invalid-value hold',
    ]);
  });
});

describe('library definitions', () => {
  test('run may be a function; it is kept as given and not frozen', () => {
    const fn: TaskFunction = () => 'done';
    const task = taskFor({ every: '1h', run: fn });
    expect(task.action).toEqual({ kind: 'function', fn });
    expect(task.action.kind === 'function' && task.action.fn).toBe(fn);
    expect(Object.isFrozen(fn)).toBe(false);
  });

  test('retry.interrupted is in the policy only when true (a task without it keeps its fingerprint)', () => {
    expect(taskFor({ run: 'x', retry: { attempts: 1, interrupted: true } }).retry).toMatchObject({
      attempts: 1,
      interrupted: true,
    });
    expect('interrupted' in taskFor({ run: 'x', retry: { attempts: 1, interrupted: false } }).retry).toBe(false);
    expect('interrupted' in taskFor({ run: 'x', retry: 2 }).retry).toBe(false);
  });

  test('a key whose value is undefined counts as absent', () => {
    expect(taskFor({ run: 'x', every: undefined, timeout: undefined }).schedule).toEqual({ kind: 'on-demand' });
  });

  test('relative cwd and module resolve against baseDir; absolute ones stay', () => {
    expect(taskFor({ run: 'x', cwd: 'work/../data' }).cwd).toBe('/srv/app/data');
    expect(taskFor({ run: 'x', cwd: '/var/tmp/' }).cwd).toBe('/var/tmp');
    expect(taskFor({ module: './cjs/../reject.mjs', args: 'hi' }, MODULE_FIXTURES).action).toEqual({
      kind: 'module',
      path: `${MODULE_FIXTURES}reject.mjs`,
      exportName: 'default',
      args: 'hi',
    });
    expect(taskFor({ module: MODULE }).action).toEqual({
      kind: 'module',
      path: MODULE,
      exportName: 'default',
      args: null,
    });
  });

  test('defaults come from the settings: zone, shell, history (merged key by key)', () => {
    const task = taskFor({ run: 'x', history: { 'output-limit': '2KiB' } });
    expect([task.timezone, task.action, task.history, task.cwd, task.source]).toEqual([
      'Europe/Paris',
      { kind: 'shell', script: 'x', shell: '/bin/zsh' },
      { keep: 7, outputLimitBytes: 2048 },
      '/srv/app',
      undefined,
    ]);
    expect('source' in task).toBe(false);
  });

  test('the caller’s objects are neither changed nor shared', () => {
    const args = { list: [1, 2] };
    const env = { A: 'x' };
    const definition = { module: MODULE, args, env, after: ['b', 'b'] };
    const task = taskFor(definition);
    expect(task.action.kind === 'module' && task.action.args).toEqual(args);
    expect(task.action.kind === 'module' && task.action.args !== args).toBe(true);
    expect([Object.isFrozen(args), Object.isFrozen(env), Object.isFrozen(definition.after)]).toEqual([
      false,
      false,
      false,
    ]);
    expect(task.after).toEqual(['b']);
  });

  test('issues carry no position; formatIssue and ConfigError name the key instead', () => {
    const { issues } = validateTaskDefinition('sweep', { every: '5 minutes', run: 'x' }, context);
    expect(issues).toEqual([
      {
        code: 'invalid-value',
        severity: 'error',
        file: '',
        line: 0,
        column: 0,
        path: ['tasks', 'sweep', 'every'],
        task: 'sweep',
        message: `${DURATION} "5 minutes"`,
      },
    ]);
    expect(formatIssue(issues[0] as (typeof issues)[number])).toBe(`task "sweep": every: ${DURATION} "5 minutes"`);
    expect(new ConfigError(issues).message).toBe(
      `invalid task definition: task "sweep": every: ${DURATION} "5 minutes"`,
    );
  });

  test('an invalid name', () => {
    const { issues } = validateTaskDefinition('no/slash', { run: 'x' }, context);
    expect(issues.map((issue) => [issue.code, issue.path, issue.message])).toEqual([
      [
        'invalid-value',
        ['tasks', 'no/slash'],
        'invalid task name: use 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit; ' +
          'got "no/slash"',
      ],
    ]);
  });
});
