/**
 * Issue 3 "Done means": a real detached daemon on a temp socket and state dir, driven only through
 * bin/taskkit as subprocesses, the way a user drives it: start -> list -> run-now --wait -> hold
 * -> resume -> reschedule -> reload (good, then bad) -> stop; and the ways a start can fail.
 * Every daemon is killed by pid in afterEach (from its pid file or its start output).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { TaskView } from '../../src/control/views.js';
import { cleanUpDaemons, countLines, makeDaemonDir, type DaemonDir } from './_daemon.js';
import { isAlive, waitUntil } from '../support/process-state.js';

afterEach(cleanUpDaemons);

const BASE_TASKS = [
  'settings:',
  '  state-dir: ./state',
  '  shutdown-grace: 2s',
  'tasks:',
  '  tick:',
  '    every: 1s',
  '    run: echo "$TASKKIT_RUN_ID" >> counter.txt',
  '  job:',
  '    description: prints, then fails with 7',
  '    run: echo "job output"; echo "to stderr" >&2; exit 7',
  '  good:',
  '    run: echo fine',
];

const byName = (tasks: readonly TaskView[], name: string): TaskView | undefined =>
  tasks.find((task) => task.name === name);

/** Poll `taskkit list --json` (bounded) until tick's view satisfies `done`; returns that view. */
async function waitForTick(d: DaemonDir, done: (view: TaskView) => boolean, what: string): Promise<TaskView> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const view = byName(JSON.parse((await d.taskkit(['list', '--json'])).stdout) as TaskView[], 'tick');
    if (view !== undefined && done(view)) return view;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last view: ${JSON.stringify(view)}`);
  }
}

describe('the detached daemon, driven through bin/taskkit', () => {
  test(
    'start -> list -> run-now --wait -> hold -> resume -> reschedule -> reload -> stop',
    { timeout: 90_000 },
    async () => {
      const d = makeDaemonDir();
      d.writeTasks(BASE_TASKS);
      const counter = join(d.dir, 'counter.txt');

      // start: returns once the socket accepts, with the pid and socket path.
      const started = await d.taskkit(['start']);
      expect(started.stderr).toBe('');
      expect(started.code).toBe(0);
      const pid = d.readPid();
      expect(started.stdout).toBe(`taskkit started (pid ${pid}, socket ${d.socket})\n`);
      expect(isAlive(pid as number)).toBe(true);
      expect(statSync(d.socket).isSocket()).toBe(true);
      expect(statSync(d.socket).mode & 0o777).toBe(0o600);
      expect(statSync(d.stateDir).mode & 0o777).toBe(0o700);
      expect(readFileSync(d.pidFile, 'utf8')).toBe(`${pid}\n`);

      // list: the aligned table, and the documented JSON.
      const list = await d.taskkit(['list']);
      expect(list.code).toBe(0);
      const [header, ...rows] = list.stdout.trimEnd().split('\n');
      expect(header).toMatch(/^NAME +SCHEDULE +STATE +NEXT +LAST$/);
      expect(rows.pop()).toMatch(/^3 tasks: 0 failing, 0 held, 0 overdue, [01] running$/);
      // tick runs every second for a few ms: list may catch it mid-run, which is then its true state.
      const tickState = expect.stringMatching(/^(scheduled|running)$/);
      expect(rows.map((row) => row.split(/ {2,}/).slice(0, 3))).toEqual([
        ['tick', 'every 1s', tickState],
        ['job', 'on demand', 'on-demand'],
        ['good', 'on demand', 'on-demand'],
      ]);
      expect(rows[0]).toMatch(/ (now|in 1s) \(\d\d:\d\d:\d\d\) /);
      const listJson = JSON.parse((await d.taskkit(['list', '--json'])).stdout) as TaskView[];
      expect(listJson.map((task) => [task.name, task.schedule, task.state, task.held])).toEqual([
        ['tick', 'every 1s', tickState, false],
        ['job', 'on demand', 'on-demand', false],
        ['good', 'on demand', 'on-demand', false],
      ]);
      expect(byName(listJson, 'job')?.description).toBe('prints, then fails with 7');

      // run-now --wait: the output streams to stdout and the task's exit code passes through.
      const failing = await d.taskkit(['run-now', 'job', '--wait']);
      expect(failing.code).toBe(7);
      expect(failing.stdout).toBe('job output\nto stderr\n');
      expect(failing.stderr).toMatch(/^taskkit: job #\d+ exited with code 7 after \d+ms\n$/);
      const passing = await d.taskkit(['run-now', 'good', '--wait']);
      expect([passing.code, passing.stdout, passing.stderr]).toEqual([0, 'fine\n', '']);
      const unknown = await d.taskkit(['run-now', 'god']);
      expect([unknown.code, unknown.stderr]).toEqual([1, 'taskkit: no task named "god" (did you mean "good")\n']);

      // hold: no scheduled runs while held (the every-1s counter stops growing).
      await waitUntil(() => countLines(counter) >= 1, 5_000, 'tick to run');
      const hold = await d.taskkit(['hold', 'tick', '--note', 'disk full']);
      expect(hold.code).toBe(0);
      expect(hold.stdout).toBe('tick: held (note: disk full); it runs on schedule again after "taskkit resume tick"\n');
      // A run started just before the hold has appended its line once the task is no longer running.
      const heldAt = await waitForTick(d, (view) => view.state === 'held', 'tick to be held with no run going');
      const whileHeld = countLines(counter);
      // The daemon deals with two more of tick's instants while held (nextAt moves past them), and runs neither.
      await waitForTick(
        d,
        (view) => Date.parse(view.nextAt ?? '') >= Date.parse(heldAt.nextAt ?? '') + 2_000,
        'two held instants to pass',
      );
      expect(countLines(counter)).toBe(whileHeld);
      const held = byName(JSON.parse((await d.taskkit(['list', '--json'])).stdout) as TaskView[], 'tick');
      expect([held?.state, held?.held, held?.holdNote]).toEqual(['held', true, 'disk full']);

      // resume: it runs again.
      const resume = await d.taskkit(['resume', 'tick']);
      expect(resume.code).toBe(0);
      expect(resume.stdout).toMatch(/^tick: resumed, next (now|in 1s) \(\d\d:\d\d:\d\d\)\n$/);
      await waitUntil(() => countLines(counter) > whileHeld, 5_000, 'tick to run again after resume');

      // reschedule, then back to the file's schedule.
      const reschedule = await d.taskkit(['reschedule', 'tick', '--every', '1h']);
      expect(reschedule.code).toBe(0);
      expect(reschedule.stdout).toMatch(/^tick: rescheduled to every 1h, next in \S+ \(.+\)\n$/);
      const rescheduled = byName(JSON.parse((await d.taskkit(['list', '--json'])).stdout) as TaskView[], 'tick');
      expect([rescheduled?.schedule, rescheduled?.rescheduled]).toEqual(['every 1h', true]);
      expect((await d.taskkit(['reschedule', 'tick', '--reset'])).stdout).toMatch(
        /^tick: back to the file's schedule: every 1s, next /,
      );

      // reload, a good file: the new task appears, the others are unchanged.
      d.writeTasks([...BASE_TASKS, '  extra:', '    run: echo extra']);
      const reload = await d.taskkit(['reload']);
      expect([reload.code, reload.stdout]).toEqual([
        0,
        'reloaded: 1 added (extra), 0 changed, 0 removed, 3 unchanged\n',
      ]);
      expect((JSON.parse((await d.taskkit(['list', '--json'])).stdout) as TaskView[]).map((task) => task.name)).toEqual(
        ['tick', 'job', 'good', 'extra'],
      );

      // reload, a bad file: refused with its errors (exit 2); the old tasks go on.
      d.writeTasks([...BASE_TASKS, '  broken:', '    every: 5 minutes', '    run: "true"']);
      const refused = await d.taskkit(['reload']);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toContain(
        `${join(d.dir, 'tasks.yaml')}:14:12: task "broken": expected a duration like "90s", "5m" or "1h30m", ` +
          `got "5 minutes"`,
      );
      expect(refused.stderr).toMatch(/taskkit: reload refused; the daemon goes on with the tasks it had\n$/);
      expect((JSON.parse((await d.taskkit(['list', '--json'])).stdout) as TaskView[]).map((task) => task.name)).toEqual(
        ['tick', 'job', 'good', 'extra'],
      );
      const beforeCheck = countLines(counter);
      await waitUntil(() => countLines(counter) > beforeCheck, 5_000, 'tick to go on after the refused reload');

      // stop: graceful, and returns only when the daemon is gone; its files go with it.
      const stop = await d.taskkit(['stop']);
      expect([stop.code, stop.stdout]).toEqual([0, `taskkit stopped (pid ${pid})\n`]);
      expect(isAlive(pid as number)).toBe(false);
      expect(existsSync(d.socket)).toBe(false);
      expect(existsSync(d.pidFile)).toBe(false);
      const log = readFileSync(join(d.stateDir, 'taskkit.log'), 'utf8');
      expect(log).toMatch(/info {2}taskkit stop: stopping/);
      expect(log).toMatch(/info {2}stopped\n$/);
    },
  );

  test('a second start on the same socket says "already running (pid N)" and exits 1', async () => {
    const d = makeDaemonDir();
    d.writeTasks(BASE_TASKS);
    expect((await d.taskkit(['start'])).code).toBe(0);
    const pid = d.readPid();
    const again = await d.taskkit(['start']);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe(`taskkit: taskkit is already running (pid ${pid}) on ${d.socket}\n`);
    expect(d.readPid()).toBe(pid);
    expect(isAlive(pid as number)).toBe(true);
  });

  test('a tasks file with errors: start prints every error and exits 2; no daemon, pid file or socket', async () => {
    const d = makeDaemonDir();
    const path = d.writeTasks([
      'settings:',
      '  state-dir: ./state',
      'tasks:',
      '  a:',
      '    every: 5 minutes',
      '    run: "true"',
      '  b:',
      '    daily: "25:00"',
      '    run: "true"',
    ]);
    const result = await d.taskkit(['start']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `${path}:5:12: task "a": expected a duration like "90s", "5m" or "1h30m", got "5 minutes"`,
    );
    expect(result.stderr).toMatch(new RegExp(`${path.replace(/[.]/g, '\\.')}:8:12: task "b": .*"25:00"`));
    expect(result.stderr).toMatch(/taskkit: \S+tasks\.yaml: 2 problems\n$/);
    expect(existsSync(d.pidFile)).toBe(false);
    expect(existsSync(d.socket)).toBe(false);
  });

  test('a state dir that cannot be created: start says so and exits 2', async () => {
    const d = makeDaemonDir();
    writeFileSync(join(d.dir, 'a-file'), '');
    d.writeTasks(['settings:', '  state-dir: ./a-file/state', 'tasks:', '  a:', '    run: "true"']);
    const result = await d.taskkit(['start']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `taskkit: state dir ${join(d.dir, 'a-file', 'state')} is not a writable directory (ENOTDIR); ` +
        `fix its permissions or set settings.state-dir\n`,
    );
  });

  test('after kill -9 the stale socket and pid file do not block the next start', async () => {
    const d = makeDaemonDir();
    d.writeTasks(BASE_TASKS);
    expect((await d.taskkit(['start'])).code).toBe(0);
    const first = d.readPid() as number;
    process.kill(first, 'SIGKILL');
    await waitUntil(() => !isAlive(first), 5_000, 'the killed daemon to be gone');
    expect(existsSync(d.socket)).toBe(true);
    expect(existsSync(d.pidFile)).toBe(true);
    const status = await d.taskkit(['status']);
    expect(status.code).toBe(3);
    const again = await d.taskkit(['start']);
    expect(again.code).toBe(0);
    const second = d.readPid() as number;
    expect(second).not.toBe(first);
    expect(again.stdout).toBe(`taskkit started (pid ${second}, socket ${d.socket})\n`);
    expect((await d.taskkit(['status', '--json'])).stdout).toContain(`"pid": ${second},`);
  });

  test('SIGHUP reloads the file; status reports pid, files, counts and runs', async () => {
    const d = makeDaemonDir();
    d.writeTasks(BASE_TASKS);
    expect((await d.taskkit(['start'])).code).toBe(0);
    const pid = d.readPid() as number;
    d.writeTasks([...BASE_TASKS, '  later:', '    daily: "03:00"', '    run: "true"', '    hold: true']);
    process.kill(pid, 'SIGHUP');
    await waitUntil(
      () => readFileSync(join(d.stateDir, 'taskkit.log'), 'utf8').includes('reloaded'),
      5_000,
      'the reload to be logged',
    );
    const status = JSON.parse((await d.taskkit(['status', '--json'])).stdout) as Record<string, unknown>;
    expect(status).toMatchObject({
      pid,
      configPath: join(d.dir, 'tasks.yaml'),
      socket: d.socket,
      stateDir: d.stateDir,
      tasks: { total: 4, held: 1, onDemand: 2, done: 0 },
    });
    // tick (every 1s) is either waiting or caught mid-run.
    const counts = status['tasks'] as { scheduled: number; running: number };
    expect(counts.scheduled + counts.running).toBe(1);
    const text = await d.taskkit(['status']);
    expect(text.stdout).toContain(`  pid         ${pid}\n`);
    expect(text.stdout).toMatch(
      / {2}tasks {7}4: (1 scheduled, 0 running|0 scheduled, 1 running), 1 held, 2 on demand, 0 done\n/,
    );
  });

  test('run-now --wait: Ctrl-C detaches and says so; the run goes on until cancel', async () => {
    const d = makeDaemonDir();
    d.writeTasks([
      'settings:',
      '  state-dir: ./state',
      'tasks:',
      '  slow:',
      '    run: echo $$ > slow.pid; echo started; exec sleep 30',
    ]);
    expect((await d.taskkit(['start'])).code).toBe(0);
    const { spawnTaskkit, collect, waitForOutput, cliEnv } = await import('../support/cli-process.js');
    const waiting = spawnTaskkit(['run-now', 'slow', '--wait'], { cwd: d.dir, env: cliEnv() });
    const done = collect(waiting, 20_000);
    await waitForOutput(waiting, /started/);
    const runPid = Number(readFileSync(join(d.dir, 'slow.pid'), 'utf8'));
    d.track(runPid);
    waiting.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stdout).toBe('started\n');
    expect(result.stderr).toBe(
      'taskkit: detached; slow #1 goes on in the daemon ' +
        '("taskkit show slow" to see it, "taskkit cancel slow" to stop it)\n',
    );
    const slow = byName(JSON.parse((await d.taskkit(['list', '--json'])).stdout) as TaskView[], 'slow');
    expect([slow?.state, slow?.running]).toEqual(['running', 1]);
    expect(isAlive(runPid)).toBe(true);
    const cancel = await d.taskkit(['cancel', 'slow']);
    expect([cancel.code, cancel.stdout]).toEqual([0, 'slow #1: cancelling\n']);
    await waitUntil(() => !isAlive(runPid), 5_000, 'the cancelled run to be gone');
  });

  test('start --foreground serves the socket too, and removes socket and pid file on SIGTERM', async () => {
    const d = makeDaemonDir();
    const path = d.writeTasks(BASE_TASKS);
    const { spawnTaskkit, collect, waitForOutput, cliEnv } = await import('../support/cli-process.js');
    const daemon = spawnTaskkit(['start', '--foreground', '--config', path], { cwd: d.dir, env: cliEnv() });
    d.track(daemon.pid as number);
    const done = collect(daemon, 20_000);
    await waitForOutput(daemon, /control socket/);
    const list = await d.taskkit(['list', '--socket', d.socket]);
    expect(list.code).toBe(0);
    // tick runs every second: on a loaded machine a list may fall on one of its runs.
    expect(list.stdout.split('\n')[1]).toMatch(/^tick +every 1s +(scheduled|running) /);
    expect(readFileSync(d.pidFile, 'utf8')).toBe(`${daemon.pid}\n`);
    daemon.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `taskkit ${daemon.pid}: running 3 task(s) from ${path}; control socket ${d.socket}`,
    );
    expect(existsSync(d.socket)).toBe(false);
    expect(existsSync(d.pidFile)).toBe(false);
  });
});

describe('verbs with no daemon', () => {
  test.each([
    [['status']],
    [['stop']],
    [['reload']],
    [['list']],
    [['ls', '--json']],
    [['show', 'tick']],
    [['run-now', 'tick', '--wait']],
    [['hold', 'tick']],
    [['resume', 'tick']],
    [['cancel', 'tick']],
    [['reschedule', 'tick', '--every', '5m']],
  ])('taskkit %j: exit 3, the socket path tried and how to start one', async (args) => {
    const d = makeDaemonDir();
    d.writeTasks(BASE_TASKS);
    const result = await d.taskkit(args);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `taskkit: no taskkit daemon reachable on ${d.socket}: the socket does not exist; ` +
        `start one with "taskkit start"\n`,
    );
  });

  test('TASKKIT_SOCKET is honoured (and --socket wins over it)', async () => {
    const d = makeDaemonDir();
    d.writeTasks(BASE_TASKS);
    const fromEnv = await d.taskkit(['status'], { env: { TASKKIT_SOCKET: 'elsewhere.sock' } });
    expect(fromEnv.stderr).toBe(
      `taskkit: no taskkit daemon reachable on ${join(d.dir, 'elsewhere.sock')}: the socket does not exist; ` +
        `start one with "taskkit start"\n`,
    );
    const fromFlag = await d.taskkit(['status', '--socket', 'flag.sock'], {
      env: { TASKKIT_SOCKET: 'elsewhere.sock' },
    });
    expect(fromFlag.stderr).toContain(`reachable on ${join(d.dir, 'flag.sock')}: `);
  });
});
