/** hasLiveMember: a group whose only member is a zombie counts as gone (kill(-pgid, 0) would say alive). */
import { spawn } from 'node:child_process';
import { afterEach, expect, test } from 'vitest';
import { hasLiveMember } from '../../src/runner/group-members.js';
import { waitUntil } from '../support/process-state.js';

const toKill: number[] = [];
afterEach(() => {
  for (const pid of toKill.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

// P leads group G and forks C1; C1 forks C2, moves itself to a group of its own and never reaps
// C2, which exits at once; P exits. Group G is then one zombie (C2), whose parent C1 sleeps on.
const SCRIPT = `
import os, sys, time
c1 = os.fork()
if c1 == 0:
    c2 = os.fork()
    if c2 == 0:
        os._exit(0)
    os.setpgid(0, 0)
    print(os.getpid(), c2, flush=True)
    time.sleep(30)
    os._exit(0)
time.sleep(0.3)
`;

test.skipIf(process.platform !== 'linux')(
  'a group left with only a zombie has no live member, though kill(-pgid, 0) succeeds',
  async () => {
    const leader = spawn('python3', ['-c', SCRIPT], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    const pgid = leader.pid ?? 0;
    const [c1, c2] = await readPids(leader.stdout);
    toKill.push(c1 ?? 0);
    expect(hasLiveMember(pgid)).toBe(true); // P still sleeps in it
    await new Promise((resolve) => leader.once('exit', resolve));
    await waitUntil(() => !hasLiveMember(pgid), 5_000, `group ${pgid} to have no live member`);
    expect(() => process.kill(-pgid, 0)).not.toThrow(); // the zombie C2 still answers
    expect(c2).toBeGreaterThan(0);
  },
);

test('a group that does not exist has no live member', () => {
  expect(hasLiveMember(2 ** 22 + 12345)).toBe(false);
  expect(hasLiveMember(1)).toBe(false);
});

/** The first line C1 prints: its pid and C2's. */
async function readPids(stream: NodeJS.ReadableStream): Promise<number[]> {
  let text = '';
  for await (const chunk of stream) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.trim().split(' ').map(Number);
}
