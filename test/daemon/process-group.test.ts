// daemon/process-group.ts: whether an interrupted run's process group still runs (issue 4 item 4).
import { spawn } from 'node:child_process';
import { afterEach, expect, test } from 'vitest';
import { isProcessGroupAlive } from '../../src/daemon/process-group.js';
import { isAlive, waitUntil } from '../support/process-state.js';

const leaders: number[] = [];
afterEach(async () => {
  for (const pid of leaders.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone already
    }
    await waitUntil(() => !isAlive(pid), 5_000, `group ${pid} to be gone`);
  }
});

/** A shell leading its own group (as every run does) with a child that outlives it: `sh` exits, `sleep` stays. */
async function startGroup(): Promise<{ pgid: number; child: number }> {
  const shell = spawn('/bin/sh', ['-c', 'sleep 60 & echo $!'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  const pgid = shell.pid as number;
  leaders.push(pgid);
  const child = await new Promise<number>((resolve) =>
    shell.stdout?.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim()))),
  );
  await new Promise((resolve) => shell.once('exit', resolve));
  return { pgid, child };
}

test('a group whose leader exited is alive while a member runs, and not once it is gone', async () => {
  const { pgid, child } = await startGroup();
  expect(isAlive(pgid)).toBe(false);
  expect(isProcessGroupAlive(pgid, Date.now() - 1_000)).toBe(true);
  process.kill(child, 'SIGKILL');
  await waitUntil(() => !isAlive(child), 5_000, 'the member to be gone');
  expect(isProcessGroupAlive(pgid, Date.now() - 1_000)).toBe(false);
});

test('a run that started before the machine booted cannot own a live group (the pid was reused)', async () => {
  const { pgid } = await startGroup();
  expect(isProcessGroupAlive(pgid)).toBe(true);
  expect(isProcessGroupAlive(pgid, 0)).toBe(process.platform !== 'linux');
});

test('nonsense and unused group ids are not alive; 1 (init) is never a run', () => {
  expect([0, 1, -4, Number.NaN, 2 ** 22 + 1].map((pgid) => isProcessGroupAlive(pgid))).toEqual([
    false,
    false,
    false,
    false,
    false,
  ]);
});
