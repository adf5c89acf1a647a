/**
 * The tasks-file YAML of a translation, built with yaml's Document API so that every string
 * (commands with quotes, `#`, `: ` or line breaks) round-trips exactly and comments sit where
 * the crontab had them.
 */
import { Document, Pair, Scalar, YAMLMap } from 'yaml';
import type { ImportedTask, Translation } from './translate.js';

export interface EmitOptions {
  /** Where the crontab came from, for the header: a path, "standard input" or "crontab -l". */
  readonly source: string;
  /** The day of the import (YYYY-MM-DD) for the header; omitted when absent (stable output). */
  readonly date?: string;
}

/** The YAML text, ending with a newline. */
export function emitTasksYaml(translation: Translation, options: EmitOptions): string {
  const doc = new Document();
  doc.commentBefore = writeComments(writeHeaderLines(translation, options));
  const tasks = new YAMLMap<Scalar<string>, YAMLMap>();
  for (const [index, entry] of translation.entries.entries()) {
    const key = new Scalar(entry.task.name);
    if (entry.comments.length > 0) key.commentBefore = writeComments(entry.comments);
    if (index > 0) key.spaceBefore = true;
    tasks.items.push(new Pair(key, buildTask(doc, entry.task)));
  }
  const trailing = translation.trailingComments.length > 0 ? writeComments(translation.trailingComments) : undefined;
  if (tasks.items.length === 0) {
    tasks.flow = true;
    if (trailing !== undefined) doc.comment = trailing;
  } else if (trailing !== undefined) {
    tasks.comment = trailing;
  }
  const root = new YAMLMap();
  root.items.push(new Pair(new Scalar('tasks'), tasks));
  doc.contents = root;
  // lineWidth 0: never fold a command across lines.
  return doc.toString({ lineWidth: 0 });
}

function buildTask(doc: Document, task: ImportedTask): YAMLMap {
  const map = new YAMLMap();
  const add = (key: string, value: unknown): void => {
    map.items.push(new Pair(new Scalar(key), doc.createNode(value)));
  };
  if (task.description !== null) add('description', task.description);
  const cron = new Scalar(task.cron);
  // Double quotes, as the man page writes cron expressions (and `*` or `@` must be quoted anyway).
  cron.type = Scalar.QUOTE_DOUBLE;
  map.items.push(new Pair(new Scalar('cron'), cron));
  if (task.timezone !== null) add('timezone', task.timezone);
  if (task.shell !== null) add('shell', task.shell);
  if (Object.keys(task.env).length > 0) add('env', task.env);
  add('run', task.run);
  return map;
}

function writeHeaderLines(translation: Translation, options: EmitOptions): string[] {
  const kept = translation.notes.some((note) => note.message.startsWith('not translated'));
  return [
    ` Imported from ${options.source} by taskkit ` +
      `import-crontab${options.date === undefined ? '' : ` on ${options.date}`}.`,
    ' cron ran each command with a small environment of its own (HOME, LOGNAME, SHELL=/bin/sh,',
    " PATH=/usr/bin:/bin, then the crontab's assignments); taskkit runs it with the daemon's",
    " environment plus the task's env. Jobs without CRON_TZ ran in the system's time zone, and so do",
    ' tasks without timezone here. Check a schedule with: taskkit next NAME -n 5',
    ...(kept ? [' Lines marked "import-crontab: ... not translated" need your attention.'] : []),
  ];
}

/** yaml prefixes each line with "#"; a CR or other control character would end the comment early. */
function writeComments(lines: readonly string[]): string {
  return lines
    .map((line) => line.replace(/[\u0000-\u0008\u000a-\u001f\u007f\u0085\u2028\u2029]/g, escapeControl))
    .join('\n');
}

function escapeControl(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
