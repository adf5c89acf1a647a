/**
 * Where `mail:` finds sendmail (issue 16.1): on PATH, else where mail transfer agents put it
 * (/usr/sbin/sendmail, /usr/lib/sendmail), as cron does. Only executable files count.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const FALLBACKS = ['/usr/sbin/sendmail', '/usr/lib/sendmail'];

/** The sendmail to use, or null when this host has none. */
export function findSendmail(env: NodeJS.ProcessEnv): string | null {
  const onPath = (env['PATH'] ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, 'sendmail'));
  return [...onPath, ...FALLBACKS].find(isExecutableFile) ?? null;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
