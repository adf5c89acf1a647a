/** The state dir: created private, and a clear refusal (never a hang) when it cannot be. */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { prepareStateDir, statePaths } from '../../src/daemon/paths.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-paths-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('statePaths: log, pid file, database and lock in the state dir', () => {
  expect(statePaths('/var/lib/tk')).toEqual({
    stateDir: '/var/lib/tk',
    logFile: '/var/lib/tk/taskkit.log',
    pidFile: '/var/lib/tk/taskkit.pid',
    database: '/var/lib/tk/taskkit.db',
    lockFile: '/var/lib/tk/taskkit.lock',
  });
});

test('missing parents are created, each 0700', () => {
  const stateDir = join(dir, 'a', 'b', 'state');
  prepareStateDir(stateDir);
  for (const path of [join(dir, 'a'), join(dir, 'a', 'b'), stateDir]) expect(statSync(path).mode & 0o777).toBe(0o700);
});

test.each([
  ['under a file', (base: string) => (writeFileSync(join(base, 'f'), ''), join(base, 'f', 'state')), 'ENOTDIR'],
  ['a file itself', (base: string) => (writeFileSync(join(base, 'g'), ''), join(base, 'g')), 'ENOTDIR'],
  // Node 20's recursive mkdirSync spins forever here; the start must fail instead.
  ['under /proc', () => '/proc/taskkit-test/state', 'ENOENT'],
])('a state dir %s is refused with the reason', (_label, make, reason) => {
  const stateDir = make(dir);
  expect(() => prepareStateDir(stateDir)).toThrow(
    `state dir ${stateDir} is not a writable directory (${reason}); fix its permissions or set settings.state-dir`,
  );
});
