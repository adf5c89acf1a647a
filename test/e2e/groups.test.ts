/**
 * Issue 17.5, through bin/taskkit against a real daemon: two shell tasks of group db (limit 1)
 * started by run-now never run at once (each holds a lock directory while it runs, and the history's
 * start and end times do not overlap); while the second waits, `list` and `show` say it waits for
 * its group, and a task outside the group runs meanwhile.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { RunView, TaskView } from '../../src/control/views.js';
import { cleanUpDaemons, daemonTasks, eventually, makeDaemonDir, startDetached, type DaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

async function historyJson(d: DaemonDir, task: string): Promise<RunView[]> {
  return (JSON.parse((await d.taskkit(['history', task, '--json'])).stdout) as { runs: RunView[] }).runs;
}

/** The pid a run wrote (its process group leader), tracked for cleanup. */
async function runPid(d: DaemonDir, file: string): Promise<number> {
  const path = join(d.dir, file);
  const pid = await eventually(async () => (existsSync(path) ? Number(readFileSync(path, 'utf8')) : undefined), file);
  d.track(pid);
  return pid;
}

// mkdir is atomic: a run that finds the lock taken exits 9, so an overlap fails the run.
const LOCKED = 'mkdir db.lock || exit 9';

test(
  'two tasks of a group with limit 1 never overlap; list and show say the second waits',
  { timeout: 60_000 },
  async () => {
    const d = makeDaemonDir();
    d.writeTasks(
      daemonTasks(
        [
          '  first:',
          '    group: db',
          `    run: echo $$ > first.pid; ${LOCKED}; while [ ! -e release ]; do sleep 0.05; done; rmdir db.lock`,
          '  second:',
          '    group: db',
          `    run: echo $$ > second.pid; ${LOCKED}; sleep 0.3; rmdir db.lock`,
          '  free: { run: "true" }',
        ],
        ['  groups: { db: 1 }'],
      ),
    );
    await startDetached(d);

    expect((await d.taskkit(['run-now', 'first'])).code).toBe(0);
    await runPid(d, 'first.pid');
    const queued = await d.taskkit(['run-now', 'second']);
    expect([queued.code, queued.stdout]).toEqual([
      0,
      expect.stringMatching(/^second #\d+ queued \(waiting for group db: 1\/1 running\)$/m),
    ]);
    // The waiting run holds no max-concurrent slot and blocks nobody outside its group.
    expect((await d.taskkit(['run-now', 'free', '--wait'])).code).toBe(0);

    const tasks = JSON.parse((await d.taskkit(['list', '--json'])).stdout) as TaskView[];
    const second = tasks.find((task) => task.name === 'second');
    expect(second).toMatchObject({ queued: 1, group: { name: 'db', limit: 1, running: 1, waiting: 1 } });
    expect(tasks.find((task) => task.name === 'first')?.group).toEqual({
      name: 'db',
      limit: 1,
      running: 1,
      waiting: 0,
    });
    expect(tasks.find((task) => task.name === 'free')?.group).toBeNull();
    const list = await d.taskkit(['list']);
    expect(list.stdout).toMatch(/^second +on demand +on-demand \(waiting for group db: 1\/1 running\)/m);
    const show = await d.taskkit(['show', 'second']);
    expect(show.stdout).toMatch(/^ +state +on-demand \(waiting for group db: 1\/1 running\)$/m);
    expect(show.stdout).toMatch(/^ +group +db: 1\/1 running$/m);
    const shown = JSON.parse((await d.taskkit(['show', 'second', '--json'])).stdout) as {
      task: TaskView;
      definition: { group: string | null };
    };
    expect([shown.task.group?.waiting, shown.definition.group]).toEqual([1, 'db']);

    writeFileSync(join(d.dir, 'release'), '');
    await runPid(d, 'second.pid');
    const [secondRun] = await eventually(async () => {
      const runs = await historyJson(d, 'second');
      return runs[0]?.status === 'succeeded' ? runs : undefined;
    }, 'second to succeed');
    const [firstRun] = await historyJson(d, 'first');
    expect([firstRun?.status, secondRun?.status]).toEqual(['succeeded', 'succeeded']);
    // The history's times: second started after first ended (its run was created before, and waited).
    const at = (iso: string | null | undefined): number => Date.parse(iso ?? '');
    expect(at(secondRun?.createdAt)).toBeLessThan(at(firstRun?.endedAt));
    expect(at(secondRun?.startedAt)).toBeGreaterThanOrEqual(at(firstRun?.endedAt));
    const after = JSON.parse((await d.taskkit(['list', '--json'])).stdout) as TaskView[];
    expect(after.find((task) => task.name === 'second')?.group).toEqual({
      name: 'db',
      limit: 1,
      running: 0,
      waiting: 0,
    });
  },
);

test(
  'a reload that raises the limit starts the waiting run at once, beside the running one',
  { timeout: 60_000 },
  async () => {
    const d = makeDaemonDir();
    const tasks = (limit: number): string[] =>
      daemonTasks(
        [
          '  first:',
          '    group: db',
          '    run: echo $$ > first.pid; while [ ! -e release ]; do sleep 0.05; done',
          '  second:',
          '    group: db',
          '    run: echo $$ > second.pid',
        ],
        [`  groups: { db: ${limit} }`],
      );
    d.writeTasks(tasks(1));
    await startDetached(d);
    expect((await d.taskkit(['run-now', 'first'])).code).toBe(0);
    await runPid(d, 'first.pid');
    expect((await d.taskkit(['run-now', 'second'])).stdout).toMatch(/second #\d+ queued/);
    const listed = async (): Promise<TaskView[]> =>
      JSON.parse((await d.taskkit(['list', '--json'])).stdout) as TaskView[];
    expect((await listed()).map((task) => [task.name, task.running, task.group])).toEqual([
      ['first', 1, { name: 'db', limit: 1, running: 1, waiting: 0 }],
      ['second', 0, { name: 'db', limit: 1, running: 1, waiting: 1 }],
    ]);

    d.writeTasks(tasks(2));
    expect((await d.taskkit(['reload'])).code).toBe(0);
    await runPid(d, 'second.pid');
    await eventually(
      async () => ((await historyJson(d, 'second'))[0]?.status === 'succeeded' ? true : undefined),
      'second',
    );
    // first still runs: second did not wait for it.
    expect((await listed()).map((task) => [task.name, task.running, task.group])).toEqual([
      ['first', 1, { name: 'db', limit: 2, running: 1, waiting: 0 }],
      ['second', 0, { name: 'db', limit: 2, running: 1, waiting: 0 }],
    ]);
    writeFileSync(join(d.dir, 'release'), '');
  },
);
