/**
 * Issue 18 point 8: the repository's own tasks.yaml keeps its daemon's state, history database and
 * socket under ./out/ beside it, so two clones run side by side, even with one $XDG_RUNTIME_DIR
 * (where the default socket of both would be the same file). A clone too deep for a Unix socket
 * path says so, naming the ways to choose a shorter one.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { MAX_SOCKET_PATH_BYTES } from '../../src/control/socket-path.js';
import { cleanUpDaemons, makeDaemonDir, type DaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

const BUNDLED = fileURLToPath(new URL('../../tasks.yaml', import.meta.url));

function clone(): DaemonDir {
  const d = makeDaemonDir();
  copyFileSync(BUNDLED, join(d.dir, 'tasks.yaml'));
  return d;
}

test('two clones started at once: two daemons, each on the socket and database under its own ./out/', async () => {
  const clones = [clone(), clone()];
  const env = { XDG_RUNTIME_DIR: makeDaemonDir().dir };
  const starts = await Promise.all(clones.map((d) => d.taskkit(['start'], { env })));
  const pids = starts.map((started, i) => {
    const socket = join(clones[i]!.dir, 'out', 'state', 'taskkit.sock');
    expect(started.stdout, started.stderr).toMatch(`taskkit started (pid `);
    expect(started.stdout).toContain(`socket ${socket})`);
    return Number(/pid (\d+)/.exec(started.stdout)?.[1]);
  });
  expect(new Set(pids).size).toBe(2);
  for (const [i, d] of clones.entries()) {
    const status = await d.taskkit(['status', '--json'], { env });
    expect(status.code, status.stderr).toBe(0);
    const out = join(d.dir, 'out', 'state');
    expect(JSON.parse(status.stdout)).toMatchObject({
      pid: pids[i],
      socket: join(out, 'taskkit.sock'),
      stateDir: out,
      tasks: { total: 6 },
    });
  }
  for (const [i, d] of clones.entries()) {
    const stopped = await d.taskkit(['stop'], { env });
    expect([stopped.code, stopped.stdout]).toEqual([0, `taskkit stopped (pid ${pids[i]})\n`]);
  }
});

test('a clone too deep for a socket path: start and a client both say so and how to shorten it', async () => {
  const d = makeDaemonDir();
  const deep = join(d.dir, 'x'.repeat(60), 'y'.repeat(40));
  mkdirSync(deep, { recursive: true });
  copyFileSync(BUNDLED, join(deep, 'tasks.yaml'));
  const socket = join(deep, 'out', 'state', 'taskkit.sock');
  const message =
    `taskkit: socket path too long (${Buffer.byteLength(socket)} bytes; at most ${MAX_SOCKET_PATH_BYTES}): ` +
    `${socket}; choose a shorter one with --socket, $TASKKIT_SOCKET or settings.socket (e.g. under /tmp)\n`;
  for (const verb of [['start'], ['status']]) {
    const result = await d.taskkit([...verb, '--config', join(deep, 'tasks.yaml')]);
    expect([verb, result.code, result.stdout, result.stderr]).toEqual([verb, 2, '', message]);
  }
});
