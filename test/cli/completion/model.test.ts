/**
 * The completion model is read from the commander program, so a verb added to the program is
 * completed without touching the scripts (issue 6): checked on the real program and on one with
 * an extra verb, rendered and completed in real bash.
 */
import { Option } from 'commander';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderBashScript } from '../../../src/cli/completion/bash.js';
import {
  describeProgram,
  forwardedOptions,
  optionsAfter,
  type CompletionModel,
  type VerbModel,
} from '../../../src/cli/completion/model.js';
import { createProgram } from '../../../src/cli/main.js';
import { createMemoryIo } from '../../support/memory-io.js';
import { completeInBash, makeCompletionDir, type CompletionDir } from './_completion.js';

const context = () => ({ io: createMemoryIo(), version: '9.9.9', exitCode: 0 });

function verbOf(model: CompletionModel, name: string): VerbModel {
  const verb = model.verbs.find((candidate) => candidate.name === name);
  if (verb === undefined) throw new Error(`no verb ${name} in the model`);
  return verb;
}

describe('the real program', () => {
  const program = createProgram(context());
  const model = describeProgram(program, '9.9.9');

  test('every visible verb, in registration order, plus the implicit help; hidden ones left out', () => {
    // __complete is the one hidden verb (commands/native.ts).
    const visible = program.commands.map((command) => command.name()).filter((name) => name !== '__complete');
    expect(model.verbs.map((verb) => verb.name)).toEqual([...visible, 'help']);
    expect(model.verbs.map((verb) => verb.name)).not.toContain('__complete');
    expect(model.version).toBe('9.9.9');
  });

  test('aliases, options with their value kinds, and argument kinds', () => {
    expect(verbOf(model, 'list')).toMatchObject({ aliases: ['ls'], args: [], variadic: false });
    expect(verbOf(model, 'history')).toEqual({
      name: 'history',
      aliases: [],
      description: expect.any(String),
      options: [
        { short: undefined, long: '--failed', description: expect.any(String), value: null },
        { short: undefined, long: '--skipped', description: expect.any(String), value: null },
        { short: undefined, long: '--since', description: expect.any(String), value: { kind: 'free' } },
        { short: '-n', long: '--count', description: expect.any(String), value: { kind: 'free' } },
        { short: '-h', long: '--help', description: 'display help for command', value: null },
      ],
      args: [{ kind: 'tasks' }],
      variadic: false,
    });
    expect(verbOf(model, 'hold')).toMatchObject({ args: [{ kind: 'tasks' }], variadic: true });
    expect(verbOf(model, 'logs')).toMatchObject({ args: [{ kind: 'tasks' }, { kind: 'free' }], variadic: false });
    expect(verbOf(model, 'validate').args).toEqual([{ kind: 'files' }]);
    expect(verbOf(model, 'import-crontab').args).toEqual([{ kind: 'files' }]);
    expect(verbOf(model, 'completion').args).toEqual([{ kind: 'words', words: ['bash', 'zsh', 'fish'] }]);
    // A verb group: its verbs as the first argument, the options of all of them once each.
    const service = verbOf(model, 'service');
    expect(service.args).toEqual([{ kind: 'words', words: ['install', 'uninstall', 'status'] }]);
    expect(service.options.map((option) => option.long)).toEqual(['--system', '--dry-run', '--force', '--help']);
    expect(verbOf(model, 'help').args).toEqual([{ kind: 'verbs' }]);
  });

  test.each(['show', 'run-now', 'hold', 'resume', 'cancel', 'reschedule', 'history', 'logs', 'next', 'exec'])(
    '%s takes a task name first',
    (name) => {
      expect(verbOf(model, name).args[0]).toEqual({ kind: 'tasks' });
    },
  );

  test(
    'program options: all before a verb; after one, all but --version and --help; ' + '--config and --socket forwarded',
    () => {
      expect(model.programOptions.map((option) => option.long)).toEqual([
        '--version',
        '--config',
        '--socket',
        '--json',
        '--help',
      ]);
      expect(model.programOptions.find((option) => option.long === '--config')).toMatchObject({
        short: '-c',
        value: { kind: 'files' },
      });
      expect(model.sharedOptions.map((option) => option.long)).toEqual(['--config', '--socket', '--json']);
      expect(forwardedOptions(model).map((option) => option.long)).toEqual(['--config', '--socket']);
      expect(optionsAfter(model, verbOf(model, 'run-now')).map((option) => option.long)).toEqual([
        '--wait',
        '--make',
        '--dry-run',
        '--help',
        '--config',
        '--socket',
        '--json',
      ]);
    },
  );
});

describe('a verb added to the program', () => {
  let where: CompletionDir;
  let script: string;
  beforeAll(() => {
    where = makeCompletionDir();
    where.write('tasks.yaml', ['tasks:', '  alpha: { run: "true" }', '  beta: { run: "true" }']);
    const program = createProgram(context());
    program
      .command('frobnicate')
      .alias('fb')
      .argument('<names...>')
      .option('--level <n>', 'how hard')
      .option('--into <dir>', 'where')
      .option('--mode <mode>', 'how')
      .option('--after <task>', 'first')
      .addOption(new Option('--secret', 'not for people').hideHelp());
    const mode = program.commands.at(-1)?.options.find((option) => option.long === '--mode');
    mode?.choices(['soft', 'hard']);
    script = where.write('added.bash', [renderBashScript(describeProgram(program, '9.9.9'))]);
  });
  afterAll(() => where.remove());

  test('is completed with its alias, options, option values and task-name arguments', async () => {
    expect(await completeInBash(where, script, 'taskkit fr')).toEqual(['frobnicate']);
    expect(await completeInBash(where, script, 'taskkit fb --')).toEqual([
      '--level',
      '--into',
      '--mode',
      '--after',
      '--help',
      '--config',
      '--socket',
      '--json',
    ]);
    expect(await completeInBash(where, script, 'taskkit frobnicate --mode ')).toEqual(['soft', 'hard']);
    expect(await completeInBash(where, script, 'taskkit frobnicate --into tas')).toEqual(['tasks.yaml']);
    expect(await completeInBash(where, script, 'taskkit frobnicate --after b')).toEqual(['beta']);
    expect(await completeInBash(where, script, 'taskkit fb --level 3 alpha ')).toEqual(['alpha', 'beta']);
  });
});
