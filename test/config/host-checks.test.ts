// config/host-checks.ts (issue 15): a `cwd` that is not a folder and a `shell` this host cannot
// start are warnings, not errors: the file may be validated on another machine, the folder made
// by an earlier task. The file stays valid (TasksFile.warnings); with errors, the ConfigError
// lists both. Exact messages and positions; one problem, one message.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { formatIssue, type ConfigIssue } from '../../src/config/issues.js';
import { ConfigError, parseTasksText } from '../../src/config/load.js';
import type { TasksFile } from '../../src/config/types.js';
import { validateTaskDefinition } from '../../src/config/task.js';
import { resolveSettings } from '../../src/config/settings.js';
import { catchIssues } from '../support/config-issues.js';

const dir = mkdtempSync(join(tmpdir(), 'taskkit-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'bin'));
mkdirSync(join(dir, 'work'));
writeFileSync(join(dir, 'afile'), '');
for (const name of ['mysh', 'work/local-sh']) {
  writeFileSync(join(dir, name === 'mysh' ? 'bin/mysh' : name), '#!/bin/sh\n');
  chmodSync(join(dir, name === 'mysh' ? 'bin/mysh' : name), 0o755);
}
writeFileSync(join(dir, 'not-exec'), '#!/bin/sh\n');
chmodSync(join(dir, 'not-exec'), 0o644);

const ENV = { TZ: 'UTC', HOME: '/home/tester', PATH: join(dir, 'bin') };

function load(lines: readonly string[], env: Record<string, string> = ENV): TasksFile {
  return parseTasksText(`${lines.join('\n')}\n`, 'tasks.yaml', { env, baseDir: dir });
}

/** [code, severity, line, column, task, message] of every warning of a valid file. */
function warningsOf(lines: readonly string[], env?: Record<string, string>) {
  return load(lines, env).warnings.map(row);
}

function row(issue: ConfigIssue) {
  return [issue.code, issue.severity, issue.line, issue.column, issue.task, issue.message];
}

const task = (...keys: string[]) => ['tasks:', '  a:', '    run: x', ...keys.map((key) => `    ${key}`)];

describe('cwd', () => {
  test('a file: a warning at the value, and the file is valid', () => {
    const file = load(task('cwd: ./afile'));
    expect(file.tasks).toHaveLength(1);
    expect(file.warnings.map(row)).toEqual([
      [
        'host',
        'warning',
        4,
        10,
        'a',
        `cwd is a file, not a folder: ./afile (resolved to ${dir}/afile); runs here would fail to start: ` +
          'point cwd at a folder',
      ],
    ]);
    expect(file.warnings[0]?.path).toEqual(['tasks', 'a', 'cwd']);
    expect(formatIssue(file.warnings[0] as ConfigIssue)).toMatch(/^tasks\.yaml:4:10: warning: task "a": cwd is a file/);
  });

  test('missing: a warning (an earlier task may make it)', () => {
    expect(warningsOf(task(`cwd: ${dir}/nowhere`))).toEqual([
      [
        'host',
        'warning',
        4,
        10,
        'a',
        `cwd not found: ${dir}/nowhere; runs here would fail to start until the folder exists`,
      ],
    ]);
  });

  test('a folder, relative or absolute: nothing', () => {
    expect(warningsOf(task('cwd: work'))).toEqual([]);
    expect(warningsOf(task(`cwd: ${dir}`))).toEqual([]);
  });

  test('a cwd that fails its own check ("~") is reported once, as that error', () => {
    const issues = catchIssues(() => load(task('cwd: ~/x')));
    expect(issues.map((issue) => [issue.severity, issue.message.slice(0, 24)])).toEqual([
      ['error', '"~" is not expanded in p'],
    ]);
  });
});

describe('shell', () => {
  test('an absolute path that is not there, with the one on PATH as the suggestion', () => {
    expect(warningsOf(task('shell: /nonexistent/mysh'))).toEqual([
      [
        'host',
        'warning',
        4,
        12,
        'a',
        `shell not found: /nonexistent/mysh; runs here would fail to start: did you mean ${dir}/bin/mysh?`,
      ],
    ]);
    expect(warningsOf(task('shell: /nonexistent/nosuch-sh'))).toEqual([
      [
        'host',
        'warning',
        4,
        12,
        'a',
        'shell not found: /nonexistent/nosuch-sh; runs here would fail to start: install it, or name another shell',
      ],
    ]);
  });

  test('a name is looked up in PATH: the task env PATH over the environment’s', () => {
    expect(warningsOf(task('shell: mysh'))).toEqual([]);
    expect(warningsOf(task('shell: nosuch-sh'))).toEqual([
      [
        'host',
        'warning',
        4,
        12,
        'a',
        'shell "nosuch-sh" not found in PATH; runs here would fail to start: install it, or write its full path',
      ],
    ]);
    const elsewhere = { ...ENV, PATH: '/nonexistent' };
    expect(warningsOf(task('shell: mysh'), elsewhere)).toHaveLength(1);
    expect(warningsOf(task('shell: mysh', `env: { PATH: "${dir}/bin" }`), elsewhere)).toEqual([]);
  });

  test('not executable, a folder, a relative path from the cwd', () => {
    expect(warningsOf(task(`shell: ${dir}/not-exec`))).toEqual([
      ['host', 'warning', 4, 12, 'a', `shell is not executable: ${dir}/not-exec; chmod +x it, or name another shell`],
    ]);
    expect(warningsOf(task(`shell: ${dir}/bin`)).map((warning) => warning[5])).toEqual([
      `shell is a folder, not a program: ${dir}/bin`,
    ]);
    expect(warningsOf(task('cwd: work', 'shell: ./local-sh'))).toEqual([]);
    expect(warningsOf(task('shell: ./local-sh')).map((warning) => warning[5])).toEqual([
      `shell not found: ./local-sh (resolved to ${dir}/local-sh); runs here would fail to start: ` +
        'install it, or name another shell',
    ]);
  });

  test('settings.shell: a warning at its value, named by its key', () => {
    const file = load(['settings:', '  shell: /nonexistent/nosuch-sh', ...task()]);
    expect(file.warnings.map(row)).toEqual([
      [
        'host',
        'warning',
        2,
        10,
        null,
        'shell not found: /nonexistent/nosuch-sh; runs here would fail to start: install it, or name another shell',
      ],
    ]);
    expect(formatIssue(file.warnings[0] as ConfigIssue)).toMatch(
      /^tasks\.yaml:2:10: warning: settings\.shell: shell not found/,
    );
  });

  test("one problem, one message: shell: '' is one error, shell beside command one conflict", () => {
    const empty = catchIssues(() => load(task("shell: ''")));
    expect(empty.map((issue) => [issue.severity, issue.message])).toEqual([
      ['error', 'expected a shell program (a non-empty string), got an empty string'],
    ]);
    const beside = catchIssues(() => load(['tasks:', '  a:', '    command: [x]', '    shell: /nonexistent/sh']));
    expect(beside.map((issue) => [issue.severity, issue.message])).toEqual([
      ['error', '"shell" only applies to "run"'],
    ]);
  });
});

describe('warnings beside errors', () => {
  test('an invalid file lists both, sorted by position; the summary counts each', () => {
    let error: unknown;
    try {
      load([...task('cwd: ./afile'), '  b:', '    run: x', '    every: 1m', '    jitter: 5m']);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { issues, message } = error as ConfigError;
    expect(issues.map((issue) => [issue.severity, issue.line])).toEqual([
      ['warning', 4],
      ['error', 8],
    ]);
    expect(message).toBe('tasks.yaml: 1 problem, 1 warning');
  });

  test('library definitions (no environment given) are not checked against this host', () => {
    const settings = resolveSettings(undefined, { baseDir: dir, env: ENV });
    const checked = validateTaskDefinition(
      'a',
      { run: 'x', cwd: './afile', shell: '/nonexistent/sh' },
      {
        settings,
        baseDir: dir,
      },
    );
    expect(checked.issues).toEqual([]);
  });
});
