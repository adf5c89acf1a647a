/**
 * One daemon per state dir. The pid file: a stale file (dead or foreign pid) is replaced; release
 * removes only our own. The state dir's lock: exclusive within a process and across processes,
 * whatever becomes of the pid file; released by release() and by the kernel when its holder dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { acquirePidFile, acquireStateDirLock, readPidFile } from '../../src/daemon/lock.js';
import { TaskkitError } from '../../src/errors.js';
import { isAlive, waitUntil } from '../support/process-state.js';

const DIST_LOCK = fileURLToPath(new URL('../../dist/daemon/lock.js', import.meta.url));

let dir: string;
let pidFile: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-lock-'));
  pidFile = join(dir, 'taskkit.pid');
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.pid !== undefined && isAlive(child.pid)) {
      child.kill('SIGKILL');
      await waitUntil(() => !isAlive(child.pid as number), 5_000, `pid ${child.pid} to be gone`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** A live process whose command line says `argv0` (what /proc/<pid>/cmdline shows). */
function startIdle(marker: string): number {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', marker], { stdio: 'ignore' });
  children.push(child);
  return child.pid as number;
}

describe('acquirePidFile', () => {
  test('writes our pid with mode 0644; release removes it', () => {
    const lock = acquirePidFile(pidFile, 12345);
    expect(readFileSync(pidFile, 'utf8')).toBe('12345\n');
    lock.release();
    expect(existsSync(pidFile)).toBe(false);
  });

  test('a live taskkit named in the file refuses the start (SOCKET_IN_USE, its pid)', async () => {
    const holder = startIdle('taskkit-holder');
    await waitUntil(
      () => readFileSync(`/proc/${holder}/cmdline`, 'utf8').includes('taskkit-holder'),
      5_000,
      'the holder to exec',
    );
    writeFileSync(pidFile, `${holder}\n`);
    const error = (() => {
      try {
        acquirePidFile(pidFile, 12345);
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(TaskkitError);
    expect((error as TaskkitError).code).toBe('SOCKET_IN_USE');
    expect((error as TaskkitError).message).toBe(
      `already running (pid ${holder}): its pid file ${pidFile} is in the same state dir`,
    );
    expect(readPidFile(pidFile)).toBe(holder);
  });

  test.each([
    ['a dead pid', () => 2 ** 22 + 1],
    ['a live process that is not taskkit (pid reuse after a reboot)', () => startIdle('something-else')],
    ['garbage', () => Number.NaN],
  ])('a stale file (%s) is replaced', (_label, pidOf) => {
    const stale = pidOf();
    writeFileSync(pidFile, Number.isNaN(stale) ? 'not a pid\n' : `${stale}\n`);
    const lock = acquirePidFile(pidFile, 12345);
    expect(readFileSync(pidFile, 'utf8')).toBe('12345\n');
    lock.release();
  });

  test('release leaves a file that names another daemon by now', () => {
    const lock = acquirePidFile(pidFile, 12345);
    writeFileSync(pidFile, '777\n');
    lock.release();
    expect(readFileSync(pidFile, 'utf8')).toBe('777\n');
  });
});

const lockFile = (): string => join(dir, 'taskkit.lock');

function refusal(): TaskkitError {
  try {
    acquireStateDirLock(lockFile(), pidFile).release();
  } catch (error) {
    return error as TaskkitError;
  }
  throw new Error('the lock was taken twice');
}

/** Another process (dist/, built by `npm run build`) takes the lock and says so on stdout. */
async function holdInChild(): Promise<ChildProcess> {
  const script =
    `import(${JSON.stringify(DIST_LOCK)}).then((m) ` +
    `=> { m.acquireStateDirLock(${JSON.stringify(lockFile())}, ${JSON.stringify(pidFile)}); ` +
    `console.log('held'); setInterval(() => {}, 1000); })`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => (chunk.toString().includes('held') ? resolve() : undefined));
    child.on('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
  });
  return child;
}

describe(
  'acquireStateDirLock (issue 15.7): exclusive in and across processes, ' + 'released by the kernel on SIGKILL',
  () => {
    test('a second taker in the same process is refused with SOCKET_IN_USE; after release it succeeds', () => {
      const lock = acquireStateDirLock(lockFile(), pidFile);
      expect(statSync(lockFile()).mode & 0o777).toBe(0o600);
      const error = refusal();
      expect(error).toBeInstanceOf(TaskkitError);
      expect(error.code).toBe('SOCKET_IN_USE');
      expect(error.message).toBe(
        `already running: another taskkit daemon holds ${lockFile()}, the lock of this state dir; stop it first, ` +
          `or set settings.state-dir to another folder`,
      );
      lock.release();
      acquireStateDirLock(lockFile(), pidFile).release();
    });

    test(
      'held by another process: refused; once that process is killed with SIGKILL, free again',
      { timeout: 20_000 },
      async () => {
        const child = await holdInChild();
        expect(refusal().code).toBe('SOCKET_IN_USE');
        // 'exit' once reaped: every thread gone (the leader alone may show as a zombie before).
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
        const lock = acquireStateDirLock(lockFile(), pidFile);
        expect(statSync(lockFile()).size).toBe(0);
        lock.release();
      },
    );
  },
);
