/**
 * Issue 20.3: bin/taskkit runs `list`, `run-now NAME` and `__complete tasks` on a fast path
 * without commander (src/cli/fast-path.ts). What a user sees must not depend on it: every case
 * runs twice through bin/taskkit, on the fast path and with TASKKIT_FAST_PATH=0 (the commander
 * program), and both must print the same and exit alike. The module log
 * (test/fixtures/module-log/register.mjs) proves which path ran.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { cleanUpDaemons, daemonTasks, makeDaemonDir, startDetached, type DaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

const REGISTER = pathToFileURL(fileURLToPath(new URL('../fixtures/module-log/register.mjs', import.meta.url))).href;
const TASKS = daemonTasks([
  '  quick:',
  '    run: "true"',
  '  yearly:',
  '    cron: "0 0 1 1 *"',
  '    run: "true"',
  '  later:',
  '    every: 30d',
  '    start: 2100-01-01T00:00',
  '    run: "true"',
]);

interface Both {
  readonly fast: { code: number | null; stdout: string; stderr: string };
  readonly full: { code: number | null; stdout: string; stderr: string };
}

let logs = 0;

/**
 * `taskkit ARGS` with the fast path on and through commander; unless `declined`, fails when the
 * fast path did not really run (it declines `__complete tasks` when no daemon answers).
 */
async function both(d: DaemonDir, args: readonly string[], declined = false): Promise<Both> {
  const log = join(d.dir, `modules-${++logs}.log`);
  const probe = { NODE_OPTIONS: `--import ${REGISTER}`, TASKKIT_TEST_MODULE_LOG: log };
  const fast = await d.taskkit(args, { env: probe });
  const loaded = readFileSync(log, 'utf8');
  expect(loaded).toContain('/dist/bin/taskkit.cjs');
  if (declined) expect(loaded).toContain('/dist/bin/taskkit-full.js');
  else expect(loaded, `fast path for ${args.join(' ')}`).not.toMatch(/taskkit-full\.js|chunk-|commander|chalk|yaml/);
  const full = await d.taskkit(args, { env: { TASKKIT_FAST_PATH: '0' } });
  return { fast, full };
}

/** Run ids and pids differ between two triggers of the same task. */
const sameRun = (text: string): string => text.replace(/#\d+/g, '#N').replace(/pid \d+/g, 'pid P');

test('list, ls, --json anywhere, -c/--config=/--socket: the same output and exit code as commander', async () => {
  const d = makeDaemonDir();
  const file = d.writeTasks(TASKS);
  await startDetached(d);
  for (const args of [
    ['list'],
    ['ls'],
    ['--json', 'list'],
    ['list', '--json'],
    ['list', '--config', file],
    ['-c', file, 'ls'],
    [`--config=${file}`, 'list', '--json'],
    ['--socket', d.socket, 'list'],
    [`--socket=${d.socket}`, 'list', '--config', join(d.dir, 'missing.yaml')],
    ['__complete', 'tasks'],
  ]) {
    const { fast, full } = await both(d, args);
    expect(fast, args.join(' ')).toEqual(full);
    expect(fast.code, args.join(' ')).toBe(0);
  }
  const listed = (await both(d, ['list'])).fast.stdout;
  expect(listed).toMatch(/^NAME +SCHEDULE/);
  expect(listed).toContain('yearly');
  expect((await both(d, ['__complete', 'tasks'])).fast.stdout).toBe('quick\nyearly\nlater\n');
});

test('run-now NAME and its errors: the same output and exit code as commander', async () => {
  const d = makeDaemonDir();
  d.writeTasks(TASKS);
  await startDetached(d);
  const triggered = await both(d, ['run-now', 'quick']);
  expect(triggered.fast.stdout).toMatch(/^quick #\d+ /);
  expect({ ...triggered.fast, stdout: sameRun(triggered.fast.stdout) }).toEqual({
    ...triggered.full,
    stdout: sameRun(triggered.full.stdout),
  });
  const json = await both(d, ['run-now', 'quick', '--json']);
  expect(JSON.parse(json.fast.stdout)).toMatchObject({ run: { task: 'quick' } });
  expect(json.fast.code).toBe(json.full.code);
  const unknown = await both(d, ['run-now', 'quik']);
  expect(unknown.fast).toEqual(unknown.full);
  expect(unknown.fast.code).not.toBe(0);
  expect(unknown.fast.stderr).toContain('quik');
});

test('no daemon, and a tasks file that cannot be read: the same errors and exit codes', async () => {
  const d = makeDaemonDir();
  const file = d.writeTasks(TASKS);
  for (const args of [['list'], ['run-now', 'quick'], ['list', '--json'], ['__complete', 'tasks']]) {
    const { fast, full } = await both(d, args, args[0] === '__complete');
    expect(fast, args.join(' ')).toEqual(full);
  }
  const unreachable = await both(d, ['list']);
  expect(unreachable.fast.code).toBe(3);
  expect(unreachable.fast.stderr).toContain(d.socket);
  // No daemon: completion reads the names from the file, through commander's path.
  const names = await d.taskkit(['__complete', 'tasks']);
  expect(names.stdout).toBe('quick\nyearly\nlater\n');
  writeFileSync(file, 'settings:\n  state-dir: [\n');
  const broken = await d.taskkit(['list']);
  const brokenFull = await d.taskkit(['list'], { env: { TASKKIT_FAST_PATH: '0' } });
  expect(broken).toEqual(brokenFull);
  expect(broken.code).toBe(3);
  expect(broken.stderr).toContain('the tasks file did not say');
});
