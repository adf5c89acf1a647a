/**
 * Issue 15 point 2, through `bin/taskkit` as a user types it: a start either succeeds or leaves
 * nothing behind. `TZ=` (set but empty, as `docker run -e TZ=` passes it) made the daemon fail
 * while it added its tasks yet keep its socket and pid file, answer `list`, and ignore `stop` and
 * SIGTERM; stored reschedules the engine cannot use did the same, or spun it at full CPU.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, test } from 'vitest';
import { cliEnv, collect, spawnTaskkit } from '../support/cli-process.js';
import { isAlive, waitUntil } from '../support/process-state.js';
import { cleanUpDaemons, makeDaemonDir, type DaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

const TASKS = ['settings:', '  state-dir: ./state', 'tasks:'];
const task = (name: string, schedule: string): string[] => [`  ${name}:`, `    ${schedule}`, '    run: "true"'];

/** No daemon process, socket or pid file: what a failed or stopped start must leave. */
async function expectNothingLeft(d: DaemonDir, pid: number): Promise<void> {
  await waitUntil(() => !isAlive(pid), 10_000, `daemon ${pid} to exit`);
  expect(existsSync(d.socket)).toBe(false);
  expect(existsSync(d.pidFile)).toBe(false);
}

test('TZ set but empty: start works with a warning, the daemon answers and stops', { timeout: 60_000 }, async () => {
  const d = makeDaemonDir();
  d.writeTasks([...TASKS, ...task('minutely', 'cron: "* * * * *"'), ...task('daily', 'daily: "03:00"')]);
  const started = await d.taskkit(['start'], { env: { TZ: '' } });
  expect(started.stderr).toMatch(
    /warning: settings\.timezone: TZ is set but empty \(TZ=""\); using \/etc\/localtime's zone, \S+/,
  );
  expect(started.code).toBe(0);
  const pid = d.readPid() as number;
  const list = await d.taskkit(['list'], { env: { TZ: '' } });
  expect(list.code).toBe(0);
  // "now" when the list lands on the minute's turn, while the run is being started.
  expect(list.stdout).toMatch(/minutely +cron \* \* \* \* \* +scheduled +(in \S+|now) \(/);
  expect((await d.taskkit(['stop'], { env: { TZ: '' } })).code).toBe(0);
  await expectNothingLeft(d, pid);
});

test('a POSIX TZ rule with daylight saving is refused before anything starts', { timeout: 30_000 }, async () => {
  const d = makeDaemonDir();
  d.writeTasks([...TASKS, ...task('minutely', 'cron: "* * * * *"')]);
  const started = await d.taskkit(['start'], { env: { TZ: 'CET-1CEST,M3.5.0,M10.5.0/3' } });
  expect(started.code).toBe(2);
  expect(started.stderr).toContain('TZ="CET-1CEST,M3.5.0,M10.5.0/3" is a POSIX TZ rule with daylight saving');
  expect(existsSync(d.socket)).toBe(false);
  expect(d.readPid()).toBeNull();
});

test(
  'stored reschedules the engine cannot use: dropped with a warning each, the daemon answers and stops',
  { timeout: 60_000 },
  async () => {
    const d = makeDaemonDir();
    d.writeTasks([...TASKS, ...task('a', 'every: 1h'), ...task('b', 'every: 1h'), ...task('c', 'every: 1h')]);
    expect((await d.taskkit(['start'])).code).toBe(0);
    for (const name of ['a', 'b', 'c']) expect((await d.taskkit(['reschedule', name, '--every', '5s'])).code).toBe(0);
    expect((await d.taskkit(['stop'])).code).toBe(0);
    const database = join(d.stateDir, 'taskkit.db');
    const db = new Database(database);
    const set = db.prepare('UPDATE task_state SET reschedule = ? WHERE name = ?');
    set.run('{not json', 'a');
    set.run('{"kind":"weekly"}', 'b');
    // A period of 0 gave NaN instants: the daemon started, then spun at full CPU.
    set.run('{"kind":"every","periodMs":0,"anchor":946684800000,"startGiven":false}', 'c');
    db.close();

    const started = await d.taskkit(['start']);
    expect(started.code).toBe(0);
    const pid = d.readPid() as number;
    const list = await d.taskkit(['list', '--json']);
    expect(list.code).toBe(0);
    const tasks = JSON.parse(list.stdout) as { name: string; rescheduled: boolean; schedule: string }[];
    expect(tasks.map((t) => [t.name, t.rescheduled])).toEqual([
      ['a', false],
      ['b', false],
      ['c', false],
    ]);
    expect((await d.taskkit(['stop'])).code).toBe(0);
    await expectNothingLeft(d, pid);

    const log = readLog(d);
    expect(log).toContain(
      'warn  a: dropped stored state taskkit cannot use: run-time reschedule "{not json" is not JSON',
    );
    expect(log).toContain(
      'warn  b: dropped stored state taskkit cannot use: run-time reschedule (unknown schedule kind "weekly")',
    );
    expect(log).toContain(
      'warn  c: dropped stored state taskkit cannot use: run-time reschedule (every: periodMs must be',
    );
    // Dropped for good: the rows now say "the file's schedule".
    const after = new Database(database, { readonly: true });
    expect(after.prepare('SELECT name, reschedule FROM task_state ORDER BY name').all()).toEqual([
      { name: 'a', reschedule: null },
      { name: 'b', reschedule: null },
      { name: 'c', reschedule: null },
    ]);
    after.close();
  },
);

/** The pids of `parent`'s children (Linux: /proc/PID/task/TID/children). */
function childrenOf(parent: number): number[] {
  try {
    return readdirSync(`/proc/${parent}/task`).flatMap((tid) =>
      readFileSync(`/proc/${parent}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/**
 * A SIGTERM at any moment of start-up ends the daemon and leaves nothing. Before its handlers
 * exist (it is still reading the tasks file) it dies of the signal and `start` says so; while it
 * opens its socket the stop waits until start-up is done, and `start` reports the stop; a signal
 * that comes while the tasks are added (one synchronous step) is handled just after it.
 */
test.each([
  ['as soon as the daemon process exists', 'process'],
  ['as soon as its pid file exists', 'pid file'],
])('a SIGTERM during start-up %s ends it and leaves nothing', { timeout: 60_000 }, async (_label, when) => {
  const d = makeDaemonDir();
  d.writeTasks([...TASKS, ...task('minutely', 'cron: "* * * * *"')]);
  const start = spawnTaskkit(['start'], { cwd: d.dir, env: cliEnv() });
  const done = collect(start, 40_000);
  let pid = 0;
  await waitUntil(
    () => {
      pid = (when === 'process' ? childrenOf(start.pid as number)[0] : d.readPid()) ?? 0;
      return pid > 0;
    },
    30_000,
    `the daemon's ${when}`,
  );
  d.track(pid);
  process.kill(pid, 'SIGTERM');
  const result = await done;
  if (result.code === 0) expect(result.stdout).toContain(`taskkit started (pid ${pid}`);
  else expect(result.stderr).toMatch(/during start-up \((signal )?SIGTERM\)/);
  await expectNothingLeft(d, pid);
});

function readLog(d: DaemonDir): string {
  return readFileSync(join(d.stateDir, 'taskkit.log'), 'utf8');
}
