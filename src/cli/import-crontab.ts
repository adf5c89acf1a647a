/**
 * `taskkit import-crontab [FILE | -]`: read a crontab (a file, standard input, or `crontab -l`),
 * print the tasks-file YAML on stdout and a summary of the notes on stderr; `--json` prints
 * `{yaml, tasks, notes}` instead. Exit 0 when at least one task was imported, 1 when none was
 * (or the user has no crontab), 2 when the crontab cannot be read at all.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { importCrontab, type CrontabFormat, type CrontabImport } from '../config/crontab/import.js';
import { detectPathFormat } from '../config/crontab/format.js';
import { TaskkitError } from '../errors.js';
import type { CommandContext, GlobalOptions } from './context.js';
import { printError, printJson, readNow, type CliIo } from './io.js';

/** A crontab's text and what the header should call it. */
interface CrontabSource {
  readonly text: string;
  readonly source: string;
  readonly format?: CrontabFormat;
}

/** `import-crontab`: FILE, "-" for standard input, or no argument for `crontab -l`. */
export async function runImportCrontab(
  context: CommandContext,
  file: string | undefined,
  globals: GlobalOptions,
): Promise<void> {
  const { io } = context;
  const input = await readCrontab(context, file);
  if (input === undefined) return;
  const result = importCrontab(input.text, {
    source: input.source,
    date: new Date(readNow(io)).toISOString().slice(0, 10),
    ...(input.format === undefined ? {} : { format: input.format }),
  });
  if (globals.json === true) printJson(io, { yaml: result.yaml, tasks: result.tasks, notes: result.notes });
  else {
    io.stdout.write(result.yaml);
    printSummary(io, input.source, result);
  }
  if (result.tasks.length === 0) context.exitCode = 1;
}

async function readCrontab(context: CommandContext, file: string | undefined): Promise<CrontabSource | undefined> {
  const { io } = context;
  if (file === '-') return { text: await readStream(io.stdin), source: 'standard input' };
  if (file !== undefined) {
    const path = resolve(io.cwd, file);
    try {
      const text = await readFile(path, 'utf8');
      const format = detectPathFormat(path);
      return format === undefined ? { text, source: file } : { text, source: file, format };
    } catch (error) {
      const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
      throw new TaskkitError('USAGE', `cannot read the crontab "${file}" (${reason})`, { cause: error });
    }
  }
  return await readUserCrontab(context);
}

/**
 * `crontab -l` through the PATH of `io.env`. Every cron prints "no crontab for USER" (and exits 1)
 * when there is none; that is not a failure of taskkit, but there is nothing to import either.
 */
async function readUserCrontab(context: CommandContext): Promise<CrontabSource | undefined> {
  const { io } = context;
  const { execa } = await import('execa');
  const result = await execa('crontab', ['-l'], {
    env: io.env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    stripFinalNewline: false,
    timeout: 30_000,
  });
  if (result.failed && result.code === 'ENOENT') {
    printError(
      io,
      'taskkit: there is no crontab command here to run "crontab -l"; give a crontab file, or - to read standard input',
    );
    context.exitCode = 2;
    return undefined;
  }
  const stderr = String(result.stderr).trim();
  if (result.exitCode !== 0 || result.failed) {
    const none = /no crontab for/i.test(stderr);
    const detail = stderr === '' ? result.shortMessage : stderr;
    printError(io, none ? `taskkit: ${stderr}: nothing to import` : `taskkit: crontab -l failed: ${detail}`);
    context.exitCode = 1;
    return undefined;
  }
  return { text: String(result.stdout), source: 'crontab -l', format: 'user' };
}

/** The whole of a readable stream as UTF-8 text. */
async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** One line for the outcome, then each note with its crontab line (human output, stderr). */
function printSummary(io: CliIo, source: string, result: CrontabImport): void {
  const kept = result.notes.filter((note) => note.message.startsWith('not translated')).length;
  const tasks = `${result.tasks.length} task${result.tasks.length === 1 ? '' : 's'}`;
  const comments = kept === 0 ? '' : `; ${kept} line${kept === 1 ? '' : 's'} kept as comments`;
  const format = result.format === 'system' ? ' (system crontab: user column read)' : '';
  const lines = [`taskkit: imported ${tasks} from ${source}${format}${comments}`];
  for (const note of result.notes) lines.push(`  ${note.line === null ? '' : `line ${note.line}: `}${note.message}`);
  printError(io, lines.join('\n'));
}
