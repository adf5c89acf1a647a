/**
 * Issue 16 part 3, through bin/taskkit: a task with `expect-success-within: 3s` and no success goes
 * overdue (`status --check` CRITICAL `sync (overdue ...)`, `list` says so, the daemon log has the
 * `overdue` event), and a `run-now` that succeeds, as another system's cron would trigger it,
 * makes it OK again (the `recovery` event in the log).
 */
import { afterEach, expect, test } from 'vitest';
import { cleanUpDaemons, daemonTasks, eventually, makeDaemonDir, readDaemonLog } from './_daemon.js';

afterEach(cleanUpDaemons);

test('overdue: CRITICAL after D without a success, OK again after run-now', { timeout: 60_000 }, async () => {
  const d = makeDaemonDir();
  d.writeTasks(
    daemonTasks(['  sync: { run: "true", expect-success-within: 3s }', '  report: { every: 1h, run: "true" }']),
  );
  expect((await d.taskkit(['start'])).code).toBe(0);
  const critical = await eventually(async () => {
    const check = await d.taskkit(['status', '--check']);
    return check.code === 2 ? check : undefined;
  }, 'sync to be overdue');
  expect(critical.stdout).toMatch(/^TASKKIT CRITICAL - 1 of 2 tasks overdue: sync \(overdue \d+s\) \| [^\n]*\n$/);
  expect(critical.stdout).toMatch(/ \| tasks=2 failing=0 held=0 overdue=1 running=0\n$/);
  const json = await d.taskkit(['status', '--check', '--json']);
  expect(JSON.parse(json.stdout)).toMatchObject({
    state: 'CRITICAL',
    counts: { tasks: 2, failing: 0, overdue: 1 },
    problems: [{ task: 'sync', kind: 'overdue', severity: 'CRITICAL', lastSuccessAt: null }],
  });
  const list = await d.taskkit(['list']);
  expect(list.stdout).toMatch(/^sync .*on-demand, overdue \d+s/m);
  expect(readDaemonLog(d)).toMatch(/sync: overdue: no run succeeded within 3s \(none since taskkit started\)/);

  expect((await d.taskkit(['run-now', 'sync', '--wait'])).code).toBe(0);
  const ok = await d.taskkit(['status', '--check']);
  expect(ok).toMatchObject({
    code: 0,
    stdout: 'TASKKIT OK - 2 tasks, none failing | tasks=2 failing=0 held=0 overdue=0 running=0\n',
  });
  expect(readDaemonLog(d)).toMatch(/sync: recovered: run #\d+ succeeded \(it was overdue\)/);
  expect((await d.taskkit(['stop'])).code).toBe(0);
});
