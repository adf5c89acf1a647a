/** An in-memory CliIo for running `runCli` in-process and reading what it printed. */
import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';

export interface MemoryIo extends CliIo {
  /** Everything written to stdout so far. */
  stdoutText(): string;
  stderrText(): string;
}

export function createMemoryIo(
  options: { env?: Record<string, string | undefined>; cwd?: string; isTTY?: boolean } = {},
): MemoryIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  return {
    stdout,
    stderr,
    stdin: Readable.from([]),
    env: options.env ?? { PATH: process.env['PATH'], HOME: process.env['HOME'] },
    cwd: options.cwd ?? process.cwd(),
    isTTY: options.isTTY ?? false,
    stdoutText: () => Buffer.concat(out).toString('utf8'),
    stderrText: () => Buffer.concat(err).toString('utf8'),
  };
}
