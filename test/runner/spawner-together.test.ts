/**
 * A turn's runs reach the spawner in one write (spawner-client.ts `together`, issue 20.2): they all
 * start, each with the daemon's environment under its own variables; and a caller SIGKILLed right
 * after `together` returned still has every run started by the spawner (the daemon's journal rows of
 * a turn are committed just before: a kill leaves no row, or every request sent). The killed caller
 * is a child process running the spawner client built in dist/. Every process started is killed by pid.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { defaultRunClock } from '../../src/runner/lifecycle.js';
import { startSpawnedRun } from '../../src/runner/spawned-run.js';
import { startSpawner, type Spawner } from '../../src/runner/spawner-client.js';
import { isAlive, waitUntil } from '../support/process-state.js';
import { createOutputRecorder, createProcessRequest, createProcessTracker, shellAction } from './_process-run.js';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const tracker = createProcessTracker();
const spawnerPids: number[] = [];
let spawner: Spawner;
let dir: string;

beforeAll(() => {
  spawner = startSpawner();
  dir = mkdtempSync(join(tmpdir(), 'taskkit-together-'));
});
afterAll(() => {
  spawner.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await tracker.killAll();
  for (const pid of spawnerPids.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
});

describe('runs started together', () => {
  test("all start, each with the caller's environment under its own variables", async () => {
    const outputs = [1, 2, 3].map(() => createOutputRecorder());
    const handles: ReturnType<typeof startSpawnedRun>[] = [];
    spawner.together(() => {
      for (const [i, output] of outputs.entries()) {
        const request = {
          ...createProcessRequest({
            action: shellAction('echo "$TASKKIT_RUN_ID $FOO ${PATH:+path}"'),
            env: { FOO: `foo${i}` },
          }),
          runId: 10 + i,
        };
        handles.push(startSpawnedRun(request, output.listener, defaultRunClock(), spawner));
      }
    });
    handles.forEach((handle) => tracker.track(handle));
    const outcomes = await Promise.all(handles.map((handle) => handle.done));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(outcomes.map((outcome) => String(outcome.output))).toEqual([
      '10 foo0 path\n',
      '11 foo1 path\n',
      '12 foo2 path\n',
    ]);
  });

  test('a caller SIGKILLed right after together returned: the spawner starts every run', async () => {
    const runs = 50;
    const marks = join(dir, 'marks');
    const script = join(dir, 'caller.mjs');
    // The caller's loop first reads nothing of the spawner's: it spawns, then dies in the same tick.
    writeFileSync(
      script,
      [
        `import { startSpawner } from ${JSON.stringify(join(DIST, 'runner/spawner-client.js'))};`,
        'const spawner = startSpawner();',
        'const sink = { started() {}, fault() {}, output() {}, exit() {}, end() {}, lost() {} };',
        'setTimeout(() => {',
        '  spawner.together(() => {',
        `    for (let i = 0; i < ${runs}; i++)`,
        `      spawner.spawn({ file: '/bin/sh', args: ['-c', 'echo ' + i + ' >> ${marks}'], cwd: '/tmp',`,
        '        env: { TASKKIT_RUN_ID: String(i) }, outputLimitBytes: 1024 }, sink);',
        '  });',
        '  process.stderr.write(`spawner ${spawner.pid}\\n`);',
        "  process.kill(process.pid, 'SIGKILL');",
        '}, 200);',
      ].join('\n'),
    );
    const caller = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 20_000 });
    expect(caller.signal).toBe('SIGKILL');
    const spawnerPid = Number(/spawner (\d+)/.exec(caller.stderr)?.[1]);
    spawnerPids.push(spawnerPid);
    const lines = (): string[] => (existsSync(marks) ? readFileSync(marks, 'utf8').split('\n').filter(Boolean) : []);
    await waitUntil(() => lines().length >= runs, 10_000, `${runs} runs to write their marks`);
    expect(
      lines()
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: runs }, (_, i) => i));
    // With the caller gone it spawned what it had and exits.
    await waitUntil(() => !isAlive(spawnerPid), 10_000, 'the spawner to exit');
  });

  test('requests the channel cannot take at once are logged: the guarantee waits on them', async () => {
    const logged: string[] = [];
    const stalled = startSpawner({ log: (level, message) => void logged.push(`${level} ${message}`) });
    const pid = stalled.pid as number;
    spawnerPids.push(pid);
    const sink = { started() {}, fault() {}, output() {}, exit() {}, end() {}, lost() {} };
    const order = { file: '/bin/true', args: [], cwd: '/tmp', env: { PAD: 'x'.repeat(1024) }, outputLimitBytes: 1024 };
    try {
      // One request at a time is taken at once: nothing to say.
      stalled.spawn(order, sink);
      await new Promise((resolve) => setImmediate(resolve));
      expect(logged.filter((line) => line.includes('behind'))).toEqual([]);
      // A spawner that reads nothing, and ~600 kB in one message: the kernel takes ~200 kB.
      process.kill(pid, 'SIGSTOP');
      stalled.together(() => {
        for (let i = 0; i < 600; i++) stalled.spawn(order, sink);
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(logged.filter((line) => line.includes('behind'))).toEqual([
        'warn taskkit-spawner is behind: 600 run request(s) wait in the daemon for its channel; ' +
          'a kill of the daemon now would leave them recorded as started but never started',
      ]);
    } finally {
      process.kill(pid, 'SIGCONT');
      stalled.close();
    }
  });
});
