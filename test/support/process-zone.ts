/**
 * Pin this process's zone (TZ) for the test file that calls this at its top level, and put it back
 * after the file: the `unit` project runs files one after another in the same worker (vitest.config.ts
 * `isolate: false`), so a zone left behind would change what the next file's local times print.
 */
import { afterAll } from 'vitest';

export function pinProcessZone(zone: string): void {
  const saved = process.env['TZ'];
  process.env['TZ'] = zone;
  afterAll(() => {
    if (saved === undefined) delete process.env['TZ'];
    else process.env['TZ'] = saved;
  });
}
