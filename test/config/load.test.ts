// config/load.ts: reading the tasks file (unreadable inputs), the whole TaskSpec with every
// default (DESIGN.md "The tasks file"), and loading a 10,000-task file.
import { mkdtempSync, rmSync, truncateSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ConfigError, loadTasksFile, parseTasksText } from '../../src/config/load.js';
import type { TaskSpec } from '../../src/config/types.js';
import { TaskkitError } from '../../src/errors.js';
import { catchIssues, TASK_FIXTURES, TEST_ENV } from '../support/config-issues.js';

const dir = mkdtempSync(join(tmpdir(), 'taskkit-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VALID = join(TASK_FIXTURES, 'valid.yaml');
const FIXTURE_DIR = VALID.slice(0, -'/valid.yaml'.length);
const ms = (iso: string): number => Date.parse(iso);

function taskOf(name: string): TaskSpec {
  const task = loadTasksFile(VALID, { env: TEST_ENV }).tasks.find((candidate) => candidate.name === name);
  if (task === undefined) throw new Error(`no task ${name}`);
  return task;
}

describe('a valid file', () => {
  test('settings: every key resolved, paths against the file folder', () => {
    const file = loadTasksFile(VALID, { env: TEST_ENV });
    expect(file.path).toBe(VALID);
    expect(file.settings).toEqual({
      timezone: 'Europe/Berlin',
      stateDir: join(FIXTURE_DIR, 'state'),
      socket: join(FIXTURE_DIR, 'state', 'taskkit.sock'),
      maxConcurrent: 4,
      groups: {},
      holdAfterFailures: null,
      notify: null,
      shell: '/bin/bash',
      history: { keep: 50, outputLimitBytes: 262_144 },
      shutdownGraceMs: 60_000,
      reboot: 'once-per-boot',
    });
    expect(file.tasks.map((task) => task.name)).toEqual([
      'minimal',
      'page-generator',
      'report',
      'migrate-once',
      'rotate',
      'boot',
      'alert',
    ]);
  });

  test('a task with only `run` gets every default (settings where they apply)', () => {
    expect(taskOf('minimal')).toEqual({
      name: 'minimal',
      description: '',
      schedule: { kind: 'on-demand' },
      timezone: 'Europe/Berlin',
      action: { kind: 'shell', script: 'echo hi', shell: '/bin/bash' },
      cwd: FIXTURE_DIR,
      env: {},
      envFile: null,
      secretEnv: [],
      timeoutMs: null,
      killAfterMs: 10_000,
      overlap: 'skip',
      retry: { attempts: 0, delayMs: 10_000, backoff: 2, maxDelayMs: 600_000 },
      jitterMs: 0,
      catchUp: 'skip',
      deadlineMs: null,
      hold: false,
      maxRuns: null,
      until: null,
      after: [],
      onSuccess: [],
      onFailure: [],
      history: { keep: 50, outputLimitBytes: 262_144 },
      source: { file: VALID, line: 11, column: 3 },
    });
  });

  test('a task with every option set', () => {
    expect(taskOf('page-generator')).toEqual({
      name: 'page-generator',
      description: 'Regenerate the static page',
      // start is local to the task's zone (Europe/Berlin, UTC+1 in January)
      schedule: { kind: 'every', periodMs: 300_000, anchor: ms('2025-12-31T23:00:00Z'), startGiven: true },
      timezone: 'Europe/Berlin',
      action: { kind: 'shell', script: './scripts/gen.sh > out/static.html', shell: '/bin/sh' },
      cwd: join(FIXTURE_DIR, 'site'),
      env: { MODE: 'fast', LEVEL: '3', DRY: 'false' },
      envFile: null,
      secretEnv: [],
      timeoutMs: 90_000,
      killAfterMs: 5_000,
      overlap: 'queue',
      retry: { attempts: 3, delayMs: 60_000, backoff: 1.5, maxDelayMs: 3_600_000 },
      jitterMs: 10_000,
      catchUp: 'once',
      deadlineMs: 600_000,
      hold: true,
      maxRuns: 10,
      until: ms('2026-12-31T23:00:00Z'),
      after: [],
      onSuccess: [],
      onFailure: ['alert'],
      // output-limit overrides, keep comes from settings.history
      history: { keep: 50, outputLimitBytes: 1_048_576 },
      source: { file: VALID, line: 13, column: 3 },
    });
  });

  test('module tasks: path resolved, export and args kept; daily times sorted; own zone', () => {
    const report = taskOf('report');
    expect(report.action).toEqual({
      kind: 'module',
      path: join(FIXTURE_DIR, 'tasks', 'report.js'),
      exportName: 'run',
      args: { to: 'ops@example.com', pages: [1, 2] },
    });
    expect(report.schedule).toEqual({
      kind: 'daily',
      times: [
        { hour: 3, minute: 30, second: 0 },
        { hour: 15, minute: 30, second: 0 },
      ],
    });
    expect(report.timezone).toBe('America/New_York');
  });

  test('at: local and explicit-offset instants, sorted; command numbers become strings', () => {
    const migrate = taskOf('migrate-once');
    expect(migrate.schedule).toEqual({
      kind: 'at',
      instants: [ms('2026-11-01T08:00:30Z'), ms('2026-12-01T08:00:00Z')],
    });
    expect(migrate.action).toEqual({ kind: 'argv', argv: ['node', 'migrate.js', '--yes', '3'] });
  });

  test('cron, @reboot, retry N and the trigger lists', () => {
    expect(taskOf('rotate').schedule).toEqual({ kind: 'cron', expression: '*/15 * * * 1-5' });
    expect(taskOf('rotate').retry).toEqual({ attempts: 2, delayMs: 10_000, backoff: 2, maxDelayMs: 600_000 });
    expect(taskOf('boot').schedule).toEqual({ kind: 'reboot' });
    expect([taskOf('alert').after, taskOf('alert').onSuccess]).toEqual([['minimal'], ['rotate']]);
  });

  test('the result is frozen all the way down, and equal when loaded twice', () => {
    const first = loadTasksFile(VALID, { env: TEST_ENV });
    const task = first.tasks[1] as TaskSpec;
    expect([
      Object.isFrozen(first),
      Object.isFrozen(first.tasks),
      Object.isFrozen(first.settings),
      Object.isFrozen(first.settings.history),
    ]).toEqual([true, true, true, true]);
    expect([
      Object.isFrozen(task),
      Object.isFrozen(task.env),
      Object.isFrozen(task.schedule),
      Object.isFrozen(task.retry),
      Object.isFrozen(task.onFailure),
    ]).toEqual([true, true, true, true, true]);
    const report = first.tasks[2] as TaskSpec;
    expect(report.action.kind === 'module' && Object.isFrozen((report.action.args as { pages: number[] }).pages)).toBe(
      true,
    );
    expect(loadTasksFile(VALID, { env: TEST_ENV })).toEqual(first);
  });

  test('a UTF-8 byte order mark is dropped and positions stay right', () => {
    const path = join(dir, 'bom.yaml');
    writeFileSync(path, '\ufefftasks:\n  a:\n    every: 5 minutes\n    run: x\n');
    expect(
      catchIssues(() => loadTasksFile(path, { env: TEST_ENV })).map((issue) => [issue.line, issue.column]),
    ).toEqual([[3, 12]]);
  });
});

describe('a file that cannot be used', () => {
  test('missing: CONFIG_NOT_FOUND naming the path', () => {
    const path = join(dir, 'nope.yaml');
    let thrown: unknown;
    try {
      loadTasksFile(path, { env: TEST_ENV });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TaskkitError);
    expect(thrown).not.toBeInstanceOf(ConfigError);
    expect([(thrown as TaskkitError).code, (thrown as TaskkitError).message]).toEqual([
      'CONFIG_NOT_FOUND',
      `tasks file not found: ${path}`,
    ]);
  });

  const unreadable = (path: string, line: number, message: string) => [
    {
      code: 'unreadable',
      severity: 'error',
      file: path,
      line,
      column: line === 0 ? 0 : 1,
      path: [],
      task: null,
      message,
    },
  ];

  test('a directory', () => {
    expect(catchIssues(() => loadTasksFile(dir, { env: TEST_ENV }))).toEqual(
      unreadable(dir, 0, 'is a directory, not a tasks file (give the path of a YAML file)'),
    );
  });

  test('a binary file (NUL byte), pointing at its line', () => {
    const path = join(TASK_FIXTURES, 'binary.yaml');
    expect(catchIssues(() => loadTasksFile(path, { env: TEST_ENV }))).toEqual(
      unreadable(path, 3, 'contains a NUL byte: it looks like a binary file, not YAML text'),
    );
  });

  test('not UTF-8 (Latin-1), and UTF-16', () => {
    const latin1 = join(dir, 'latin1.yaml');
    writeFileSync(latin1, Buffer.from('tasks:\n  a: {run: "echo caf\xe9"}\n', 'latin1'));
    expect(catchIssues(() => loadTasksFile(latin1, { env: TEST_ENV }))).toEqual(
      unreadable(latin1, 0, 'is not UTF-8 text; save it as UTF-8'),
    );
    const utf16 = join(dir, 'utf16.yaml');
    writeFileSync(utf16, Buffer.from('\ufefftasks:\n', 'utf16le'));
    expect(catchIssues(() => loadTasksFile(utf16, { env: TEST_ENV }))).toEqual(
      unreadable(utf16, 0, 'is UTF-16 text; save it as UTF-8'),
    );
  });

  test('larger than 16 MiB', () => {
    const path = join(dir, 'huge.yaml');
    writeFileSync(path, '');
    truncateSync(path, 17 * 1024 * 1024); // sparse: no 17 MiB written to disk
    expect(catchIssues(() => loadTasksFile(path, { env: TEST_ENV }))).toEqual(
      unreadable(path, 0, 'is too large for a tasks file: at most 16 MiB, this one is 17.0 MiB'),
    );
  });

  test.skipIf(process.getuid?.() === 0)('no read permission', () => {
    const path = join(dir, 'secret.yaml');
    writeFileSync(path, 'tasks: {a: {run: x}}\n');
    chmodSync(path, 0o000);
    expect(catchIssues(() => loadTasksFile(path, { env: TEST_ENV }))).toEqual(
      unreadable(path, 0, 'cannot be read: permission denied'),
    );
  });

  test('ConfigError: code CONFIG_INVALID, message counts the problems, source text kept', () => {
    const text = 'tasks:\n  a: {every: 1x, run: x}\n  b: {run: x, hold: 1}\n';
    let thrown: unknown;
    try {
      parseTasksText(text, 'tasks.yaml', { env: TEST_ENV, baseDir: dir });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const error = thrown as ConfigError;
    expect([error.code, error.message, error.sourceText, error.issues.length]).toEqual([
      'CONFIG_INVALID',
      'tasks.yaml: 2 problems',
      text,
      2,
    ]);
  });
});

describe('parseTasksText', () => {
  test('the path is the file name in baseDir; relative paths resolve against baseDir', () => {
    // The module must exist (validate checks that statically): ../tasks/report.js from tasks/tasks/.
    const baseDir = join(FIXTURE_DIR, 'tasks');
    const file = parseTasksText('tasks:\n  a:\n    cwd: work\n    module: ../tasks/report.js\n', 'tasks.yaml', {
      env: TEST_ENV,
      baseDir,
    });
    expect(file.path).toBe(join(baseDir, 'tasks.yaml'));
    expect(file.tasks[0]?.cwd).toBe(join(baseDir, 'work'));
    expect(file.tasks[0]?.action).toEqual({
      kind: 'module',
      path: join(FIXTURE_DIR, 'tasks', 'report.js'),
      exportName: 'default',
      args: null,
    });
  });

  test('a 10,000-task file (~600 KB) loads, in file order', () => {
    const kinds = ['every: 5m', 'daily: "03:30"', 'cron: "*/15 * * * *"', 'at: 2030-01-01T09:00', 'after: task-0'];
    const lines = ['tasks:'];
    for (let i = 0; i < 10_000; i++)
      lines.push(`  task-${i}:`, `    ${kinds[i % 5] ?? ''}`, `    run: echo task number ${i}`);
    const text = lines.join('\n') + '\n';
    expect(text.length).toBeGreaterThan(550_000);
    const file = parseTasksText(text, 'big.yaml', { env: TEST_ENV, baseDir: '/srv' });
    expect(file.tasks.length).toBe(10_000);
    expect(file.tasks[9_999]?.name).toBe('task-9999');
    expect(file.tasks[9_999]?.after).toEqual(['task-0']);
    expect(file.tasks[2]?.schedule).toEqual({ kind: 'cron', expression: '*/15 * * * *' });
  });

  test('an error in a 100,000-task file keeps its line:col (found without positions, placed by a second parse)', () => {
    const lines = ['tasks:'];
    for (let i = 0; i < 100_000; i++) lines.push(`  task-${i}:`, `    every: ${(i % 59) + 1}m`, '    run: "true"');
    // Near the end, where an offset or line count off by one would show.
    const at = lines.indexOf('  task-99990:');
    lines[at + 1] = '    every: 5 minutes';
    lines[at + 2] = '    run: "true"  ';
    const issues = catchIssues(() =>
      parseTasksText(lines.join('\n') + '\n', 'big.yaml', { env: TEST_ENV, baseDir: '/srv' }),
    );
    expect(issues.map((issue) => [issue.code, issue.task, issue.line, issue.column])).toEqual([
      ['invalid-value', 'task-99990', at + 2, 12],
    ]);
  }, 60_000);
});
