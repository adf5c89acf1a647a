/**
 * The token of a listener that needs one: the content of `http.token-file`, read by the daemon at
 * start and reload, checked again as the tasks file's reader did (config/http-settings.ts): the
 * file may have changed since. Surrounding blanks and the final newline are not part of it.
 */
import { readFileSync } from 'node:fs';
import { describeTokenFileProblem } from '../config/http-settings.js';
import { TaskkitError } from '../errors.js';

export function readTokenFile(file: string): string {
  const problem = describeTokenFileProblem(file);
  if (problem !== null) throw new TaskkitError('CONFIG_INSECURE', `http: ${problem}`);
  const token = readFileSync(file, 'utf8').trim();
  if (token === '') throw new TaskkitError('CONFIG_INSECURE', `http: token file ${file} holds only blanks`);
  return token;
}
