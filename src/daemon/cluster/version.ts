/** taskkit's version as a host row gives it (CLUSTER.md: upgrade rules, `status`). */
import { readFileSync } from 'node:fs';

let version: string | undefined;

/** taskkit's version for the host row (upgrade rules and `status`); the bundle sits two levels below the package. */
export function readVersion(): string {
  try {
    version ??= (
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    ).version;
  } catch {
    version = 'unknown';
  }
  return version;
}
