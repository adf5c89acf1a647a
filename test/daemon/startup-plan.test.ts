/** planStartup: the one start-up sequence of `start` and `start -f` (trust, state dir, socket), in order. */
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { loadTasksFile } from '../../src/config/load.js';
import type { TasksFile } from '../../src/config/types.js';
import { statePaths } from '../../src/daemon/paths.js';
import { planStartup, type StartupOptions } from '../../src/daemon/startup-plan.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-plan-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const uid = process.getuid?.() ?? 0;
const env = { HOME: '/home/tester', TZ: 'UTC' };
const options = (extra: Partial<StartupOptions> = {}): StartupOptions => ({
  socketFlag: undefined,
  env,
  cwd: dir,
  insecure: false,
  uid,
  ...extra,
});

function load(settings: string): TasksFile {
  const path = join(dir, 'tasks.yaml');
  writeFileSync(path, `settings:\n${settings}tasks:\n  x: { run: "true" }\n`, { mode: 0o600 });
  return loadTasksFile(path, { env });
}

test('the state dir is created private and the socket comes from the settings', () => {
  const file = load('  state-dir: ./state\n  socket: ./tk.sock\n');
  const plan = planStartup(file, options());
  expect(plan).toEqual({
    file,
    paths: statePaths(join(dir, 'state')),
    socket: join(dir, 'tk.sock'),
  });
  expect(statSync(join(dir, 'state')).mode & 0o777).toBe(0o700);
});

test('--socket wins over settings.socket, resolved against cwd', () => {
  const file = load('  state-dir: ./state\n  socket: ./tk.sock\n');
  expect(planStartup(file, options({ socketFlag: 'flag.sock' })).socket).toBe(join(dir, 'flag.sock'));
});

test('a file others can write is refused before the state dir is made; --insecure runs it', () => {
  const file = load('  state-dir: ./state\n');
  chmodSync(file.path, 0o666);
  expect(() => planStartup(file, options())).toThrow(expect.objectContaining({ code: 'CONFIG_INSECURE' }));
  expect(existsSync(join(dir, 'state'))).toBe(false);
  expect(planStartup(file, options({ insecure: true })).paths.stateDir).toBe(join(dir, 'state'));
});

test('a state dir that cannot be made is refused with USAGE', () => {
  writeFileSync(join(dir, 'plain-file'), '');
  const file = load('  state-dir: ./plain-file/state\n');
  expect(() => planStartup(file, options())).toThrow(expect.objectContaining({ code: 'USAGE' }));
});
