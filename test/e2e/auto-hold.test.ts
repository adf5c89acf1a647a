/**
 * Issue 16.4, through bin/taskkit: a task with `hold-after-failures: 2` that fails every slot is
 * held after two; `list` shows it auto-held, `status --check` reports it as a WARNING (not covered
 * by --held-ok), the hold and its count survive a restart, and `resume` clears them.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { cleanUpDaemons, daemonTasks, eventually, makeDaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

test('auto-held after 2 failed slots: list, status --check, restart, resume', { timeout: 90_000 }, async () => {
  const d = makeDaemonDir();
  // flaky fails while this file exists; it is removed before `resume`, so no run after the resume
  // can fail and the count read back is the one `resume` left.
  const failing = join(d.dir, 'failing');
  writeFileSync(failing, '');
  d.writeTasks(
    daemonTasks(
      [`  flaky: { every: 1s, run: "test ! -e ${failing}" }`, '  report: { every: 1h, run: "true" }'],
      ['  hold-after-failures: 2'],
    ),
  );
  expect((await d.taskkit(['start'])).code).toBe(0);
  const check = await eventually(async () => {
    const result = await d.taskkit(['status', '--check']);
    return result.code === 1 ? result : undefined;
  }, 'flaky to be auto-held');
  expect(check.stdout).toMatch(
    new RegExp(
      String.raw`^TASKKIT WARNING - 1 of 2 tasks auto-held: flaky \(2 consecutive failures, (now|\d+s ago)\) ` +
        String.raw`\| tasks=2 failing=0 held=1 overdue=0 running=0\n$`,
    ),
  );
  expect((await d.taskkit(['status', '--check', '--held-ok'])).code).toBe(1);
  const json = JSON.parse((await d.taskkit(['status', '--check', '--json'])).stdout) as unknown;
  expect(json).toMatchObject({
    state: 'WARNING',
    problems: [{ task: 'flaky', kind: 'auto-held', severity: 'WARNING', failures: 2 }],
  });
  const list = await d.taskkit(['list']);
  expect(list.stdout).toMatch(/^flaky\s.*\sauto-held\s/m);
  const show = await d.taskkit(['show', 'flaky', '--json']);
  expect(JSON.parse(show.stdout)).toMatchObject({
    task: { holdNote: 'auto-held after 2 consecutive failures', autoHeld: true, failedSlots: 2 },
  });

  // A restart keeps the hold and the count behind it.
  expect((await d.taskkit(['stop'])).code).toBe(0);
  expect((await d.taskkit(['start'])).code).toBe(0);
  expect((await d.taskkit(['status', '--check'])).code).toBe(1);
  expect((await d.taskkit(['list'])).stdout).toMatch(/^flaky\s.*\sauto-held\s/m);

  // resume clears the count: the task is scheduled again, and OK until it fails twice more.
  rmSync(failing);
  expect((await d.taskkit(['resume', 'flaky'])).code).toBe(0);
  const resumed = JSON.parse((await d.taskkit(['show', 'flaky', '--json'])).stdout) as unknown;
  expect(resumed).toMatchObject({ task: { held: false, autoHeld: false, failedSlots: 0 } });
  expect((await d.taskkit(['stop'])).code).toBe(0);
});
