import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, test } from 'vitest';
import { isGroupAlive, killGroupIfAlive, signalProcessGroup, watchGroup } from '../../src/runner/kill-tree.js';
import { fixtureArgv, isAlive, waitUntil } from './_process-run.js';

const started: ChildProcess[] = [];

/** A fixture as the leader of its own process group; resolves once it printed `ready`. */
async function startGroupLeader(
  name: string,
  ready: string,
): Promise<{ child: ChildProcess; pid: number; exited: Promise<NodeJS.Signals | null> }> {
  const [file, ...args] = fixtureArgv(name);
  const child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(child);
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await waitUntil(() => out.includes(ready), 10_000, ready);
  if (child.pid === undefined) throw new Error('no pid');
  return { child, pid: child.pid, exited };
}

afterEach(() => {
  for (const child of started.splice(0)) {
    if (child.pid === undefined) continue;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

describe('signalProcessGroup', () => {
  test('a group that does not exist is not an error (ESRCH): returns false', () => {
    expect(signalProcessGroup(2 ** 30, 'SIGTERM')).toBe(false);
  });

  test('signals the whole group led by pid', async () => {
    const leader = await startGroupLeader('sleep-forever.js', 'sleeping');
    expect(signalProcessGroup(leader.pid, 'SIGTERM')).toBe(true);
    expect(await leader.exited).toBe('SIGTERM');
  });
});

// When SIGKILL follows SIGTERM is lifecycle.ts's decision (test/runner/lifecycle.test.ts and the
// process runs on the fake clock in process-stop.test.ts); here, what each step does to a real group.
describe('killGroupIfAlive and watchGroup', () => {
  test('a leader that obeys SIGTERM: the watch sees the group gone, and no SIGKILL goes out', async () => {
    const leader = await startGroupLeader('sleep-forever.js', 'sleeping');
    const watch = watchGroup(leader.pid);
    expect(signalProcessGroup(leader.pid, 'SIGTERM')).toBe(true);
    expect(await leader.exited).toBe('SIGTERM');
    await watch.gone;
    expect(isGroupAlive(leader.pid)).toBe(false);
    expect(killGroupIfAlive(leader.pid)).toBe(false);
  });

  test('a leader ignoring SIGTERM is still alive for the watch, and SIGKILLed by killGroupIfAlive', async () => {
    const leader = await startGroupLeader('ignore-sigterm.js', 'ready');
    const watch = watchGroup(leader.pid);
    signalProcessGroup(leader.pid, 'SIGTERM');
    const early = await Promise.race([
      watch.gone.then(() => 'gone'),
      new Promise((resolve) => setTimeout(() => resolve('alive'), 150)),
    ]);
    expect(early).toBe('alive');
    expect(killGroupIfAlive(leader.pid)).toBe(true);
    expect(await leader.exited).toBe('SIGKILL');
    await watch.gone;
  });

  test('dispose resolves the watch and stops polling', async () => {
    const leader = await startGroupLeader('sleep-forever.js', 'sleeping');
    const watch = watchGroup(leader.pid);
    watch.dispose();
    await watch.gone;
    expect(isAlive(leader.pid)).toBe(true);
  });

  test('nothing to signal: nothing is sent', () => {
    expect(killGroupIfAlive(2 ** 30)).toBe(false);
  });
});
