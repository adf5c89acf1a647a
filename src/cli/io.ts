/**
 * The CLI's whole contact with the outside world, injected so that `runCli` is testable
 * in-process (STYLE.md practice 7). The colour decision is made here, once.
 */
import { Chalk, type ChalkInstance } from 'chalk';

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** True when stdout is a terminal (colour, relative times). */
  readonly isTTY: boolean;
  /** Process-level hooks the foreground daemon needs (signals); absent in in-process tests. */
  readonly process?: NodeJS.Process;
}

/** The real process's I/O, for bin/taskkit. */
export function createProcessIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    isTTY: process.stdout.isTTY === true,
    process,
  };
}

/** Colour only on a TTY and never with NO_COLOR (https://no-color.org: any non-empty value). */
export function shouldUseColor(io: CliIo): boolean {
  const noColor = io.env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  return io.isTTY;
}

/** A chalk instance that colours only when `shouldUseColor` says so. */
export function createPainter(io: CliIo): ChalkInstance {
  return new Chalk({ level: shouldUseColor(io) ? 1 : 0 });
}

/** Write one line to stdout. */
export function printLine(io: CliIo, text = ''): void {
  io.stdout.write(`${text}\n`);
}

/** Write one line to stderr. */
export function printError(io: CliIo, text: string): void {
  io.stderr.write(`${text}\n`);
}

/** Print a value as stable, pretty JSON (the `--json` output of every verb). */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
