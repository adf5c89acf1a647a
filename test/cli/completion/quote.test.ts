/** Quoting for the generated scripts: every word must reach the shell unchanged. */
import { describe, expect, test } from 'vitest';
import { encodeKind, quoteFish, quoteSh, summarize } from '../../../src/cli/completion/quote.js';
import { findOnPath, runProgram } from './_completion.js';

const AWKWARD = ["the task's zone", 'a "double" $HOME `date` \\n', "''", ''];

describe('quoteSh', () => {
  test('single quotes, a quote inside closed, escaped and reopened', () => {
    expect(quoteSh("the task's zone")).toBe(`'the task'\\''s zone'`);
    expect(quoteSh('')).toBe(`''`);
  });

  test.each(AWKWARD)('bash reads %j back unchanged', async (text) => {
    const result = await runProgram('bash', ['--norc', '-c', `printf %s ${quoteSh(text)}`], {
      cwd: process.cwd(),
      env: {},
    });
    expect(result).toEqual({ code: 0, stdout: text, stderr: '' });
  });
});

describe('quoteFish', () => {
  test('backslash and quote escaped inside single quotes', () => {
    expect(quoteFish("the task's zone")).toBe(`'the task\\'s zone'`);
    expect(quoteFish('a\\b')).toBe(`'a\\\\b'`);
  });

  const fish = findOnPath('fish');
  test.skipIf(fish === null).each(AWKWARD)('fish reads %j back unchanged', async (text) => {
    const result = await runProgram(fish ?? 'fish', ['--no-config', '-c', `printf %s ${quoteFish(text)}`], {
      cwd: process.cwd(),
      env: { PATH: process.env['PATH'] },
    });
    expect(result).toEqual({ code: 0, stdout: text, stderr: '' });
  });
});

test('encodeKind and summarize', () => {
  expect(
    [{ kind: 'tasks' } as const, { kind: 'files' } as const, { kind: 'words', words: ['bash', 'zsh'] } as const].map(
      encodeKind,
    ),
  ).toEqual(['tasks', 'files', 'words:bash zsh']);
  expect(summarize('first line \nsecond')).toBe('first line');
});
