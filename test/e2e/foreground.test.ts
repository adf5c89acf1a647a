/**
 * The user flow of the core issue: `taskkit start --foreground` on a tasks file, as a real
 * subprocess: runs happen on schedule and are logged; SIGTERM stops it gracefully (exit 0);
 * a running run is cancelled after the grace period and its whole process group dies.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { collect, killAll, spawnTaskkit, waitForOutput } from '../support/cli-process.js';
import { isAlive, waitUntil } from '../support/process-state.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'taskkit-e2e-'));
});

afterEach(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

function writeTasks(text: string): string {
  const path = join(dir, 'tasks.yaml');
  writeFileSync(path, text);
  return path;
}

describe('start --foreground', () => {
  test('runs an every-1s task on the second, logs start and end, and stops on SIGTERM with exit 0', async () => {
    const config = writeTasks(
      [
        'settings:',
        '  state-dir: ./state',
        '  shutdown-grace: 5s',
        'tasks:',
        '  tick:',
        '    every: 1s',
        '    run: echo "$TASKKIT_SCHEDULED_AT" >> ticks.txt',
        '',
      ].join('\n'),
    );
    const daemon = spawnTaskkit(['start', '--foreground', '--config', config], { cwd: dir });
    const done = collect(daemon, 20_000);
    await waitForOutput(daemon, /tick #2 succeeded/);
    daemon.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/tick #1 started \(schedule, due \S+, \+(\d+ms|\d\.\ds), pid \d+\)/);
    expect(result.stderr).toMatch(/SIGTERM: stopping/);
    expect(result.stderr).toMatch(/stopped/);
    // TASKKIT_SCHEDULED_AT is a whole second (every: 1s keeps its phase on the absolute timeline).
    const ticks = readFileSync(join(dir, 'ticks.txt'), 'utf8').trim().split('\n');
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    for (const tick of ticks) expect(tick).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
  });

  test('on SIGTERM a run that outlives the grace period is cancelled and its grandchild killed', async () => {
    const config = writeTasks(
      [
        'settings:',
        '  state-dir: ./state',
        '  shutdown-grace: 500ms',
        'tasks:',
        '  slow:',
        '    run: sleep 300 & echo $! > grandchild.pid; wait',
        '    kill-after: 1s',
        '    cron: "@reboot"',
        '',
      ].join('\n'),
    );
    const daemon = spawnTaskkit(['start', '--foreground', '--config', config], { cwd: dir });
    const done = collect(daemon, 20_000);
    await waitForOutput(daemon, /slow #1 started/);
    await expect.poll(() => existsSync(join(dir, 'grandchild.pid')), { timeout: 5000 }).toBe(true);
    await expect
      .poll(() => readFileSync(join(dir, 'grandchild.pid'), 'utf8').trim() !== '', { timeout: 5000 })
      .toBe(true);
    const grandchild = Number(readFileSync(join(dir, 'grandchild.pid'), 'utf8'));
    daemon.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/slow #1 cancelled/);
    await waitUntil(() => !isAlive(grandchild), 5_000, `grandchild ${grandchild} to be gone`);
  });

  test('a tasks file with errors is refused with every error and exit 2, nothing starts', async () => {
    const config = writeTasks(
      [
        'tasks:',
        '  a:',
        '    every: 5 minutes',
        '    run: true',
        '  b:',
        '    daily: "25:00"',
        '    run: true',
        '',
      ].join('\n'),
    );
    const result = await collect(spawnTaskkit(['start', '--foreground', '--config', config], { cwd: dir }), 15_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/tasks\.yaml:3:12: task "a": .*"5 minutes"/);
    expect(result.stderr).toMatch(/tasks\.yaml:6:12: task "b": .*"25:00"/);
  });
});
