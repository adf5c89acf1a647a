/**
 * `env-file: PATH`: NAME=VALUE lines read into a task's `env` each time the tasks file is loaded
 * (start, reload), so that secrets live in a file of their own (mode 0600, out of version control)
 * and not in the tasks file. The format is the common subset of systemd's EnvironmentFile and
 * docker's --env-file: `#` comments, blank lines, an optional `export `, and a value that is
 * either bare (taken as is, trailing blanks dropped) or wholly in single or double quotes (no
 * escapes, no expansion: what is between the quotes is the value).
 */
import { closeSync, readFileSync } from 'node:fs';
import { TaskkitError } from '../errors.js';
import type { IssueCollector } from './collector.js';
import { openTrusted, type FileTrust } from './file-trust.js';
import { ENV_NAME_PATTERN } from './key-table.js';
import { readPath } from './read-value.js';

type Path = readonly (string | number)[];

const ENV_NAME = new RegExp(ENV_NAME_PATTERN);
// A secrets file has no reason to be large; a mistaken path (a log, a binary) should not be read whole.
const MAX_ENV_FILE_BYTES = 1024 * 1024;

export interface EnvFile {
  /** Absolute. */
  readonly path: string;
  readonly values: Readonly<Record<string, string>>;
}

/**
 * Resolve and read `raw`; issues point at the `env-file` key and name the file's line. Values never appear in messages.
 */
export function readEnvFile(
  c: IssueCollector,
  path: Path,
  raw: unknown,
  baseDir: string,
  trust: FileTrust = null,
): EnvFile | undefined {
  const file = readPath(c, path, raw, baseDir, 'the path of a NAME=VALUE file');
  if (file === undefined) return undefined;
  let text: string;
  try {
    // Checked and read through one descriptor (issue 15 point 11); CONFIG_INSECURE goes up as is.
    const fd = openTrusted(file, 'env file', trust);
    let buffer: Buffer;
    try {
      buffer = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
    if (buffer.length > MAX_ENV_FILE_BYTES)
      return fail(c, path, `env file ${file} is larger than 1 MiB: is it the right file?`);
    text = buffer.toString('utf8');
  } catch (error) {
    if (error instanceof TaskkitError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'not found'
        : code === 'EISDIR'
          ? 'is a folder'
          : code === 'EACCES'
            ? 'permission denied'
            : (code ?? String(error));
    return fail(c, path, `env file ${file}: ${reason}`);
  }
  const parsed = parseEnvText(text);
  if (typeof parsed === 'string') return fail(c, path, `env file ${file}: ${parsed}`);
  return { path: file, values: parsed };
}

/** NAME=VALUE lines -> values, or the first problem as "line N: ..." (without the line's value). */
export function parseEnvText(text: string): Record<string, string> | string {
  const entries: [string, string][] = [];
  for (const [index, rawLine] of text.split(/\r?\n/).entries()) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const assignment = line.startsWith('export ') ? line.slice('export '.length).trimStart() : line;
    const equals = assignment.indexOf('=');
    const name = equals < 0 ? assignment : assignment.slice(0, equals).trimEnd();
    if (equals < 0) return `line ${index + 1}: expected NAME=VALUE`;
    if (!ENV_NAME.test(name))
      return `line ${index + 1}: invalid variable name: use letters, digits and "_", not starting with a digit`;
    const value = unquote(assignment.slice(equals + 1).trim());
    if (value === undefined) return `line ${index + 1}: ${name}: a quoted value must end with the same quote`;
    entries.push([name, value]);
  }
  // fromEntries: a later line wins, as in a shell; __proto__ stays a plain variable.
  return Object.fromEntries(entries);
}

function unquote(value: string): string | undefined {
  const quote = value[0];
  if (quote !== '"' && quote !== "'") return value;
  if (value.length < 2 || !value.endsWith(quote)) return undefined;
  return value.slice(1, -1);
}

function fail(c: IssueCollector, path: Path, message: string): undefined {
  c.add('invalid-value', path, 'value', message);
  return undefined;
}
