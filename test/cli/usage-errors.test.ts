/**
 * Issue 18.7: commander's usage errors in taskkit's words, with the one did-you-mean wording of
 * config/suggest.ts and where to read more; exit 2. Through runCli: nothing reaches a daemon.
 */
import { describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { createMemoryIo } from '../support/memory-io.js';

async function usage(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const io = createMemoryIo({ env: { TZ: 'UTC', PATH: process.env['PATH'] } });
  const code = await runCli(args, io);
  return { code, stderr: io.stderrText(), stdout: io.stdoutText() };
}

describe('usage errors', () => {
  test.each([
    [['lst'], 'unknown verb "lst" (did you mean "list"); see taskkit help'],
    [['frobnicate'], 'unknown verb "frobnicate"; see taskkit help'],
    [
      ['reschedule', 'x', '--evry', '5m'],
      'unknown option "--evry" for "reschedule" (did you mean "--every"); see taskkit reschedule --help',
    ],
    [['list', '--jsn'], 'unknown option "--jsn" for "list" (did you mean "--json"); see taskkit list --help'],
    [['ls', '-x'], 'unknown option "-x" for "list"; see taskkit list --help'],
    [['--bogus'], 'unknown option "--bogus"; see taskkit --help'],
    [['reschedule'], 'missing argument NAME for "reschedule"; see taskkit reschedule --help'],
    [['hold', 'a', '--for'], 'option "--for <duration>" for "hold" needs a value; see taskkit hold --help'],
    [['run-now', 'a', 'b', 'c'], 'too many arguments for "run-now": expected 1, got 3; see taskkit run-now --help'],
    [
      ['graph', '--format', 'sgv'],
      'option "--format <format>" for "graph": "sgv" is not one of dot, svg (did you mean "svg"); ' +
        'see taskkit graph --help',
    ],
  ])('%j', async (args, message) => {
    expect(await usage(args)).toEqual({ code: 2, stderr: `taskkit: ${message}\n`, stdout: '' });
  });

  test('help and --version still exit 0 and print to stdout', async () => {
    const help = await usage(['list', '--help']);
    expect([help.code, help.stderr]).toEqual([0, '']);
    expect(help.stdout).toMatch(/^Usage: taskkit list\|ls/);
    const version = await usage(['--version']);
    expect([version.code, version.stderr, version.stdout]).toEqual([0, '', expect.stringMatching(/^\d+\.\d+\.\d+/)]);
  });
});
