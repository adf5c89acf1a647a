/**
 * The CLI's whole contact with the outside world, injected so that `runCli` is testable
 * in-process (STYLE.md practice 7). The colour decision is made here, once.
 */
import { escapeControl } from '../escape-control.js';

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
  /** The wall clock relative times are shown against; default Date.now (tests pin it). */
  readonly now?: () => number;
}

/** "Now" for relative times ("in 4m", "2s ago"). */
export function readNow(io: CliIo): number {
  return io.now === undefined ? Date.now() : io.now();
}

/** The real process's I/O, for bin/taskkit. */
export function createProcessIo(): CliIo {
  // `taskkit list | head`: the reader left. Node ignores SIGPIPE, so the write fails with EPIPE,
  // which would otherwise crash with a stack trace; the output is no longer wanted, nothing more.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // A getter: touching process.stdin sets up a stream (and loads child_process, dgram) that
    // only `import-crontab -` needs.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
    isTTY: process.stdout.isTTY === true,
    process,
  };
}

/**
 * Colour never with NO_COLOR (https://no-color.org: any non-empty value); else as FORCE_COLOR
 * says when it is set and not empty (https://force-color.org; "0" and "false" mean none, as chalk
 * reads them), for a pager or a test that is no terminal; else only on a TTY. NO_COLOR wins over FORCE_COLOR
 * (Node lets FORCE_COLOR win): whoever set NO_COLOR asked for no colour, and a FORCE_COLOR exported
 * for another program should not override that.
 */
export function shouldUseColor(io: CliIo): boolean {
  const noColor = io.env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  const forceColor = io.env['FORCE_COLOR'];
  if (forceColor !== undefined && forceColor !== '') return forceColor !== '0' && forceColor !== 'false';
  return io.isTTY;
}

/** The styles human output uses; a chalk instance is one, and so is PLAIN_PAINTER. */
export interface Painter {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const keep = (text: string): string => text;

/** No colour: every style returns its text unchanged. */
export const PLAIN_PAINTER: Painter = Object.freeze({
  bold: keep,
  dim: keep,
  green: keep,
  red: keep,
  yellow: keep,
  cyan: keep,
});

/**
 * Chalk when `shouldUseColor` says so, else PLAIN_PAINTER. chalk is imported only then: a
 * script piping `taskkit list` should not pay for loading it (bench/scenarios/cli-latency.js).
 */
export async function loadPainter(io: CliIo): Promise<Painter> {
  return shouldUseColor(io) ? await colourPainter() : PLAIN_PAINTER;
}

/** The colours of every coloured output (the daemon's `list-table` too): chalk at level 1, 16 colours. */
export async function colourPainter(): Promise<Painter> {
  const { Chalk } = await import('chalk');
  return new Chalk({ level: 1 });
}

/** Write one line to stdout. */
export function printLine(io: CliIo, text = ''): void {
  io.stdout.write(`${text}\n`);
}

/** Write many lines to stdout in one write (a 1,000-row table as 1,000 writes costs ~3 ms). */
export function printLines(io: CliIo, lines: readonly string[]): void {
  if (lines.length > 0) io.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * Write a run's output to stdout, as the bytes it is (a Buffer from the daemon's base64, never
 * text: decoding would turn a 0xFF into U+FFFD), with its back-pressure (issue 15 point 10): undefined when stdout
 * took it, else a promise that settles when stdout drains (or fails, or closes). A stream's event
 * handler returns it, so the control client reads the socket no faster than stdout takes the
 * output: the CLI is behind, never a reader the daemon drops.
 */
export function writeOutput(io: CliIo, chunk: string | Uint8Array): Promise<void> | undefined {
  const { stdout } = io;
  if (stdout.write(chunk)) return undefined;
  return new Promise((resolve) => {
    const done = (): void => {
      stdout.off('drain', done);
      stdout.off('error', done);
      stdout.off('close', done);
      resolve();
    };
    stdout.on('drain', done);
    stdout.on('error', done);
    stdout.on('close', done);
  });
}

/** Write one line (or several) to stderr, control characters escaped: errors quote task text (issue 15 point 14). */
export function printError(io: CliIo, text: string): void {
  io.stderr.write(`${escapeControl(text, { keepNewlines: true })}\n`);
}

/** Print a value as stable, pretty JSON (the `--json` output of every verb). */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
