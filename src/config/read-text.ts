/**
 * Read a tasks file as text, turning every way it can be unusable (a folder, a binary, not
 * UTF-8, too large, no permission) into one clear 'unreadable' issue instead of a stack trace.
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { TaskkitError } from '../errors.js';
import { ConfigError } from './config-error.js';
import { unreadableIssue } from './issues.js';
import { MAX_FILE_BYTES } from './defaults.js';
import { openTrusted, type FileTrust } from './file-trust.js';

const CHUNK_BYTES = 64 * 1024;

/**
 * The file's text (a UTF-8 BOM dropped); throws CONFIG_NOT_FOUND, CONFIG_INSECURE (when `trust`
 * is given and the file fails it: checked on the descriptor that is read) or a ConfigError.
 */
export function readTasksText(path: string, trust: FileTrust = null): string {
  let fd: number;
  try {
    fd = openTrusted(path, 'tasks file', trust);
  } catch (error) {
    if (error instanceof TaskkitError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new TaskkitError('CONFIG_NOT_FOUND', `tasks file not found: ${path}`, { cause: error });
    throw unreadable(path, describeOpenError(error));
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) throw unreadable(path, 'is a directory, not a tasks file (give the path of a YAML file)');
    if (stats.isFile() && stats.size > MAX_FILE_BYTES) throw unreadable(path, tooLarge(stats.size));
    // Read in chunks up to the limit: a pipe or device has no size to check beforehand.
    const bytes = readAtMost(fd, MAX_FILE_BYTES + 1);
    if (bytes.length > MAX_FILE_BYTES) throw unreadable(path, tooLarge(undefined));
    return decodeText(path, bytes);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw unreadable(path, describeOpenError(error));
  } finally {
    closeSync(fd);
  }
}

function readAtMost(fd: number, limit: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, limit - total));
    const read = readSync(fd, chunk, 0, chunk.length, null);
    if (read === 0) break;
    chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read));
    total += read;
  }
  return Buffer.concat(chunks, total);
}

function decodeText(path: string, bytes: Buffer): string {
  const utf16 =
    bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  if (utf16) throw unreadable(path, 'is UTF-16 text; save it as UTF-8');
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    const line = countLines(bytes, nul);
    throw unreadable(path, 'contains a NUL byte: it looks like a binary file, not YAML text', line);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw unreadable(path, 'is not UTF-8 text; save it as UTF-8');
  }
}

function countLines(bytes: Buffer, end: number): number {
  let line = 1;
  for (let index = bytes.indexOf(10); index !== -1 && index < end; index = bytes.indexOf(10, index + 1)) line++;
  return line;
}

function tooLarge(size: number | undefined): string {
  const limit = `${MAX_FILE_BYTES / 1024 / 1024} MiB`;
  const actual = size === undefined ? 'larger than that' : `${(size / 1024 / 1024).toFixed(1)} MiB`;
  return `is too large for a tasks file: at most ${limit}, this one is ${actual}`;
}

function describeOpenError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  if (code === 'EISDIR') return 'is a directory, not a tasks file (give the path of a YAML file)';
  return `cannot be read: ${error instanceof Error ? error.message : String(error)}`;
}

function unreadable(path: string, message: string, line = 0): ConfigError {
  return new ConfigError([unreadableIssue(path, message, line)]);
}
