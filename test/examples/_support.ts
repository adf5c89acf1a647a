/** Shared by the example tests: where examples/ is, and temp folders removed after each test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

/** Absolute folder of examples/ (ends with a slash). */
export const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp folder, removed after the test. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `taskkit-${prefix}-`));
  made.push(dir);
  return dir;
}
