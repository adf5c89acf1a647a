/**
 * Issue 15 point 1, through a real daemon: a run that cannot start for want of fds is recorded as
 * failed with "cannot start: too many open files", and the daemon goes on serving and running once
 * fds are free again. Runs are spawned by the daemon's spawner process (runner/spawner-client.ts),
 * which has its own fd table: the daemon's fds used up by idle clients (as a leak or a crowd would)
 * no longer keep a run from starting; the spawner's, used up by running runs' pipes, do.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { connectControl, type ControlClient } from '../../src/control/client.js';
import { PROTOCOL_VERSION } from '../../src/control/protocol.js';
import { cliEnv, collect, TASKKIT_BIN } from '../support/cli-process.js';
import { isAlive, waitUntil } from '../support/process-state.js';
import { cleanUpDaemons, makeDaemonDir } from './_daemon.js';

const FD_LIMIT = 64;
const sockets: Socket[] = [];
let client: ControlClient | null = null;

afterEach(async () => {
  client?.close();
  client = null;
  for (const socket of sockets.splice(0)) socket.destroy();
  await cleanUpDaemons();
});

const openFds = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;

/** A client that said hello and then nothing: the daemon keeps it (and its fd) open. */
function idleClient(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    sockets.push(socket);
    socket.on('error', reject);
    socket.on('connect', () =>
      socket.write(
        `${JSON.stringify({ id: 0, method: 'hello', params: { version: PROTOCOL_VERSION, client: 'filler' } })}\n`,
      ),
    );
    socket.once('data', () => resolve());
  });
}

/** `taskkit start` under `ulimit -n FD_LIMIT` (the detached daemon and its spawner inherit it); the daemon's pid. */
async function startLimited(d: ReturnType<typeof makeDaemonDir>): Promise<number> {
  const start = spawn(
    '/bin/sh',
    ['-c', `ulimit -n ${FD_LIMIT} && exec "$0" "$@"`, process.execPath, TASKKIT_BIN, 'start'],
    { cwd: d.dir, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const started = await collect(start, 20_000);
  expect([started.code, started.stderr]).toEqual([0, '']);
  const pid = d.readPid() as number;
  d.track(pid);
  return pid;
}

/** The daemon's spawner process (the child `ps` shows as taskkit-spawner). */
function spawnerOf(daemon: number): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (parent === daemon && title === 'taskkit-spawner') return Number(entry);
    } catch {
      // exited meanwhile
    }
  }
  throw new Error(`no taskkit-spawner child of ${daemon}`);
}

const TASKS = [
  'settings:',
  '  state-dir: ./state',
  '  max-concurrent: 100',
  'tasks:',
  '  probe:',
  '    run: echo hi',
  '  hog:',
  '    run: sleep 60',
  '    overlap: allow',
];

test("the daemon's fds used up: a run still starts (the spawner spawns it)", { timeout: 60_000 }, async () => {
  const d = makeDaemonDir();
  d.writeTasks(TASKS);
  const pid = await startLimited(d);
  client = await connectControl({ socket: d.socket });
  // Leave the daemon 2 fds: enough for one pipe of a run, not for the other, had it spawned the run.
  while (openFds(pid) < FD_LIMIT - 2) await idleClient(d.socket);
  expect(openFds(pid)).toBe(FD_LIMIT - 2);
  const { run } = (await client.request('run-now', { name: 'probe', wait: true })) as {
    run: { status: string; outcome: string };
  };
  expect(run).toMatchObject({ status: 'succeeded', outcome: 'succeeded' });
  expect(isAlive(pid)).toBe(true);
});

test('a run that cannot start for want of fds is a failed run; the daemon lives on', { timeout: 60_000 }, async () => {
  const d = makeDaemonDir();
  d.writeTasks(TASKS);
  const pid = await startLimited(d);
  client = await connectControl({ socket: d.socket });
  const spawner = spawnerOf(pid);
  // Running runs' pipes use up the spawner's fds (two each), until one more cannot start.
  let hogs = 0;
  for (; hogs < FD_LIMIT; hogs++) {
    const { run } = (await client.request('run-now', { name: 'hog' })) as { run: { pid: number | null } };
    if (run.pid === null) break;
    d.track(run.pid);
  }
  expect(hogs).toBeGreaterThan(10);
  // A spawn needs up to six fds at once (two pipes for output, libuv's pipe for exec errors) and keeps
  // two, so the one that failed found between 0 and 5 free: 59-64 open, by the parity of the base set.
  expect(openFds(spawner)).toBeGreaterThanOrEqual(FD_LIMIT - 5);
  // --wait's request: the reply comes once the run has ended, whatever happened to it.
  const { run } = (await client.request('run-now', { name: 'probe', wait: true })) as {
    run: { id: number; status: string; error: string; outcome: string };
  };
  expect(run).toMatchObject({
    status: 'failed',
    error: 'cannot start: too many open files',
    outcome: 'failed: cannot start: too many open files',
  });
  expect(isAlive(pid)).toBe(true);

  const history = await d.taskkit(['history', 'probe', '--json']);
  expect((JSON.parse(history.stdout) as { runs: unknown[] }).runs).toMatchObject([
    { id: run.id, status: 'failed', error: 'cannot start: too many open files' },
  ]);

  // fds free again: the same task runs.
  expect((await d.taskkit(['cancel', 'hog'])).code).toBe(0);
  await waitUntil(() => openFds(spawner) < FD_LIMIT - 10, 10_000, 'the pipes to be closed');
  const again = await d.taskkit(['run-now', 'probe', '--wait']);
  expect([again.code, again.stdout]).toEqual([0, 'hi\n']);
});
