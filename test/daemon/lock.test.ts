/** The pid file: one daemon per state dir; a stale file (dead or foreign pid) is replaced; release removes only our own. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { acquirePidFile, readPidFile } from '../../src/daemon/lock.js';
import { TaskkitError } from '../../src/errors.js';
import { isAlive, waitUntil } from '../support/process-state.js';

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
    await waitUntil(() => readFileSync(`/proc/${holder}/cmdline`, 'utf8').includes('taskkit-holder'), 5_000, 'the holder to exec');
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
    expect((error as TaskkitError).message).toBe(`already running (pid ${holder}): its pid file ${pidFile} is in the same state dir`);
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
