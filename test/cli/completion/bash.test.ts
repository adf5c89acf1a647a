/**
 * Issue 6 "Done means": the bash script loads (`bash -n`) and completes verbs, options and task
 * names in real bash, driven the way bash drives a `complete -F` function (COMP_WORDS, COMP_CWORD,
 * COMP_LINE, COMP_POINT), with and without the bash-completion package; task names from the tasks
 * file when no daemon runs, and from a real detached daemon when one does.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cleanUpDaemons, makeDaemonDir, type DaemonDir } from '../../e2e/_daemon.js';
import {
  completeInBash,
  findFirst,
  makeCompletionDir,
  runProgram,
  saveScript,
  splitLikeBash,
  type CompletionDir,
} from './_completion.js';

const TASKS = ['tasks:', '  backup: { run: "true" }', '  bake: { run: "true" }', '  clean: { run: "true" }'];

let where: CompletionDir;
let script: string;
beforeAll(async () => {
  where = makeCompletionDir();
  script = await saveScript(where, 'bash');
  where.write('tasks.yaml', TASKS);
  where.write('other.yaml', ['tasks:', '  zeta: { run: "true" }', '  zulu: { run: "true" }']);
});
afterAll(() => where.remove());

test('the printed script passes bash -n and registers _taskkit for taskkit', async () => {
  const checked = await runProgram('bash', ['-n', script], { cwd: where.dir, env: where.env });
  expect(checked).toEqual({ code: 0, stdout: '', stderr: '' });
  const registered = await runProgram('bash', ['--norc', '-c', 'source "$1"; complete -p taskkit', 'bash', script], {
    cwd: where.dir,
    env: where.env,
  });
  expect(registered.stdout).toBe('complete -F _taskkit taskkit\n');
});

test('splitLikeBash: "=" is a word of its own, as in the default COMP_WORDBREAKS', () => {
  expect(splitLikeBash('taskkit --config=t.yaml run-now ')).toEqual([
    'taskkit',
    '--config',
    '=',
    't.yaml',
    'run-now',
    '',
  ]);
  expect(splitLikeBash('taskkit --config=')).toEqual(['taskkit', '--config', '=']);
});

// The package is optional: the script must work without it, and use it when it is loaded.
const BASH_COMPLETION = findFirst(['/usr/share/bash-completion/bash_completion', '/etc/bash_completion']);
const setups = [
  { setup: 'plain bash', bashCompletion: null, missing: false },
  { setup: 'bash-completion loaded', bashCompletion: BASH_COMPLETION, missing: BASH_COMPLETION === null },
];

describe.each(setups)('with $setup', ({ bashCompletion, missing }) => {
  const complete = (line: string, cwd?: string): Promise<string[]> =>
    completeInBash(where, script, line, { bashCompletion, ...(cwd === undefined ? {} : { cwd }) });

  test.skipIf(missing)('verbs, aliases included, from the program', async () => {
    expect(await complete('taskkit ru')).toEqual(['run-now']);
    expect(await complete('taskkit re')).toEqual(['reload', 'resume', 'reschedule']);
    expect(await complete('taskkit l')).toEqual(['list', 'ls', 'logs']);
    // Hidden verbs are not offered.
    expect(await complete('taskkit __')).toEqual([]);
    // After the program's options and their values.
    expect(await complete('taskkit --config tasks.yaml --json sta')).toEqual(['start', 'status']);
  });

  test.skipIf(missing)('options of the verb, then the program options it also takes', async () => {
    expect(await complete('taskkit history --f')).toEqual(['--failed']);
    expect(await complete('taskkit history -')).toEqual([
      '--failed',
      '--skipped',
      '--since',
      '-n',
      '--count',
      '-h',
      '--help',
      '-c',
      '--config',
      '--socket',
      '--json',
    ]);
    expect(await complete('taskkit ls --')).toEqual(['--here', '--help', '--config', '--socket', '--json']);
    expect(await complete('taskkit --v')).toEqual(['--version']);
  });

  test.skipIf(missing)('task names from the tasks file when no daemon runs', async () => {
    expect(await complete('taskkit --config tasks.yaml run-now ba')).toEqual(['backup', 'bake']);
    expect(await complete('taskkit run-now ')).toEqual(['backup', 'bake', 'clean']); // ./tasks.yaml
    expect(await complete('taskkit --config=other.yaml show ')).toEqual(['zeta', 'zulu']);
    expect(await complete('taskkit -cother.yaml logs z')).toEqual(['zeta', 'zulu']);
    // --config after the verb counts too; and the value of an option is not an argument.
    expect(await complete('taskkit history -n 5 --config other.yaml zu')).toEqual(['zulu']);
    // A variadic argument keeps completing names; a second argument of logs is a run id.
    expect(await complete('taskkit hold backup c')).toEqual(['clean']);
    expect(await complete('taskkit logs backup ')).toEqual([]);
    // The value of an option that takes free text is not a task name.
    expect(await complete('taskkit hold --note ')).toEqual([]);
  });

  test.skipIf(missing)('no tasks file, or a broken one: no names and nothing on stderr', async () => {
    expect(await complete('taskkit --config missing.yaml run-now ')).toEqual([]);
    where.write('broken.yaml', ['tasks: [', '  nope']);
    expect(await complete('taskkit --config broken.yaml run-now ')).toEqual([]);
  });

  test.skipIf(missing)(
    'files for validate, import-crontab and --config; shells for completion; verbs for help',
    async () => {
      expect(await complete('taskkit validate oth')).toEqual(['other.yaml']);
      expect(await complete('taskkit --config oth')).toEqual(['other.yaml']);
      expect(await complete('taskkit --config=oth')).toEqual(['other.yaml']);
      expect(await complete('taskkit import-crontab tas')).toEqual(['tasks.yaml']);
      expect(await complete('taskkit completion ')).toEqual(['bash', 'zsh', 'fish']);
      expect(await complete('taskkit help res')).toEqual(['resume', 'reschedule']);
      // A verb group: its verbs, then the options of all of them.
      expect(await complete('taskkit service ')).toEqual(['install', 'uninstall', 'status']);
      expect(await complete('taskkit service install --d')).toEqual(['--dry-run']);
    },
  );
});

describe('task names from a running daemon', () => {
  let daemon: DaemonDir;
  let socket: string;
  beforeAll(async () => {
    daemon = makeDaemonDir();
    daemon.writeTasks([
      'settings:',
      '  state-dir: ./state',
      'tasks:',
      '  deploy: { run: "true" }',
      '  digest: { run: "true" }',
      '  report: { run: "true" }',
    ]);
    const started = await daemon.taskkit(['start']);
    if (started.code !== 0) throw new Error(`taskkit start failed: ${started.stderr}`);
    socket = daemon.socket;
    // The file now disagrees with the daemon (no reload): names must come from the daemon.
    daemon.writeTasks([
      'settings:',
      '  state-dir: ./state',
      'tasks:',
      '  draft: { run: "true" }',
      '  other: { run: "true" }',
    ]);
  }, 30_000);
  afterAll(cleanUpDaemons, 30_000);

  test("found through the tasks file's settings: the daemon's names, not the edited file's", async () => {
    expect(await completeInBash(where, script, 'taskkit run-now d', { cwd: daemon.dir })).toEqual(['deploy', 'digest']);
    expect(
      await completeInBash(where, script, 'taskkit --config tasks.yaml hold report d', { cwd: daemon.dir }),
    ).toEqual(['deploy', 'digest']);
  });

  test('the file removed: --socket typed on the line, or $TASKKIT_SOCKET, still reach the daemon', async () => {
    rmSync(join(daemon.dir, 'tasks.yaml'));
    const there = { cwd: daemon.dir };
    // Nothing says where the daemon is, and there is no file: no names.
    expect(await completeInBash(where, script, 'taskkit cancel ', there)).toEqual([]);
    expect(await completeInBash(where, script, `taskkit --socket ${socket} cancel `, there)).toEqual([
      'deploy',
      'digest',
      'report',
    ]);
    expect(await completeInBash(where, script, `taskkit show --socket=${socket} re`, there)).toEqual(['report']);
    expect(await completeInBash(where, script, 'taskkit show ', { ...there, env: { TASKKIT_SOCKET: socket } })).toEqual(
      ['deploy', 'digest', 'report'],
    );
  });
});
