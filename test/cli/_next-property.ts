/**
 * The property of test/cli/next-property-*.test.ts, one file per tasks file so that they run on
 * different workers. Issue 13 "Done when": for every task of tasks.yaml and examples/tasks.yaml,
 * each also with `until`, with `max-runs` and held, `taskkit next` (bin/taskkit, a subprocess, no
 * daemon) lists exactly the instants the engine fires over a simulated week on the fake clock, and
 * the engine's own view (what a daemon's `next` answers) lists them too. The week crosses New
 * York's 2026 spring-forward night, so every schedule kind meets a DST change.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { loadTasksFile } from '../../src/config/load.js';
import type { TaskSpec } from '../../src/config/types.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import { cliEnv, runTaskkit } from '../support/cli-process.js';
import { createEngine } from '../support/engine-task.js';
import { FakeClock } from '../support/fake-clock.js';
import { FakeRunner, flush } from '../support/fake-runner.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TZ = 'America/New_York';
// Half a second past a minute: no schedule's instant, so "at or after" (--from) and "after" (the engine) agree.
const WEEK_START = Date.parse('2026-03-05T00:00:00.500Z');
const WEEK_END = WEEK_START + 7 * 86_400_000;
const UNTIL = '2026-03-08T12:00'; // the middle of the week, after the DST change

/** The variants of one task block: as written, with `until`, with `max-runs: 3`, held. */
const VARIANTS: Record<string, string[]> = {
  '': [],
  '-until': [`    until: ${UNTIL}`],
  '-max': ['    max-runs: 3'],
  '-held': ['    hold: true'],
};

/** The lines of task `name`'s block in a block-style tasks file (the header included). */
function taskBlock(text: string, name: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(`  ${name}:`);
  const end = lines.findIndex((line, index) => index > start && !/^ {4}|^\s*$/.test(line));
  return lines.slice(start, end < 0 ? undefined : end).filter((line) => line.trim() !== '');
}

/** A tasks file of `task`'s variants, module paths made absolute so that it validates anywhere. */
function writeVariants(dir: string, source: string, task: TaskSpec): string {
  const text = readFileSync(source, 'utf8');
  const block = taskBlock(text, task.name).map((line) => line.replace(/^( {4}module: )\.\//, `$1${dirname(source)}/`));
  const lines = ['settings:', '  state-dir: ./state', 'tasks:'];
  for (const [suffix, extra] of Object.entries(VARIANTS))
    lines.push(`  ${task.name}${suffix}:`, ...block.slice(1), ...extra);
  const path = join(dir, `${task.name}.yaml`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** The instants each task's `schedule` runs were triggered for, over the week, every run ended at once. */
async function fireWeek(tasks: readonly TaskSpec[]): Promise<Map<string, number[]>> {
  // Not createEngine: it keeps every event, and the ~270,000 of an every-10s week made garbage
  // collection half of this file's time.
  const clock = new FakeClock(WEEK_START);
  const runner = new FakeRunner();
  const scheduler = new Scheduler({ clock, runner, log: () => {} });
  const started: number[] = [];
  scheduler.on('run-started', (run) => started.push(run.id));
  for (const task of tasks) scheduler.add(task);
  scheduler.start();
  for (let delay = clock.nextTimerIn(); delay !== null && clock.now() + delay < WEEK_END; delay = clock.nextTimerIn()) {
    clock.advanceBy(delay);
    for (const id of started.splice(0)) runner.finish(id);
    await flush();
  }
  const fired = new Map<string, number[]>(tasks.map((task) => [task.name, []]));
  for (const request of runner.requests)
    if (request.trigger === 'schedule') fired.get(request.task.name)?.push(request.scheduledAt ?? NaN);
  return fired;
}

/** What the engine says it will fire (a daemon's `next`), before the week runs. */
function engineView(tasks: readonly TaskSpec[], count: number): Map<string, number[]> {
  const { scheduler } = createEngine(new Date(WEEK_START).toISOString());
  for (const task of tasks) scheduler.add(task);
  return new Map(tasks.map((task) => [task.name, scheduler.upcoming(task.name, count).filter((at) => at < WEEK_END)]));
}

interface NextJson {
  source: string;
  instants: { task: string; at: string; held: boolean }[];
}

/** The tasks of `source` with a periodic schedule (every, daily, cron), read in New York. */
export function scheduledTasks(source: string): TaskSpec[] {
  return loadTasksFile(source, { env: { TZ } }).tasks.filter(
    (task) => task.schedule.kind !== 'on-demand' && task.schedule.kind !== 'reboot',
  );
}

/**
 * The property for one task of `source`: its variants (written to a tasks file in `dir`) fire over
 * the week exactly what `taskkit next` (bin/taskkit) lists and what the engine's own view lists.
 */
export async function expectNextEqualsFired(dir: string, source: string, task: TaskSpec): Promise<void> {
  const file = writeVariants(dir, source, task);
  const tasks = loadTasksFile(file, { env: { TZ } }).tasks;
  const fired = await fireWeek(tasks);
  const listed = [...fired.values()].reduce((sum, list) => sum + list.length, 0) + (fired.get(task.name)?.length ?? 0);
  const result = await runTaskkit(
    ['next', '--from', new Date(WEEK_START).toISOString(), '-n', String(listed + 1), '--json', '--config', file],
    {
      cwd: dir,
      env: cliEnv({ TZ }),
      timeoutMs: 60_000,
    },
  );
  expect(result.code).toBe(0);
  const report = JSON.parse(result.stdout) as NextJson;
  expect(report.source).toBe('file');
  const inWeek = report.instants.filter(({ at }) => Date.parse(at) < WEEK_END);
  const byTask = (held: boolean): Map<string, number[]> =>
    new Map(
      tasks.map(({ name }) => [
        name,
        inWeek.filter((entry) => entry.task === name && entry.held === held).map(({ at }) => Date.parse(at)),
      ]),
    );
  // Fired = listed and not held; a held task's instants are listed, marked held, and fire nothing.
  expect(byTask(false)).toEqual(fired);
  expect(byTask(true).get(`${task.name}-held`)).toEqual(fired.get(task.name));
  expect(fired.get(`${task.name}-max`)).toHaveLength(3);
  const view = engineView(tasks, listed + 1);
  view.set(`${task.name}-held`, []);
  expect(view).toEqual(fired);
}
