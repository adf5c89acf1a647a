/**
 * Issue 16.5, through bin/taskkit against a real daemon: `hold --for` / `--until` say until when
 * (hold, list, show, --json), the hold ends by itself, the end survives a restart, and bad input
 * is a usage error (exit 2) before any connection, a past --until the daemon's refusal.
 */
import { afterEach, expect, test } from 'vitest';
import type { TaskView } from '../../src/control/views.js';
import { cleanUpDaemons, daemonTasks, eventually, makeDaemonDir, type DaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

const TASKS = daemonTasks(['  backup: { every: 1h, run: "true" }', '  report: { every: 1h, run: "true" }']);

async function task(d: DaemonDir, name: string): Promise<TaskView | undefined> {
  const tasks = JSON.parse((await d.taskkit(['list', '--json'])).stdout) as TaskView[];
  return tasks.find((view) => view.name === name);
}

test('bad --for / --until input: usage errors that say what is expected', { timeout: 30_000 }, async () => {
  const d = makeDaemonDir();
  d.writeTasks(TASKS);
  // No daemon is needed to refuse them: they are checked before connecting.
  expect(await d.taskkit(['hold', 'backup', '--for', '2 hours'])).toMatchObject({
    code: 2,
    stderr: expect.stringContaining(
      '--for: expected a duration longer than 0 like "2h", "30m" or "1h30m", got "2 hours"',
    ),
  });
  expect((await d.taskkit(['hold', 'backup', '--for', '0s'])).code).toBe(2);
  expect(await d.taskkit(['hold', 'backup', '--until', 'tomorrow'])).toMatchObject({
    code: 2,
    stderr: expect.stringContaining('--until: expected a date-time like "2026-11-25T08:00"'),
  });
  expect(await d.taskkit(['hold', 'backup', '--for', '1h', '--until', '2099-01-01T00:00'])).toMatchObject({
    code: 2,
    stderr: expect.stringContaining('give --for or --until, not both'),
  });
  expect((await d.taskkit(['start'])).code).toBe(0);
  const past = await d.taskkit(['hold', 'backup', '--until', '2020-01-01T00:00']);
  expect(past.code).not.toBe(0);
  expect(past.stderr).toContain('the hold would end at 2020-01-01T00:00:00.000Z, which is not after now');
  expect((await task(d, 'backup'))?.held).toBe(false);
  expect((await d.taskkit(['stop'])).code).toBe(0);
});

test(
  'hold --for ends by itself; --until says when in hold, list and show, and survives a restart',
  {
    timeout: 60_000,
  },
  async () => {
    const d = makeDaemonDir();
    d.writeTasks(TASKS);
    expect((await d.taskkit(['start'])).code).toBe(0);

    const held = await d.taskkit(['hold', 'backup', '--until', '2099-01-02T03:04', '--note', 'migration']);
    expect(held.code).toBe(0);
    expect(held.stdout).toMatch(
      new RegExp(
        String.raw`^backup: held until in \S+ \(2099-01-02 03:04:00\) \(note: migration\); ` +
          String.raw`it runs on schedule again then, or after "taskkit resume backup"\n$`,
      ),
    );
    expect((await d.taskkit(['list'])).stdout).toMatch(/\nbackup +every 1h +held until 2099-01-02 03:04:00 /);
    expect((await d.taskkit(['show', 'backup'])).stdout).toMatch(
      /\n {2}held +since \S+ \S+ \S+ until 2099-01-02 03:04:00 \+00:00 \(in \S+\): migration\n/,
    );

    // A restart keeps the end.
    expect((await d.taskkit(['stop'])).code).toBe(0);
    expect((await d.taskkit(['start'])).code).toBe(0);
    expect(await task(d, 'backup')).toMatchObject({
      held: true,
      holdNote: 'migration',
      heldUntil: '2099-01-02T03:04:00.000Z',
    });

    const started = Date.now();
    const json = JSON.parse((await d.taskkit(['hold', 'report', '--for', '2s', '--json'])).stdout) as {
      tasks: TaskView[];
    };
    const answered = Date.now();
    const until = Date.parse(json.tasks[0]?.heldUntil ?? '');
    // 2 s from when the daemon took the request (its clock is Date.now too), which lies between the
    // call and its answer: bounded by the call alone, it failed if the CLI took over 1 s to reach the daemon.
    expect(until).toBeGreaterThanOrEqual(started + 2_000);
    expect(until).toBeLessThanOrEqual(answered + 2_000);
    const resumed = await eventually(async () => {
      const view = await task(d, 'report');
      return view?.held === false ? view : undefined;
    }, 'the hold of report to end by itself');
    expect(Date.now()).toBeGreaterThanOrEqual(until);
    expect(resumed).toMatchObject({ state: 'scheduled', heldUntil: null });
    expect((await task(d, 'backup'))?.held).toBe(true);
    expect((await d.taskkit(['stop'])).code).toBe(0);
  },
);
