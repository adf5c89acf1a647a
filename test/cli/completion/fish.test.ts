/**
 * The fish script: `fish -n`, and real completions through `complete -C LINE`, which asks fish's
 * completion engine what it would offer. Skipped where fish is not installed.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findOnPath, makeCompletionDir, runProgram, saveScript, type CompletionDir } from './_completion.js';

const FISH = findOnPath('fish');

describe.skipIf(FISH === null)('fish', () => {
  let where: CompletionDir;
  let script: string;
  beforeAll(async () => {
    where = makeCompletionDir();
    script = await saveScript(where, 'fish');
    where.write('tasks.yaml', [
      'tasks:',
      '  backup: { run: "true" }',
      '  bake: { run: "true" }',
      '  clean: { run: "true" }',
    ]);
  });
  afterAll(() => where.remove());

  /** The candidates fish offers for `line`, without their descriptions. */
  async function complete(line: string): Promise<string[]> {
    // fish keeps its history and variables under XDG dirs: keep them in the temp dir.
    const env = { ...where.env, XDG_CONFIG_HOME: join(where.dir, 'config'), XDG_DATA_HOME: join(where.dir, 'data') };
    const result = await runProgram(
      FISH ?? 'fish',
      ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', script, line],
      { cwd: where.dir, env },
    );
    if (result.code !== 0 || result.stderr !== '') throw new Error(`fish failed (${result.code}): ${result.stderr}`);
    return result.stdout
      .split('\n')
      .filter((entry) => entry !== '')
      .map((entry) => entry.split('\t')[0] ?? '');
  }

  test('fish -n accepts the script', async () => {
    expect(await runProgram(FISH ?? 'fish', ['--no-config', '-n', script], { cwd: where.dir, env: where.env })).toEqual(
      { code: 0, stdout: '', stderr: '' },
    );
  });

  test('verbs and options', async () => {
    expect(await complete('taskkit ru')).toEqual(['run-now']);
    expect(await complete('taskkit history --f')).toEqual(['--failed']);
    expect(await complete('taskkit --config tasks.yaml --j')).toEqual(['--json']);
  });

  test('task names from the tasks file, with --config passed on', async () => {
    expect(await complete('taskkit run-now ba')).toEqual(['backup', 'bake']);
    expect(await complete('taskkit --config tasks.yaml hold clean ')).toEqual(['backup', 'bake', 'clean']);
    expect(await complete('taskkit --config missing.yaml show ')).toEqual([]);
    expect(await complete('taskkit -ctasks.yaml logs c')).toEqual(['clean']);
    expect(await complete('taskkit history -n 5 b')).toEqual(['backup', 'bake']);
  });

  test('files, shells and verbs where those are expected', async () => {
    expect(await complete('taskkit --config ta')).toEqual(['tasks.yaml']);
    expect(await complete('taskkit validate ta')).toEqual(['tasks.yaml']);
    expect(await complete('taskkit completion ')).toEqual(['bash', 'fish', 'zsh']);
    expect(await complete('taskkit help sta')).toEqual(['start', 'status']);
  });
});
