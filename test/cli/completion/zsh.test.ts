/**
 * The zsh script: `zsh -n`, and its parser driven in a real zsh with the completion system's
 * builtins stubbed (compadd, _describe, _files, compset print what they are given, filtered by
 * $PREFIX as zsh would). Skipped where zsh is not installed.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findOnPath, makeCompletionDir, runProgram, saveScript, type CompletionDir } from './_completion.js';

const ZSH = findOnPath('zsh');

// The stubs stand in for compinit's functions; compdef is stubbed too, so sourcing registers.
const ZSH_DRIVER = `
compdef() { print -r -- "compdef $*" }
_describe() { local -a items; items=("\${(@P)4}"); items=("\${(@)items%%:*}"); print -rl -- \${(M)items:#\${PREFIX}*} }
compadd() { local -a items; [[ $1 == -a ]] && items=("\${(@P)2}"); print -rl -- \${(M)items:#\${PREFIX}*} }
_wanted() { shift 3; "$@" }
_files() { print -r -- "<files:$PREFIX>" }
compset() { [[ $1 == -P ]] && PREFIX=\${PREFIX#*=} }
source "$1"
shift
words=("$@")
CURRENT=$#
PREFIX=\${words[CURRENT]}
_taskkit
`;

describe.skipIf(ZSH === null)('zsh', () => {
  let where: CompletionDir;
  let script: string;
  beforeAll(async () => {
    where = makeCompletionDir();
    script = await saveScript(where, 'zsh');
    where.write('tasks.yaml', [
      'tasks:',
      '  backup: { run: "true" }',
      '  bake: { run: "true" }',
      '  clean: { run: "true" }',
    ]);
  });
  afterAll(() => where.remove());

  async function complete(line: string): Promise<string[]> {
    const result = await runProgram(ZSH ?? 'zsh', ['-f', '-c', ZSH_DRIVER, 'zsh', script, ...line.split(' ')], {
      cwd: where.dir,
      env: where.env,
    });
    if (result.code !== 0 || result.stderr !== '') throw new Error(`zsh failed (${result.code}): ${result.stderr}`);
    const [registered, ...offered] = result.stdout.split('\n').filter((word) => word !== '');
    expect(registered).toBe('compdef _taskkit taskkit');
    return offered;
  }

  test('zsh -n accepts the script', async () => {
    expect(await runProgram(ZSH ?? 'zsh', ['-n', script], { cwd: where.dir, env: where.env })).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
  });

  test('verbs and options', async () => {
    expect(await complete('taskkit ru')).toEqual(['run-now']);
    expect(await complete('taskkit l')).toEqual(['list', 'ls', 'logs']);
    expect(await complete('taskkit history --f')).toEqual(['--failed']);
    expect(await complete('taskkit --config tasks.yaml --j')).toEqual(['--json']);
  });

  test('task names from the tasks file, with --config passed on', async () => {
    expect(await complete('taskkit run-now ba')).toEqual(['backup', 'bake']);
    expect(await complete('taskkit --config tasks.yaml hold clean ')).toEqual(['backup', 'bake', 'clean']);
    expect(await complete('taskkit --config=missing.yaml show ')).toEqual([]);
    expect(await complete('taskkit -ctasks.yaml logs c')).toEqual(['clean']);
    expect(await complete('taskkit history -n 5 b')).toEqual(['backup', 'bake']);
  });

  test('files, shells and verbs where those are expected', async () => {
    expect(await complete('taskkit --config ta')).toEqual(['<files:ta>']);
    expect(await complete('taskkit --config=ta')).toEqual(['<files:ta>']);
    expect(await complete('taskkit validate x')).toEqual(['<files:x>']);
    expect(await complete('taskkit completion z')).toEqual(['zsh']);
    expect(await complete('taskkit help sta')).toEqual(['start', 'status']);
  });
});
