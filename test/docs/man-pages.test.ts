/**
 * The man pages are part of every verb and key (CONTRIBUTING.md "What a change must also touch"):
 * they render without a single groff warning, and taskkit(1) has an entry for every verb the
 * CLI registers, so a new verb cannot ship undocumented.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { createProgram } from '../../src/cli/main.js';
import { createMemoryIo } from '../support/memory-io.js';

const MAN = fileURLToPath(new URL('../../man/', import.meta.url));
const PAGES = ['taskkit.1', 'taskkit.yaml.5'];
const hasGroff = spawnSync('groff', ['--version'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasGroff)('man pages render cleanly (groff -man -ww -z)', () => {
  test.each(PAGES)('%s: no warnings, exit 0', (page) => {
    const result = spawnSync('groff', ['-man', '-ww', '-z', `${MAN}${page}`], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('taskkit(1) documents every verb', () => {
  const source = readFileSync(`${MAN}taskkit.1`, 'utf8');
  const program = createProgram({ io: createMemoryIo(), version: '0.0.0', exitCode: 0 });
  // Hidden verbs (`__complete`, for the completion scripts) are not for people; commander's own `help` is not ours.
  const verbs = program
    .createHelp()
    .visibleCommands(program)
    .map((command) => command.name())
    .filter((name) => name !== 'help');

  test('the CLI registers the verbs of DESIGN.md "Command line"', () => {
    expect(verbs).toEqual(
      expect.arrayContaining([
        'start',
        'stop',
        'status',
        'reload',
        'list',
        'show',
        'run-now',
        'hold',
        'resume',
        'cancel',
        'reschedule',
        'history',
        'logs',
        'next',
        'validate',
        'exec',
        'import-crontab',
        'schema',
        'completion',
      ]),
    );
  });

  test.each(verbs)('%s has an entry (a .B/.BR/.BI line starting with it)', (verb) => {
    const roff = verb.replace(/-/g, '\\\\-');
    expect(source).toMatch(new RegExp(`^\\.B[IR]?\\s+"?${roff}\\b`, 'm'));
  });

  // Every option of every verb and sub-verb (service install --system, validate --strict...): a
  // new option cannot ship undocumented either (issue 18 "Done when").
  const options = [program, ...program.commands.flatMap((command) => [command, ...command.commands])]
    .filter((command) => command.name() !== 'help' && !command.name().startsWith('__'))
    .flatMap((command) => command.options.map((option) => [command.name(), option.long ?? option.short ?? ''] as const))
    .filter(([, flag]) => flag !== '');
  test.each(options)('%s %s is in taskkit(1)', (_verb, flag) => {
    expect(source).toContain(flag.replace(/-/g, '\\-'));
  });
});

/** Words without their markup: roff fonts and escapes, markdown emphasis and code, line breaks. */
function plainWords(text: string): string {
  return text
    .replace(/\\f[BIPR]/g, '')
    .replace(/\\-/g, '-')
    .replace(/[`*]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

test('README and taskkit(1) say "Output is bytes" in the same words (issue 13.5)', () => {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const man = readFileSync(`${MAN}taskkit.1`, 'utf8');
  const heading = '**Output is bytes.** ';
  const paragraph = readme.slice(readme.indexOf(heading) + heading.length).split('\n\n')[0] ?? '';
  const sectionStart = man.indexOf('.SH OUTPUT IS BYTES\n');
  const section = man.slice(sectionStart).split('\n.SH ')[0]?.replace('.SH OUTPUT IS BYTES\n', '') ?? '';
  expect(readme.includes(heading) && sectionStart >= 0).toBe(true);
  expect(plainWords(section)).toBe(plainWords(paragraph));
});
