/**
 * Issue 13.7, through bin/taskkit against a real daemon: a module task's returned value shows in
 * `logs`, `history --json` and `show`; LAST is the last run that ran, not the "skipped: missed N
 * instants" row a restart writes; `resume` of a task not held says so; `@reboot` and `after:`
 * tasks say what starts them; LAST is coloured by outcome on a terminal, never with NO_COLOR.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { RunView, TaskView } from '../../src/control/views.js';
import { cliEnv } from '../support/cli-process.js';
import { runOnTerminal } from '../support/terminal.js';
import { cleanUpDaemons, daemonTasks, makeDaemonDir, pause, type DaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

async function listJson(d: DaemonDir): Promise<TaskView[]> {
  return JSON.parse((await d.taskkit(['list', '--json'])).stdout) as TaskView[];
}

async function historyJson(d: DaemonDir, task: string): Promise<RunView[]> {
  return (JSON.parse((await d.taskkit(['history', task, '--json'])).stdout) as { runs: RunView[] }).runs;
}

test(
  'a returned value, resume of a task not held, "at boot" and "after backup", LAST in colour',
  { timeout: 60_000 },
  async () => {
    const d = makeDaemonDir();
    writeFileSync(join(d.dir, 'report.mjs'), 'export default () => ({ rows: 3 });\n');
    d.writeTasks(
      daemonTasks([
        '  report: { module: ./report.mjs }',
        '  boot: { cron: "@reboot", run: "true" }',
        '  backup: { run: "exit 3" }',
        '  notify: { after: [backup], run: "true" }',
      ]),
    );
    expect((await d.taskkit(['start'])).code).toBe(0);
    expect((await d.taskkit(['run-now', 'report', '--wait'])).code).toBe(0);
    expect((await d.taskkit(['run-now', 'backup', '--wait'])).code).toBe(3);

    const [reported] = await historyJson(d, 'report');
    expect(reported?.result).toEqual({ rows: 3 });
    const logs = await d.taskkit(['logs', 'report']);
    expect([logs.code, logs.stdout]).toEqual([0, '']);
    // After the output (here none), marked, on stderr: stdout stays the output alone.
    expect(logs.stderr).toMatch(
      new RegExp(
        `^taskkit: report #${reported?.id} returned \\{"rows":3\\}\ntaskkit: report #${reported?.id} succeeded ` +
          `after \\S+ \\(no output\\)\n$`,
      ),
    );
    expect((await d.taskkit(['show', 'report'])).stdout).toMatch(/\n {2}returned +\{"rows":3\}\n/);

    expect(await d.taskkit(['resume', 'report'])).toMatchObject({
      code: 0,
      stdout: 'report: was not held (nothing to resume), next -\n',
      stderr: '',
    });

    const tasks = await listJson(d);
    const byName = (name: string): TaskView | undefined => tasks.find((task) => task.name === name);
    expect([byName('boot')?.schedule, byName('boot')?.state]).toEqual(['at boot', 'on-demand']);
    expect([byName('notify')?.schedule, byName('notify')?.state]).toEqual(['after backup', 'on-demand']);
    const table = (await d.taskkit(['list'])).stdout;
    expect(table).toMatch(/\nboot +at boot +at boot +- /);
    expect(table).toMatch(/\nnotify +after backup +after backup +- /);

    // On a terminal LAST is coloured by outcome: red for backup's failure, green for report.
    const { NO_COLOR: _noColor, ...colourEnv } = cliEnv();
    const coloured = runOnTerminal(d.dir, 'list', colourEnv).stdout;
    expect(coloured).toContain('\u001b[31mexited with code 3, ');
    expect(coloured).toContain('\u001b[32msucceeded, ');
    expect(runOnTerminal(d.dir, 'list', cliEnv()).stdout).not.toContain('\u001b[');
  },
);

test(
  'after a restart that skipped missed instants, LAST is still the last run that ran',
  { timeout: 90_000 },
  async () => {
    // `until` leaves time to start, see one run and stop, with instants to spare before it: the
    // downtime then waits for `until` to pass (6 s, where a fixed 10 s was before). A stop too near
    // `until` leaves no instant to miss: on a machine that slow, try again with twice the time.
    let d: DaemonDir | undefined;
    let until = '';
    for (let window = 6_000; d === undefined; window *= 2) {
      expect(window).toBeLessThanOrEqual(24_000);
      const attempt = makeDaemonDir();
      until = new Date(Date.now() + window).toISOString().slice(0, 19);
      attempt.writeTasks(daemonTasks(['  tick:', '    every: 1s', `    until: ${until}`, '    run: exit 3']));
      expect((await attempt.taskkit(['start'])).code).toBe(0);
      for (let tries = 0; (await historyJson(attempt, 'tick')).length === 0; tries++) expect(tries).toBeLessThan(200);
      expect((await attempt.taskkit(['stop'])).code).toBe(0);
      if (Date.parse(`${until}Z`) - Date.now() >= 1_500) d = attempt;
    }
    // The instants up to `until` pass while no daemon runs: the next start records them as skipped.
    const stopped = Date.now();
    await pause(Math.max(0, Date.parse(`${until}Z`) + 500 - stopped));
    expect((await d.taskkit(['start'])).code).toBe(0);
    const [newest] = await historyJson(d, 'tick');
    expect(newest).toMatchObject({ status: 'skipped' });
    expect(newest?.outcome).toMatch(/^skipped: missed \d+ instants?/);
    const tick = (await listJson(d)).find((task) => task.name === 'tick');
    expect(tick?.lastRun).toMatchObject({ status: 'failed', exitCode: 3, outcome: 'exited with code 3' });
    expect((await d.taskkit(['list'])).stdout).toMatch(/\ntick +.* exited with code 3, /);
    expect((await d.taskkit(['show', 'tick'])).stdout).toMatch(/\n {2}last +exited with code 3, /);
  },
);
