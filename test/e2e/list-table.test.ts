/**
 * Issue 20.3: `taskkit list` is drawn by the daemon (`list-table`) when the CLI's $TZ is the
 * daemon's, else by the CLI from `list-rows`. Real processes: the daemon runs with TZ=UTC; a CLI
 * with TZ=":UTC" (the same zone, another spelling, so the daemon declines) draws itself. Both must
 * print the same bytes, plain, coloured and with `--here`, on the fast path and through commander;
 * on the fast path the module log (test/fixtures/module-log/register.mjs) shows who drew: only
 * the CLI that draws loads the table code (dist/bin/taskkit-task-list.cjs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { cleanUpDaemons, daemonTasks, makeDaemonDir, startDetached } from './_daemon.js';

afterEach(cleanUpDaemons);

const REGISTER = pathToFileURL(fileURLToPath(new URL('../fixtures/module-log/register.mjs', import.meta.url))).href;
// Instants years away and no runs: the relative times are the same across the few seconds between two CLIs.
const TASKS = daemonTasks([
  '  on-demand:',
  '    run: "true"',
  '  yearly:',
  '    cron: "0 0 1 1 *"',
  '    timezone: America/New_York',
  '    run: "true"',
  '  later:',
  '    every: 30d',
  '    start: 2100-01-01T00:00',
  '    run: "true"',
]);

test('the daemon draws the table the CLI would: the same bytes for every list form, coloured or not', async () => {
  const d = makeDaemonDir();
  d.writeTasks(TASKS);
  await startDetached(d);
  expect((await d.taskkit(['hold', 'later'])).code).toBe(0);
  let logs = 0;
  const list = async (
    args: readonly string[],
    env: Record<string, string>,
  ): Promise<{ out: string; drew: boolean }> => {
    const log = join(d.dir, `modules-${++logs}.log`);
    const probe = { NODE_OPTIONS: `--import ${REGISTER}`, TASKKIT_TEST_MODULE_LOG: log };
    const result = await d.taskkit(args, { env: { ...env, ...probe } });
    expect(result.code, result.stderr).toBe(0);
    return { out: result.stdout, drew: /taskkit-task-list\.cjs|format\/task-list/.test(readFileSync(log, 'utf8')) };
  };
  for (const args of [['list'], ['list', '--here']]) {
    // cliEnv sets NO_COLOR=1; empty, it says nothing (io.ts shouldUseColor).
    for (const colour of [{}, { NO_COLOR: '', FORCE_COLOR: '1' }] as Record<string, string>[]) {
      for (const path of [{}, { TASKKIT_FAST_PATH: '0' }] as Record<string, string>[]) {
        const env = { ...colour, ...path };
        const byDaemon = await list(args, env);
        const byCli = await list(args, { ...env, TZ: ':UTC' });
        const what = `${args.join(' ')} ${JSON.stringify(env)}`;
        // The commander program's table code sits in an unnamed chunk: only the fast path's (plain `list`,
        // `--here` is commander's) shows who drew.
        if (args.length === 1 && !('TASKKIT_FAST_PATH' in path)) {
          expect(byDaemon.drew, what).toBe(false);
          expect(byCli.drew, what).toBe(true);
        }
        expect(byDaemon.out, what).toBe(byCli.out);
        expect(byDaemon.out, what).toMatch(/^NAME +SCHEDULE/);
        expect(byDaemon.out.includes('\u001b['), what).toBe('FORCE_COLOR' in colour);
        expect(byDaemon.out, what).toContain('America/New_York');
      }
    }
  }
});
