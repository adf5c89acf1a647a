/**
 * Issue 15.7 against real daemons: the pid file of a running daemon is deleted, and a second
 * daemon is started on another socket with the same state dir. The state dir's lock refuses it
 * (exit 1, a message naming the lock) and no instant of the task runs twice.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { RunView } from '../../src/control/views.js';
import { cleanUpDaemons, eventually, makeDaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

test(
  'with its pid file gone, a second daemon on another socket is refused and nothing runs twice',
  { timeout: 60_000 },
  async () => {
    const d = makeDaemonDir();
    d.writeTasks([
      'settings:',
      '  state-dir: ./state',
      '  shutdown-grace: 2s',
      'tasks:',
      '  tick:',
      '    every: 1s',
      '    run: "true"',
    ]);
    expect((await d.taskkit(['start'])).code).toBe(0);
    const first = d.readPid() as number;
    rmSync(d.pidFile);

    const other = join(d.dir, 'other.sock');
    const second = await d.taskkit(['start', '--socket', other]);
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('');
    expect(second.stderr).toBe(
      `taskkit: already running: another taskkit daemon holds ${join(d.stateDir, 'taskkit.lock')}, ` +
        `the lock of this state dir; stop it first, or set settings.state-dir to another folder\n`,
    );
    expect(existsSync(other)).toBe(false);
    expect(existsSync(d.pidFile)).toBe(false);

    // Both daemons would record a run of every instant: each instant must appear once.
    const runs = await eventually(async () => {
      const result = await d.taskkit(['history', 'tick', '-n', '100', '--json']);
      const list = (JSON.parse(result.stdout) as { runs: RunView[] }).runs;
      return list.filter((run) => run.status === 'succeeded').length >= 4 ? list : undefined;
    }, 'four runs of tick');
    const instants = runs.map((run) => run.scheduledAt);
    expect(new Set(instants).size).toBe(instants.length);
    const status = await d.taskkit(['status', '--json']);
    expect(status.stdout).toContain(`"pid": ${first},`);
    expect((await d.taskkit(['stop'])).code).toBe(0);
  },
);
