/**
 * Issue 17.3 and 17.4 through bin/taskkit against a real daemon: an `after-all` join runs once both
 * parents succeeded, its wait survives a daemon restart, `list`/`show` say what it waits for; and
 * `run-now NAME --make` runs the prerequisites first (`--dry-run` prints the order, `--wait` streams
 * the chain and exits with the first failure's code, the rest recorded as skipped).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { RunView, TaskView } from '../../src/control/views.js';
import { cleanUpDaemons, countLines, daemonTasks, eventually, makeDaemonDir, type DaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

async function historyJson(d: DaemonDir, args: readonly string[]): Promise<RunView[]> {
  return (JSON.parse((await d.taskkit(['history', ...args, '--json'])).stdout) as { runs: RunView[] }).runs;
}

const lines = (d: DaemonDir, file: string): string[] => readFileSync(join(d.dir, file), 'utf8').trim().split('\n');

test(
  'after-all: the join runs once both parents succeeded, and its wait survives a restart',
  { timeout: 60_000 },
  async () => {
    const d = makeDaemonDir();
    d.writeTasks(
      daemonTasks([
        '  extract: { run: "echo extract >> ran.log" }',
        '  transform: { run: "echo transform >> ran.log" }',
        '  load:',
        '    after-all: [extract, transform]',
        '    run: echo "load $TASKKIT_TRIGGER $TASKKIT_UPSTREAM_TASK" >> ran.log',
      ]),
    );
    expect((await d.taskkit(['start'])).code).toBe(0);
    expect((await d.taskkit(['run-now', 'extract', '--wait'])).code).toBe(0);
    expect((await d.taskkit(['run-now', 'extract', '--wait'])).code).toBe(0);
    const list = await d.taskkit(['list']);
    expect(list.stdout).toMatch(/^load\s+after all extract, transform\s/m);
    const show = await d.taskkit(['show', 'load']);
    expect(show.stdout).toMatch(/^ {2}join +after all of extract, transform \(waiting for transform\)$/m);
    expect((await d.taskkit(['stop'])).code).toBe(0);
    expect(lines(d, 'ran.log')).toEqual(['extract', 'extract']);

    // A new daemon: extract's success is remembered; transform alone completes the join.
    expect((await d.taskkit(['start'])).code).toBe(0);
    const shown = JSON.parse((await d.taskkit(['show', 'load', '--json'])).stdout) as { task: TaskView };
    expect(shown.task.join?.waitingFor).toEqual(['transform']);
    expect((await d.taskkit(['run-now', 'transform', '--wait'])).code).toBe(0);
    await eventually(async () => (countLines(join(d.dir, 'ran.log')) >= 4 ? true : undefined), 'the join to run');
    expect(lines(d, 'ran.log')).toEqual(['extract', 'extract', 'transform', 'load dependency transform']);
    const [load] = await eventually(async () => {
      const runs = await historyJson(d, ['load']);
      return runs[0]?.status === 'succeeded' ? runs : undefined;
    }, 'the run of load to end');
    expect(load?.trigger).toBe('dependency');
    const after = JSON.parse((await d.taskkit(['show', 'load', '--json'])).stdout) as { task: TaskView };
    expect(after.task.join?.waitingFor).toEqual(['extract', 'transform']);
    expect((await d.taskkit(['stop'])).code).toBe(0);
  },
);

test(
  'run-now --make: --dry-run prints the order; --wait runs it, stops at a failure with its exit code',
  { timeout: 60_000 },
  async () => {
    const d = makeDaemonDir();
    d.writeTasks(
      daemonTasks([
        '  raw: { run: "echo raw-out; echo raw >> ran.log" }',
        '  extract: { after-all: raw, run: "echo extract-out; echo extract >> ran.log; [ ! -e fail ] || exit 7" }',
        '  clean: { after-all: raw, run: "echo clean >> ran.log" }',
        '  load: { after-all: [extract, clean], run: "echo load-out; echo load >> ran.log" }',
      ]),
    );
    expect((await d.taskkit(['start'])).code).toBe(0);
    const dry = await d.taskkit(['run-now', 'load', '--make', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe('make load: 4 steps\n  1. raw\n  2. extract\n  3. clean\n  4. load\n');

    const made = await d.taskkit(['run-now', 'load', '--make', '--wait']);
    expect(made.code).toBe(0);
    expect(made.stdout).toBe('raw-out\nextract-out\nload-out\n');
    expect(made.stderr).toContain('taskkit: make load: extract #');
    expect(made.stderr).toContain('taskkit: make load: 4 steps succeeded');
    // Each once: the joins the chain ran did not fire again.
    expect(lines(d, 'ran.log')).toEqual(['raw', 'extract', 'clean', 'load']);

    writeFileSync(join(d.dir, 'fail'), '');
    const failed = await d.taskkit(['run-now', 'load', '--make', '--wait']);
    expect(failed.code).toBe(7);
    expect(failed.stderr).toMatch(
      /taskkit: make load: extract #\d+ exited with code 7 after \S+; not run: clean, load/,
    );
    const skipped = await historyJson(d, ['--skipped']);
    expect(skipped.map((run) => [run.task, run.skipReason, run.error])).toEqual([
      [
        'load',
        'prerequisite-failed',
        expect.stringMatching(/^prerequisite extract did not succeed \(run #\d+ failed with exit code 7\)$/),
      ],
      ['clean', 'prerequisite-failed', expect.stringMatching(/^prerequisite extract did not succeed/)],
    ]);

    // A task without after-all runs alone, and says so.
    const alone = await d.taskkit(['run-now', 'raw', '--make']);
    expect(alone.code).toBe(0);
    expect(alone.stderr).toContain('raw has no after-all prerequisites; --make runs it alone');
    expect(alone.stdout).toMatch(/^make raw: raw; raw #\d+ (started|queued)/);
    const usage = await d.taskkit(['run-now', 'raw', '--dry-run']);
    expect(usage.code).toBe(2);
    const unknown = await d.taskkit(['run-now', 'lod', '--make', '--dry-run']);
    expect(unknown.stderr).toContain('did you mean "load"');
    expect((await d.taskkit(['stop'])).code).toBe(0);
  },
);
