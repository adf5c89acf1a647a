import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, test } from 'vitest';
import { isGroupAlive, signalProcessGroup, stopProcessGroup } from '../../src/runner/kill-tree.js';
import { fixtureArgv, isAlive, waitUntil } from './_process-run.js';

const started: ChildProcess[] = [];

/** A fixture as the leader of its own process group; resolves once it printed `ready`. */
async function startGroupLeader(name: string, ready: string): Promise<{ child: ChildProcess; pid: number; exited: Promise<NodeJS.Signals | null> }> {
  const [file, ...args] = fixtureArgv(name);
  const child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(child);
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
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

describe('stopProcessGroup', () => {
  test('a leader that obeys SIGTERM: only SIGTERM is sent', async () => {
    const leader = await startGroupLeader('sleep-forever.js', 'sleeping');
    const stop = stopProcessGroup({ pid: leader.pid, killAfterMs: 10_000 });
    expect(await leader.exited).toBe('SIGTERM');
    expect(stop.describeSent()).toBe('sent SIGTERM');
    stop.dispose();
  });

  test('a group gone after SIGTERM gets no SIGKILL; settled resolves at kill-after', async () => {
    const leader = await startGroupLeader('sleep-forever.js', 'sleeping');
    const stop = stopProcessGroup({ pid: leader.pid, killAfterMs: 100 });
    expect(await leader.exited).toBe('SIGTERM');
    await stop.settled;
    expect(stop.describeSent()).toBe('sent SIGTERM');
    expect(isGroupAlive(leader.pid)).toBe(false);
  });

  test('a leader ignoring SIGTERM is SIGKILLed after kill-after', async () => {
    const leader = await startGroupLeader('ignore-sigterm.js', 'ready');
    const stop = stopProcessGroup({ pid: leader.pid, killAfterMs: 150 });
    expect(stop.describeSent()).toBe('sent SIGTERM');
    expect(await leader.exited).toBe('SIGKILL');
    expect(stop.describeSent()).toBe('sent SIGTERM, then SIGKILL after 150ms');
  });

  test('dispose before kill-after: no SIGKILL goes out', async () => {
    const leader = await startGroupLeader('ignore-sigterm.js', 'ready');
    const stop = stopProcessGroup({ pid: leader.pid, killAfterMs: 50 });
    stop.dispose();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(isAlive(leader.pid)).toBe(true);
    expect(stop.describeSent()).toBe('sent SIGTERM');
  });

  test('nothing to signal: describes nothing sent', () => {
    const stop = stopProcessGroup({ pid: 2 ** 30, killAfterMs: 10_000 });
    expect(stop.describeSent()).toBe('');
    stop.dispose();
  });
});
