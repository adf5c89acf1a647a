/** `taskkit import-crontab`, the pure part: crontab text in, tasks-file YAML and notes out. */
import { emitTasksYaml } from './emit.js';
import { detectCrontabFormat, type CrontabFormat } from './format.js';
import { parseCrontabLine } from './parse-line.js';
import { translateCrontab, type ImportedTask, type ImportNote } from './translate.js';

export type { CrontabFormat } from './format.js';
export type { ImportedTask, ImportNote } from './translate.js';

export interface ImportCrontabOptions {
  /** For the header comment: a path, "standard input" or "crontab -l". */
  readonly source: string;
  /** The format when the caller knows it; else detected from the text (format.ts). */
  readonly format?: CrontabFormat;
  /** YYYY-MM-DD for the header comment; omitted when absent. */
  readonly date?: string;
}

export interface CrontabImport {
  readonly yaml: string;
  readonly tasks: readonly ImportedTask[];
  /** In line order; file-wide notes (line null) last. */
  readonly notes: readonly ImportNote[];
  readonly format: CrontabFormat;
}

/** Translate a whole crontab. Never throws on content: what cannot be translated becomes a comment and a note. */
export function importCrontab(text: string, options: ImportCrontabOptions): CrontabImport {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const crlf = lines.some((line) => line.endsWith('\r'));
  const clean = lines.map((line) => line.replace(/\r$/, ''));
  const format = detectCrontabFormat(clean, options.format);
  const parsed = clean.map((line, index) => parseCrontabLine(line, index + 1, { system: format === 'system' }));
  const translation = translateCrontab(parsed);
  const notes = [...translation.notes];
  if (crlf)
    notes.push({
      line: null,
      message:
        'the file has CRLF line ends; the CR of each line was removed (cron would have made it part of the command)',
    });
  if (translation.entries.length === 0)
    notes.push({
      line: null,
      message: 'no cron job was imported, so the output has no tasks (taskkit validate rejects it)',
    });
  const yaml = emitTasksYaml(
    { ...translation, notes },
    { source: options.source, ...(options.date === undefined ? {} : { date: options.date }) },
  );
  return { yaml, tasks: translation.entries.map((entry) => entry.task), notes, format };
}
