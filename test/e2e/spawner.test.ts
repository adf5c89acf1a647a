/**
 * The daemon's spawner process, through bin/taskkit (runner/spawner-client.ts): `ps` shows a
 * `taskkit-spawner` child of the daemon, which is the parent of the runs; `run-now` still prints
 * the pid; a cancel reaches the run's group; a spawner killed mid-run is logged and replaced, its
 * run recorded `interrupted` with its group killed, the history intact; a spawner frozen with
 * SIGSTOP is found out by its silence (runner/spawner-watch.ts), killed and replaced, the run asked
 * of it answered and recorded `interrupted`; a daemon killed with -9 leaves no spawner behind.
 * Everything started is killed by pid in cleanup (a stopped spawner too).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { cleanUpDaemons, daemonTasks, eventually, makeDaemonDir, readDaemonLog, startDetached } from './_daemon.js';
import { isAlive, waitUntil } from '../support/process-state.js';
import type { DaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

/** pid and command line of every child of `parent`, from /proc. */
function childrenOf(parent: number): { pid: number; args: string }[] {
  const found: { pid: number; args: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== parent || fields[0] === 'Z') continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      found.push({ pid: Number(entry), args });
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/**
 * The daemon's one spawner child. It is named once its node has started (process.title), which on
 * a loaded machine can come after the daemon answers: CI at e7952c0 found no child by that name yet.
 */
async function spawnerOf(daemon: number): Promise<number> {
  const named = (): { pid: number }[] => childrenOf(daemon).filter((child) => child.args === 'taskkit-spawner');
  await waitUntil(() => named().length > 0, 5_000, 'a child named taskkit-spawner');
  const spawners = named();
  expect(spawners).toHaveLength(1);
  return (spawners[0] as { pid: number }).pid;
}

const parentOf = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
};

async function runNow(d: DaemonDir, task: string): Promise<{ runId: number; pid: number }> {
  const started = await d.taskkit(['run-now', task]);
  const [, runId, pid] = new RegExp(`^${task} #(\\d+) started \\(pid (\\d+)\\)\\n$`).exec(started.stdout) ?? [];
  expect(started.stdout).toMatch(/started \(pid \d+\)/);
  d.track(Number(pid));
  return { runId: Number(runId), pid: Number(pid) };
}

async function runOf(d: DaemonDir, runId: number): Promise<Record<string, unknown> | undefined> {
  const history = await d.taskkit(['history', '--json']);
  const { runs } = JSON.parse(history.stdout) as { runs: Record<string, unknown>[] };
  return runs.find((run) => run['id'] === runId);
}

/** The spawner's pid as `taskkit status --json` tells it. */
async function statusSpawner(d: DaemonDir): Promise<unknown> {
  return (JSON.parse((await d.taskkit(['status', '--json'])).stdout) as Record<string, unknown>)['spawnerPid'];
}

describe('the spawner process', () => {
  test('a taskkit-spawner child starts the runs; run-now prints the pid; a cancel stops the group', async () => {
    const d = makeDaemonDir();
    d.writeTasks(daemonTasks(['  long:', '    run: echo started; sleep 300']));
    const daemon = await startDetached(d);
    const spawner = await spawnerOf(daemon);
    const { runId, pid } = await runNow(d, 'long');
    expect(parentOf(pid)).toBe(spawner);
    const cancelled = await d.taskkit(['cancel', 'long']);
    expect(cancelled.code).toBe(0);
    const run = await eventually(
      async () => ((await runOf(d, runId))?.['status'] === 'cancelled' ? runOf(d, runId) : undefined),
      'the run to be cancelled',
    );
    expect(run).toMatchObject({ pid, status: 'cancelled', signal: 'SIGTERM' });
    await waitUntil(() => !isAlive(pid), 5_000, 'the run to be gone');
  });

  test('kill -9 of the spawner mid-run: logged, replaced, the run interrupted with its group killed', async () => {
    const d = makeDaemonDir();
    d.writeTasks(daemonTasks(['  long:', '    run: echo started; sleep 300', '  quick:', '    run: echo fine']));
    const daemon = await startDetached(d);
    expect((await d.taskkit(['run-now', 'quick', '--wait'])).code).toBe(0);
    const first = await spawnerOf(daemon);
    const { runId, pid } = await runNow(d, 'long');
    process.kill(first, 'SIGKILL');
    const run = await eventually(
      async () => ((await runOf(d, runId))?.['status'] === 'interrupted' ? runOf(d, runId) : undefined),
      'the run to be recorded interrupted',
    );
    expect(run?.['error']).toBe(
      `taskkit-spawner (pid ${first}) was killed by SIGKILL during the run; ` +
        `its process group ${pid} was killed (SIGKILL)`,
    );
    await waitUntil(() => !isAlive(pid), 5_000, 'the run to be gone');
    await waitUntil(() => childrenOf(daemon).some((child) => child.args === 'taskkit-spawner'), 5_000, 'a new spawner');
    const second = await spawnerOf(daemon);
    expect(second).not.toBe(first);
    const log = readDaemonLog(d);
    expect(log).toContain(
      `error taskkit-spawner (pid ${first}) was killed by SIGKILL; 1 run(s) in flight are ended as interrupted; ` +
        'starting a new one\n',
    );
    expect(log).toContain(`info  taskkit-spawner restarted (pid ${second})\n`);
    // The daemon goes on, the history intact.
    const again = await d.taskkit(['run-now', 'quick', '--wait']);
    expect([again.code, again.stdout]).toEqual([0, 'fine\n']);
    const { runs } = JSON.parse((await d.taskkit(['history', '--json'])).stdout) as { runs: { status: string }[] };
    const statuses = runs.map((row) => row.status);
    expect(statuses).toEqual(['succeeded', 'interrupted', 'succeeded']);
  });

  test('a spawner frozen with SIGSTOP: found out, killed, replaced; the run asked of it ends interrupted', async () => {
    const d = makeDaemonDir();
    d.writeTasks(daemonTasks(['  quick:', '    run: echo fine']));
    const daemon = await startDetached(d);
    expect((await d.taskkit(['run-now', 'quick', '--wait'])).code).toBe(0);
    const first = await spawnerOf(daemon);
    expect(await statusSpawner(d)).toBe(first);
    process.kill(first, 'SIGSTOP');
    try {
      const asked = performance.now();
      const answer = await d.taskkit(['run-now', 'quick'], { timeoutMs: 40_000 });
      const waited = performance.now() - asked;
      const silence = String.raw`taskkit-spawner \(pid ${first}\) did not answer for \d+\.\d s \(stopped or hung\)`;
      // Answered as it ended, not as "started" (the reply waits longer than the freeze goes
      // unnoticed), and a failure: no process of the run ever ran.
      expect([answer.code, answer.stdout]).toEqual([1, '']);
      expect(answer.stderr).toMatch(
        new RegExp(`^taskkit: quick #\\d+ interrupted \\(${silence} and was killed \\(SIGKILL\\) before it told`),
      );
      // Found out after 10 s of silence (a ping every 2.5 s): not sooner, not much later.
      expect(waited).toBeGreaterThan(9_000);
      expect(waited).toBeLessThan(25_000);
      expect(readDaemonLog(d)).toMatch(
        new RegExp(`error ${silence} and was killed \\(SIGKILL\\); 1 run\\(s\\) in flight are ended as interrupted`),
      );
      await waitUntil(() => !isAlive(first), 5_000, 'the stopped spawner to be killed');
      const again = await d.taskkit(['run-now', 'quick', '--wait']);
      expect([again.code, again.stdout]).toEqual([0, 'fine\n']);
      const second = await spawnerOf(daemon);
      expect(second).not.toBe(first);
      expect(await statusSpawner(d)).toBe(second);
      expect((await d.taskkit(['status'])).stdout).toContain(
        `\n  spawner     pid ${second} (taskkit-spawner, starts the runs)\n`,
      );
      const { runs } = JSON.parse((await d.taskkit(['history', '--json'])).stdout) as { runs: { status: string }[] };
      expect(runs.map((row) => row.status)).toEqual(['succeeded', 'interrupted', 'succeeded']);
    } finally {
      if (isAlive(first)) process.kill(first, 'SIGKILL');
    }
  }, 60_000);

  test('kill -9 of the daemon: the spawner exits; the run lives on as before', async () => {
    const d = makeDaemonDir();
    d.writeTasks(daemonTasks(['  long:', '    run: echo started; sleep 300']));
    const daemon = await startDetached(d);
    const spawner = await spawnerOf(daemon);
    const { pid } = await runNow(d, 'long');
    process.kill(daemon, 'SIGKILL');
    await waitUntil(() => !isAlive(spawner), 5_000, 'the spawner to exit');
    // Its run, in its own process group, lives on as a killed daemon's did; cleanup kills it.
    expect(isAlive(pid)).toBe(true);
  });
});
