/**
 * Issue 16.6, through bin/taskkit: `status --check` is a monitoring plugin. One line, perfdata
 * after `|`, exit 0 OK / 1 WARNING / 2 CRITICAL / 3 UNKNOWN in each state; --json gives the same
 * as data; --ignore leaves tasks out, --held-ok counts held tasks as OK; a failure stays CRITICAL
 * across a restart (the history's last run).
 */
import { afterEach, expect, test } from 'vitest';
import { cleanUpDaemons, daemonTasks, eventually, makeDaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

const TASKS = daemonTasks([
  '  backup: { run: "exit 3" }',
  '  report: { every: 1h, run: "true" }',
  '  slow: { run: "sleep 30" }',
]);

test('no daemon: UNKNOWN, exit 3, as a line and as JSON', { timeout: 30_000 }, async () => {
  const d = makeDaemonDir();
  d.writeTasks(TASKS);
  const check = await d.taskkit(['status', '--check']);
  expect(check.code).toBe(3);
  expect(check.stdout).toMatch(/^TASKKIT UNKNOWN - .+\n$/);
  expect(check.stdout).not.toContain('|');
  const json = await d.taskkit(['status', '--check', '--json']);
  expect(json.code).toBe(3);
  expect(JSON.parse(json.stdout)).toMatchObject({ state: 'UNKNOWN', exitCode: 3 });
});

test(
  'OK, WARNING (held), CRITICAL (failed), --ignore, --held-ok, --json, and after a restart',
  {
    timeout: 90_000,
  },
  async () => {
    const d = makeDaemonDir();
    d.writeTasks(TASKS);
    expect((await d.taskkit(['start'])).code).toBe(0);
    expect(await d.taskkit(['status', '--check'])).toMatchObject({
      code: 0,
      stdout: 'TASKKIT OK - 3 tasks, none failing | tasks=3 failing=0 held=0 overdue=0 running=0\n',
    });

    // A running run is counted, and is no problem.
    expect((await d.taskkit(['run-now', 'slow'])).code).toBe(0);
    await eventually(async () => {
      const check = await d.taskkit(['status', '--check']);
      return check.stdout.endsWith('running=1\n') ? check : undefined;
    }, 'slow to be running');
    expect((await d.taskkit(['cancel', 'slow'])).code).toBe(0);

    expect((await d.taskkit(['hold', 'report'])).code).toBe(0);
    expect(await d.taskkit(['status', '--check'])).toMatchObject({
      code: 1,
      stdout:
        'TASKKIT WARNING - 1 of 3 tasks held: report (until resume) | tasks=3 failing=0 held=1 overdue=0 running=0\n',
    });
    expect((await d.taskkit(['status', '--check', '--held-ok'])).code).toBe(0);

    expect((await d.taskkit(['run-now', 'backup', '--wait'])).code).toBe(3);
    const critical = await d.taskkit(['status', '--check']);
    expect(critical.code).toBe(2);
    expect(critical.stdout).toMatch(
      new RegExp(
        String.raw`^TASKKIT CRITICAL - 1 of 3 tasks failing: backup \(exit 3, (now|\d+s ago)\); ` +
          String.raw`1 held: report \(until resume\) \| tasks=3 failing=1 held=1 overdue=0 running=0\n$`,
      ),
    );
    expect(await d.taskkit(['status', '--check', '--ignore', 'backup'])).toMatchObject({ code: 1 });
    expect(await d.taskkit(['status', '--check', '--ignore', 'backup', '--ignore', 'report'])).toMatchObject({
      code: 0,
      stdout: 'TASKKIT OK - 1 task, none failing | tasks=1 failing=0 held=0 overdue=0 running=0\n',
    });

    const json = await d.taskkit(['status', '--check', '--json', '--held-ok']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({
      state: 'CRITICAL',
      exitCode: 2,
      counts: { tasks: 3, failing: 1, held: 1, running: 0 },
      problems: [{ task: 'backup', kind: 'failing', severity: 'CRITICAL', run: { status: 'failed', exitCode: 3 } }],
      ignored: [],
    });

    const unknownName = await d.taskkit(['status', '--check', '--ignore', 'backpu']);
    expect(unknownName.code).toBe(3);
    expect(unknownName.stdout).toBe('TASKKIT UNKNOWN - no task named "backpu" (did you mean "backup")\n');

    // After a restart the engine has no last run: the history's says backup still fails.
    expect((await d.taskkit(['stop'])).code).toBe(0);
    expect((await d.taskkit(['start'])).code).toBe(0);
    expect((await d.taskkit(['status', '--check'])).code).toBe(2);
    expect((await d.taskkit(['stop'])).code).toBe(0);
  },
);
