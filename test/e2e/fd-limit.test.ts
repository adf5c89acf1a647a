/**
 * Issue 15 point 1, through a real daemon: its fds are used up by idle clients (as a leak or a
 * crowd would), then a run is triggered. The run must be recorded as failed with "cannot start:
 * too many open files", and the daemon go on serving and running once fds are free again.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { connectControl, type ControlClient } from '../../src/control/client.js';
import { PROTOCOL_VERSION } from '../../src/control/protocol.js';
import { cliEnv, collect, TASKKIT_BIN } from '../support/cli-process.js';
import { isAlive } from '../support/process-state.js';
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

test('a run that cannot start for want of fds is a failed run; the daemon lives on', { timeout: 60_000 }, async () => {
  const d = makeDaemonDir();
  d.writeTasks(['settings:', '  state-dir: ./state', 'tasks:', '  probe:', '    run: echo hi']);
  // The detached daemon inherits the start command's fd limit.
  const start = spawn(
    '/bin/sh',
    ['-c', `ulimit -n ${FD_LIMIT} && exec "$0" "$@"`, process.execPath, TASKKIT_BIN, 'start'],
    { cwd: d.dir, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const started = await collect(start, 20_000);
  expect([started.code, started.stderr]).toEqual([0, '']);
  const pid = d.readPid() as number;
  d.track(pid);
  client = await connectControl({ socket: d.socket });

  // Leave the daemon 2 fds: enough for one pipe of the run, not for the other.
  while (openFds(pid) < FD_LIMIT - 2) await idleClient(d.socket);
  expect(openFds(pid)).toBe(FD_LIMIT - 2);
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

  for (const socket of sockets.splice(0)) socket.destroy();
  const history = await d.taskkit(['history', 'probe', '--json']);
  expect((JSON.parse(history.stdout) as { runs: unknown[] }).runs).toMatchObject([
    { id: run.id, status: 'failed', error: 'cannot start: too many open files' },
  ]);

  // fds free again: the same task runs.
  const again = await d.taskkit(['run-now', 'probe', '--wait']);
  expect([again.code, again.stdout]).toEqual([0, 'hi\n']);
});
