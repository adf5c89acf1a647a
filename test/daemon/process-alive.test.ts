/** Liveness for stale pid files and `taskkit stop`. */
import { spawn } from 'node:child_process';
import { expect, test } from 'vitest';
import { isProcessAlive, isTaskkitProcess } from '../../src/daemon/process-alive.js';
import { waitUntil } from '../support/process-state.js';

test('this process is alive; nonsense and unused pids are not', () => {
  expect(isProcessAlive(process.pid)).toBe(true);
  expect([isProcessAlive(0), isProcessAlive(-1), isProcessAlive(Number.NaN), isProcessAlive(2 ** 22 + 1)]).toEqual([
    false,
    false,
    false,
    false,
  ]);
});

test('a child is alive until it exits; taskkit only when its command line says so', async () => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'taskkit-test-marker'], {
    stdio: 'ignore',
  });
  const pid = child.pid as number;
  try {
    await waitUntil(() => isTaskkitProcess(pid), 5_000, 'the child to exec');
    expect(isProcessAlive(pid)).toBe(true);
  } finally {
    child.kill('SIGKILL');
  }
  await waitUntil(() => !isProcessAlive(pid), 5_000, 'the child to be gone');
  expect(isTaskkitProcess(pid)).toBe(false);
});
