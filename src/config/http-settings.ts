/**
 * `settings.http` (issue 19.1): where the daemon serves its status page and `/metrics`. The short
 * form is the address (`http: 127.0.0.1:9187`); the map form adds the token every request must
 * carry (`http: {listen: 0.0.0.0:9187, token-file: /etc/taskkit/token}`). Anything but loopback
 * requires the token: the page runs tasks, so whoever reaches the port must prove who they are.
 * The token file is checked here (exists, private, not empty) so `validate` says what start would;
 * its content is read by the daemon only (http/token.ts), never kept in Settings.
 */
import { statSync } from 'node:fs';
import { showValue } from '../schedule/show-value.js';
import type { IssueCollector } from './collector.js';
import { formatHttpAddress, parseHttpAddress } from './http-address.js';
import { HTTP_KEYS } from './key-table.js';
import { checkKeys, isPlainMap, readPath, readText } from './read-value.js';
import type { HttpSettings } from './types.js';

type Path = readonly (string | number)[];

/**
 * `settings.http`; `checkFiles` (a real tasks file, not a settings-only read) stats the token file.
 * Undefined after an issue.
 */
export function readHttp(
  c: IssueCollector,
  path: Path,
  raw: unknown,
  context: { readonly baseDir: string; readonly checkFiles: boolean },
): HttpSettings | undefined {
  let listenPath: Path = path;
  let listenRaw: unknown = raw;
  let tokenFile: string | null = null;
  if (isPlainMap(raw)) {
    checkKeys(c, path, raw, HTTP_KEYS, 'http');
    listenPath = [...path, 'listen'];
    listenRaw = raw['listen'];
    if (listenRaw === undefined) {
      c.add('missing-key', path, 'value', 'http needs "listen: HOST:PORT" (such as 127.0.0.1:9187)');
      return undefined;
    }
    if (raw['token-file'] !== undefined) {
      const tokenPath = [...path, 'token-file'];
      tokenFile = readPath(c, tokenPath, raw['token-file'], context.baseDir, 'a token file path') ?? null;
      if (tokenFile !== null && context.checkFiles) checkTokenFile(c, tokenPath, tokenFile);
    }
  } else if (typeof raw !== 'string') {
    c.add(
      'invalid-value',
      path,
      'value',
      `expected HOST:PORT (127.0.0.1:9187) or {listen: HOST:PORT, token-file: PATH}, got ${showValue(raw)}`,
    );
    return undefined;
  }
  const text = readText(c, listenPath, listenRaw, 'HOST:PORT');
  if (text === undefined) return undefined;
  const parsed = parseHttpAddress(text);
  if (!parsed.ok) {
    c.add('invalid-value', listenPath, 'value', parsed.message);
    return undefined;
  }
  const address = parsed.value;
  const listen = formatHttpAddress(address);
  if (!address.loopback && tokenFile === null) {
    c.add(
      'missing-key',
      listenPath,
      'value',
      `listening on ${listen} (not loopback) requires http.token-file: anyone who can reach the port could ` +
        'read every task and run it. Write http: {listen: ' +
        `${listen}, token-file: PATH} with a file of mode 0600 holding a secret, or listen on 127.0.0.1`,
    );
    return undefined;
  }
  return Object.freeze({ listen, host: address.host, port: address.port, loopback: address.loopback, tokenFile });
}

/**
 * The token file must exist, be a regular file no one else can read (as ssh refuses a private
 * key of mode 0644: a secret others can read is no secret) and hold something.
 */
function checkTokenFile(c: IssueCollector, path: Path, file: string): void {
  const problem = describeTokenFileProblem(file);
  if (problem !== null) c.add('unreadable', path, 'value', problem);
}

/** Why `file` cannot be the token file, or null. Shared with the daemon, which checks again at start. */
export function describeTokenFileProblem(file: string): string | null {
  let stats;
  try {
    stats = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return `token file ${file}: ${code === 'ENOENT' ? 'no such file' : String(code ?? error)}`;
  }
  if (!stats.isFile()) return `token file ${file} is not a regular file`;
  const mode = stats.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    return (
      `token file ${file} has mode ${mode.toString(8).padStart(4, '0')}: group or others can read it, and a ` +
      `secret others can read is no secret (ssh refuses such a key too); run chmod 600 ${file}`
    );
  }
  if (stats.size === 0) return `token file ${file} is empty: write a secret in it (such as: openssl rand -hex 32)`;
  return null;
}
