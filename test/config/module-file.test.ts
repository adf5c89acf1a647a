// config/module-file.ts through the tasks file (issue 5): `validate` checks statically that a
// `module:` path is a file, with the issue at the value's line and column. It never imports the
// module: a module whose top-level code has a side effect validates without running it.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { formatIssues } from '../../src/config/issues.js';
import { ConfigError, loadTasksFile, parseTasksText } from '../../src/config/load.js';
import { validateTaskDefinition, resolveSettings } from '../../src/config/normalize.js';
import { checkModuleFile } from '../../src/config/module-file.js';
import { catchIssues, summarize, TEST_ENV } from '../support/config-issues.js';

const dir = mkdtempSync(join(tmpdir(), 'taskkit-module-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'jobs'));
writeFileSync(join(dir, 'jobs', 'report.js'), 'export default () => 1;\n');
symlinkSync(join(dir, 'jobs', 'gone.js'), join(dir, 'jobs', 'dangling.js'));

function issuesOfModule(value: string) {
  const text = `tasks:\n  report:\n    every: 1h\n    module: ${value}\n`;
  return summarize(catchIssues(() => parseTasksText(text, 'tasks.yaml', { env: TEST_ENV, baseDir: dir })));
}

describe('a module path that is not a file is an issue at the value', () => {
  test.each<[string, string, string]>([
    [
      'a missing relative path names where it looked',
      './jobs/nope.js',
      `module file not found: ./jobs/nope.js (resolved to ${dir}/jobs/nope.js)`,
    ],
    ['a missing absolute path', `${dir}/nope.js`, `module file not found: ${dir}/nope.js`],
    ['a folder', './jobs', `module is a folder, not a JavaScript file: ./jobs (resolved to ${dir}/jobs)`],
    [
      'a path through a file',
      './jobs/report.js/x.js',
      `module file not found: ./jobs/report.js/x.js (resolved to ${dir}/jobs/report.js/x.js)`,
    ],
    [
      'a dangling symbolic link',
      './jobs/dangling.js',
      `module file not found: ./jobs/dangling.js (resolved to ${dir}/jobs/dangling.js)`,
    ],
    ['a device, not a regular file', '/dev/null', 'module is not a regular file: /dev/null'],
  ])('%s', (_label, value, message) => {
    expect(issuesOfModule(value)).toEqual([['invalid-value', 4, 13, 'report', message]]);
  });

  test('rendered as validate prints it: file:line:column, task, message, excerpt and caret', () => {
    const text = 'tasks:\n  report:\n    every: 1h\n    module: ./jobs/nope.js\n    export: run\n';
    let error: unknown;
    try {
      parseTasksText(text, 'tasks.yaml', { env: TEST_ENV, baseDir: dir });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(formatIssues((error as ConfigError).issues, text)).toBe(
      [
        `tasks.yaml:4:13: task "report": module file not found: ./jobs/nope.js (resolved to ${dir}/jobs/nope.js)`,
        '        module: ./jobs/nope.js',
        '                ^',
      ].join('\n'),
    );
  });

  test('reported with the task’s other issues, all at once', () => {
    const text = 'tasks:\n  report:\n    every: soon\n    module: ./jobs/nope.js\n    export: ""\n';
    const issues = catchIssues(() => parseTasksText(text, 'tasks.yaml', { env: TEST_ENV, baseDir: dir }));
    expect(summarize(issues).map(([code, line, column]) => [code, line, column])).toEqual([
      ['invalid-value', 3, 12],
      ['invalid-value', 4, 13],
      ['invalid-value', 5, 13],
    ]);
  });

  test('library definitions get the same check, without a position', () => {
    const settings = resolveSettings({ timezone: 'UTC' }, { baseDir: dir, env: TEST_ENV });
    const { task, issues } = validateTaskDefinition('report', { module: 'jobs/nope.js' }, { settings, baseDir: dir });
    expect(task).toBeUndefined();
    expect(issues.map((issue) => [issue.line, issue.column, issue.message])).toEqual([
      [0, 0, `module file not found: jobs/nope.js (resolved to ${dir}/jobs/nope.js)`],
    ]);
  });
});

describe('what validate does not do', () => {
  test('an existing file is accepted, relative to the tasks file', () => {
    const file = parseTasksText('tasks:\n  report:\n    module: jobs/report.js\n', 'tasks.yaml', {
      env: TEST_ENV,
      baseDir: dir,
    });
    expect(file.tasks[0]?.action).toEqual({
      kind: 'module',
      path: join(dir, 'jobs', 'report.js'),
      exportName: 'default',
      args: null,
    });
  });

  test('the module is not imported: its top-level code does not run, and its export is not checked', () => {
    const marker = join(dir, 'imported.marker');
    const module = join(dir, 'jobs', 'side-effect.mjs');
    writeFileSync(
      module,
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, ` +
        `'ran');\nexport const notAFunction = 1;\n`,
    );
    const tasksFile = join(dir, 'tasks.yaml');
    writeFileSync(tasksFile, 'tasks:\n  side:\n    module: ./jobs/side-effect.mjs\n    export: missing\n');
    expect(loadTasksFile(tasksFile, { env: TEST_ENV }).tasks[0]?.action).toMatchObject({
      kind: 'module',
      exportName: 'missing',
    });
    expect(existsSync(marker)).toBe(false);
  });

  test('checkModuleFile: undefined for a file', () => {
    expect(checkModuleFile(join(dir, 'jobs', 'report.js'), './jobs/report.js')).toBeUndefined();
  });
});
