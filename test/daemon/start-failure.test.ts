/**
 * A start either succeeds or leaves nothing behind (issue 15 point 2). The daemon runs in this
 * process with a stand-in for `process` (its signals), on a real socket, pid file and database:
 * a task the engine refuses while the tasks are added once left the socket and pid file in place
 * and the stop signals swallowed; a SIGTERM that comes during start-up stops it once it can.
 */
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, expect, test, vi } from 'vitest';
import { runDaemon } from '../../src/daemon/main.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import { waitUntil } from '../support/process-state.js';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setUp(): {
  dir: string;
  socket: string;
  pidFile: string;
  proc: NodeJS.Process;
  log: () => string;
  start: () => Promise<number>;
} {
  const dir = mkdtempSync(join(tmpdir(), 'tk-startfail-'));
  dirs.push(dir);
  const configPath = join(dir, 'tasks.yaml');
  writeFileSync(configPath, 'settings:\n  state-dir: ./state\ntasks:\n  tick:\n    every: 1h\n    run: "true"\n');
  const proc = Object.assign(new EventEmitter(), { pid: process.pid, getuid: () => process.getuid?.() ?? 0 });
  const logStream = new PassThrough();
  let text = '';
  logStream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const start = () =>
    runDaemon({
      configPath,
      socketFlag: undefined,
      env: { HOME: dir, TZ: 'UTC', PATH: process.env['PATH'] },
      cwd: dir,
      logStream,
      process: proc as unknown as NodeJS.Process,
      insecure: true,
    });
  const stateDir = join(dir, 'state');
  return {
    dir,
    socket: join(stateDir, 'taskkit.sock'),
    pidFile: join(stateDir, 'taskkit.pid'),
    proc: proc as unknown as NodeJS.Process,
    log: () => text,
    start,
  };
}

test('a task the engine refuses fails the start: socket, pid file, lock and signal handlers are released', async () => {
  const d = setUp();
  vi.spyOn(Scheduler.prototype, 'add').mockImplementationOnce(() => {
    throw new RangeError('Invalid time zone specified: Etc/Unknown');
  });
  await expect(d.start()).rejects.toThrow('Invalid time zone specified: Etc/Unknown');
  expect(existsSync(d.socket)).toBe(false);
  expect(existsSync(d.pidFile)).toBe(false);
  expect(d.proc.listenerCount('SIGTERM')).toBe(0);
  expect(d.log()).toContain('start-up failed; the socket, pid file and lock are released: Invalid time zone');

  // The state dir's lock was released too: the next start runs, and SIGTERM stops it.
  const running = d.start();
  await waitUntil(() => d.log().includes('running 1 task(s)'), 10_000, 'the second start');
  d.proc.emit('SIGTERM', 'SIGTERM');
  await expect(running).resolves.toBe(0);
  expect(existsSync(d.socket)).toBe(false);
});

test('a SIGTERM during start-up stops the daemon as soon as it has started, and nothing is left', async () => {
  const d = setUp();
  // The signal comes while the tasks are being added: the handlers exist, the start is not done.
  // Sent from inside the start (not by polling from here) so a fast start cannot outrun it.
  const add = Scheduler.prototype.add;
  let handlersAtSignal = -1;
  vi.spyOn(Scheduler.prototype, 'add').mockImplementationOnce(function (this: Scheduler, ...args) {
    handlersAtSignal = d.proc.listenerCount('SIGTERM');
    d.proc.emit('SIGTERM', 'SIGTERM');
    return add.apply(this, args);
  });
  await expect(d.start()).resolves.toBe(0);
  expect(handlersAtSignal).toBeGreaterThan(0);
  expect(d.log()).toContain('SIGTERM during start-up: stopping');
  expect(existsSync(d.socket)).toBe(false);
  expect(existsSync(d.pidFile)).toBe(false);
  expect(d.proc.listenerCount('SIGTERM')).toBe(0);
});
