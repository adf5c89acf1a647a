/**
 * Issue 15 point 1: with the fd limit reached, a spawn fails (EMFILE) and, under execa, emitted an
 * 'error' nobody heard, which ended the whole process. The run must fail with taskkit's words and
 * the process live on. Real fd exhaustion, in a child process (the runner built in dist/).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/bin/spawn-without-fds.js', import.meta.url));

// 0 free: the first pipe fails; 2: stdout's pipe is made, stderr's fails; 4: both pipes, not the exec pipe.
test.each([0, 2, 4])(
  'no fd left (%i free): the run fails "cannot start: too many open files" and the process goes on',
  (free) => {
    const child = spawnSync(process.execPath, [FIXTURE, DIST, String(free)], { encoding: 'utf8', timeout: 20_000 });
    expect([child.status, child.stderr]).toEqual([0, '']);
    const [line, alive] = child.stdout.trim().split('\n');
    expect(JSON.parse(line ?? '')).toEqual({ pid: null, status: 'failed', error: 'cannot start: too many open files' });
    expect(alive).toBe('alive');
  },
);
