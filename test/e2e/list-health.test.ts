/**
 * Issue 16.8, through bin/taskkit against a real daemon: `list` tells health at a glance. A task
 * whose last slot failed says `failing` in STATE (a word, so NO_COLOR loses nothing), the footer
 * counts failing, held, overdue and running tasks as `status --check` sees them, auto-held and
 * overdue tasks show in STATE, `list --json` carries `failing`; with FORCE_COLOR=1 (no terminal)
 * the failing state and LAST are coloured, with NO_COLOR never.
 */
import { afterEach, expect, test } from 'vitest';
import type { TaskView } from '../../src/control/views.js';
import { cleanUpDaemons, daemonTasks, eventually, makeDaemonDir, type DaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

const ESC = '\u001b[';

async function listJson(d: DaemonDir): Promise<TaskView[]> {
  return JSON.parse((await d.taskkit(['list', '--json'])).stdout) as TaskView[];
}

test(
  'failing marked and counted, auto-held and overdue shown, colour by FORCE_COLOR / NO_COLOR',
  { timeout: 90_000 },
  async () => {
    const d = makeDaemonDir();
    d.writeTasks(
      daemonTasks([
        '  backup: { run: "exit 3" }',
        '  good: { run: "true" }',
        '  report: { every: 1h, run: "true" }',
        '  flaky: { every: 1s, run: "exit 1", hold-after-failures: 1 }',
        '  sync: { run: "true", expect-success-within: 2s }',
      ]),
    );
    expect((await d.taskkit(['start'])).code).toBe(0);
    expect((await d.taskkit(['run-now', 'backup', '--wait'])).code).toBe(3);
    expect((await d.taskkit(['run-now', 'good', '--wait'])).code).toBe(0);
    expect((await d.taskkit(['hold', 'report'])).code).toBe(0);
    await eventually(async () => {
      const tasks = await listJson(d);
      const ready = tasks.some((task) => task.name === 'flaky' && task.autoHeld);
      return ready && tasks.some((task) => task.name === 'sync' && task.overdueSince !== null) ? tasks : undefined;
    }, 'flaky to be auto-held and sync overdue');

    const tasks = await listJson(d);
    expect(tasks.map((task) => [task.name, task.failing])).toEqual([
      ['backup', true],
      ['good', false],
      ['report', false],
      ['flaky', false], // auto-held: a WARNING in status --check, not failing
      ['sync', false],
    ]);

    // Without colour (cliEnv sets NO_COLOR): words only.
    const plain = await d.taskkit(['list']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain(ESC);
    expect(plain.stdout).toMatch(/^backup +on demand +on-demand, failing +- +exited with code 3, /m);
    expect(plain.stdout).toMatch(/^good +on demand +on-demand +- +succeeded, /m);
    expect(plain.stdout).toMatch(/^flaky +every 1s +auto-held +/m);
    expect(plain.stdout).toMatch(/^sync +on demand +on-demand, overdue \d+s +- /m);
    expect(plain.stdout.trimEnd().split('\n').at(-1)).toBe('5 tasks: 1 failing, 2 held, 1 overdue, 0 running');
    // The footer's counts are status --check's perfdata (overdue too: issue 16 review).
    expect((await d.taskkit(['status', '--check'])).stdout).toMatch(
      / \| tasks=5 failing=1 held=2 overdue=1 running=0\n$/,
    );

    // FORCE_COLOR colours off a terminal: the failing state and its count red, LAST by outcome.
    const forced = (await d.taskkit(['list'], { env: { NO_COLOR: '', FORCE_COLOR: '1' } })).stdout;
    expect(forced).toMatch(/\u001b\[31mon-demand, failing +\u001b\[39m/);
    expect(forced).toContain('\u001b[31m1 failing\u001b[39m');
    expect(forced).toContain('\u001b[31mexited with code 3, ');
    expect(forced).toContain('\u001b[32msucceeded, ');
    // NO_COLOR wins over FORCE_COLOR.
    const both = await d.taskkit(['list'], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(both.stdout).not.toContain(ESC);
    expect(both.stdout).toContain('on-demand, failing');

    // After a restart the history's last run keeps backup failing.
    expect((await d.taskkit(['stop'])).code).toBe(0);
    expect((await d.taskkit(['start'])).code).toBe(0);
    expect((await listJson(d)).find((task) => task.name === 'backup')?.failing).toBe(true);
    expect((await d.taskkit(['list'])).stdout).toMatch(/^backup +on demand +on-demand, failing /m);
    expect((await d.taskkit(['stop'])).code).toBe(0);
  },
);
