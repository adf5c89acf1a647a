/** Cron's `%` rule (cronie do_command.c) and the shell command that reproduces its stdin. */
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { checkWrappable, quoteForShell, splitCronCommand, wrapWithStdin } from '../../../src/config/crontab/percent.js';

describe('splitCronCommand', () => {
  test.each([
    ['no percent', 'echo hi', 'echo hi', null],
    ['escaped percent in the command', 'date +\\%Y-\\%m-\\%d', 'date +%Y-%m-%d', null],
    ['other backslashes stay', 'echo a\\tb \\\\ c', 'echo a\\tb \\\\ c', null],
    [
      'the first % ends the command; the rest is input with a final newline',
      'mail root%Hello,%world',
      'mail root',
      'Hello,\nworld\n',
    ],
    ['a trailing % gives a trailing newline and no extra one', 'cat%line%', 'cat', 'line\n'],
    ['% at the very end: no input at all', 'cat%', 'cat', null],
    ['\\% in the input is a literal %', 'cat%50\\% done', 'cat', '50% done\n'],
    ['other backslashes in the input stay', 'cat%a\\tb\\\\c', 'cat', 'a\\tb\\\\c\n'],
    ['an escaped backslash does not escape the %', 'echo x\\\\%in', 'echo x\\\\', 'in\n'],
    ['a backslash at the end of the input is kept', 'cat%end\\', 'cat', 'end\\\n'],
    ['only newlines', 'cat%%%', 'cat', '\n\n'],
  ])('%s', (_name, raw, command, stdin) => {
    expect(splitCronCommand(raw)).toEqual({ command, stdin });
  });

  test('cronie quirk: a trailing backslash after a final % adds no newline', () => {
    expect(splitCronCommand('cat%a%\\')).toEqual({ command: 'cat', stdin: 'a\n\\' });
  });
});

describe('wrapWithStdin', () => {
  test('lines ending in a newline: printf with one argument per line', () => {
    expect(wrapWithStdin('mail -s "Report" root', "Hello,\nit's done\n")).toBe(
      `printf '%s\\n' 'Hello,' 'it'\\''s done' | ( mail -s "Report" root )`,
    );
  });

  test('input without a final newline: printf %s of the whole text', () => {
    expect(wrapWithStdin('cat', 'a\n\\')).toBe(`printf '%s' 'a\n\\' | ( cat )`);
  });

  test('a command with "#" is closed on a line of its own', () => {
    expect(wrapWithStdin('cat # note', 'x\n')).toBe(`printf '%s\\n' 'x' | (\ncat # note\n)`);
  });

  // The exactness claim, checked with a real shell: the command reads what cron would have written.
  test.each([
    ['cat', "Hello,\nit's 50% done\n"],
    ['cat', '\n\n'],
    ['cat', 'a\n\\'],
    ['cat # a comment', 'with $HOME and `ticks` and \\n\n'],
    ['cat; echo status=$?', 'x\n'],
  ])('sh -c runs %j with stdin %j', (command, stdin) => {
    const result = spawnSync('/bin/sh', ['-c', wrapWithStdin(command, stdin)], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', HOME: '/nowhere' },
    });
    const expected = command.includes('status') ? `${stdin}status=0\n` : stdin;
    expect(result.stdout).toBe(expected);
    expect(result.status).toBe(0);
  });

  test("the pipeline's exit status is the command's", () => {
    const result = spawnSync('/bin/sh', ['-c', wrapWithStdin('cat >/dev/null; exit 3', 'x\n')]);
    expect(result.status).toBe(3);
  });
});

describe('checkWrappable', () => {
  test('a POSIX shell and a plain command: fine', () => {
    expect(checkWrappable('mail root', '/bin/sh')).toBeUndefined();
    expect(checkWrappable('mail root', '/usr/local/bin/bash')).toBeUndefined();
  });

  test.each([
    ['   ', '/bin/sh', 'the command before "%" is empty: cron runs nothing'],
    ['mail root', '/usr/bin/fish', '"%" input needs a POSIX shell to feed it; SHELL is /usr/bin/fish'],
    ['echo a\\', '/bin/sh', 'the command before "%" ends with a backslash'],
  ])('%j with %s', (command, shell, reason) => {
    expect(checkWrappable(command, shell)).toBe(reason);
  });

  test('an even number of trailing backslashes is an escaped backslash: fine', () => {
    expect(checkWrappable('echo a\\\\', '/bin/sh')).toBeUndefined();
  });
});

describe('quoteForShell', () => {
  test('single quotes, with embedded quotes closed and escaped', () => {
    expect(quoteForShell("it's")).toBe(`'it'\\''s'`);
    expect(quoteForShell('')).toBe("''");
  });
});
