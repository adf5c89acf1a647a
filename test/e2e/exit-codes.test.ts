/**
 * Issue 15 point 10, exit codes that lied, through bin/taskkit as a user types it:
 * - a daemon stopping gracefully while `run-now --wait` follows a run: the client exits with the
 *   run's code (the run ends within shutdown-grace), or 130 (the shutdown stopped it), never 3;
 * - `run-now --wait > file` and `logs --follow > file` of a chatty task (seq 1 3000000, 21 MB):
 *   every byte, and the run's exit code; a reader that stops reading until the run is over is
 *   behind, not dropped.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { cliEnv, collect, spawnTaskkit, waitForOutput } from '../support/cli-process.js';
import { waitUntil } from '../support/process-state.js';
import { cleanUpDaemons, eventually, makeDaemonDir, type DaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

const LINES = 3_000_000;
const SEQ = `${Array.from({ length: LINES }, (_, i) => i + 1).join('\n')}\n`;
const sha = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');
const SEQ_SHA = sha(SEQ);

function lineCount(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/** Waits for a `go` file in its folder, so a test can act before the run ends. */
const WAIT_FOR_GO = 'while [ ! -f go ]; do sleep 0.05; done';

test(
  'a graceful stop while run-now --wait follows a run: the run ends in the grace, the client exits with its code',
  { timeout: 60_000 },
  async () => {
    const d = makeDaemonDir();
    d.writeTasks([
      'settings:',
      '  state-dir: ./state',
      '  shutdown-grace: 30s',
      'tasks:',
      '  slow:',
      `    run: echo started; ${WAIT_FOR_GO}; echo finished; exit 7`,
    ]);
    const daemon = spawnTaskkit(['start', '--foreground'], { cwd: d.dir, env: cliEnv() });
    await waitForOutput(daemon, /control socket/);
    const waiting = spawnTaskkit(['run-now', 'slow', '--wait'], { cwd: d.dir, env: cliEnv() });
    const waited = collect(waiting, 30_000);
    await waitForOutput(waiting, /started/);
    // Before the signal: a daemon that has exited by the time collect() listens never says 'close'.
    const stopped = collect(daemon, 30_000);
    daemon.kill('SIGTERM');
    await waitForOutput(daemon, /stopping; running runs get 30s/);
    writeFileSync(join(d.dir, 'go'), '');
    const result = await waited;
    expect([result.code, result.stdout]).toEqual([7, 'started\nfinished\n']);
    expect(result.stderr).toMatch(/^taskkit: slow #1 exited with code 7 after /);
    expect((await stopped).code).toBe(0);
  },
);

test(
  'a graceful stop whose grace runs out: the shutdown stops the run and the waiting client exits 130, not 3',
  { timeout: 60_000 },
  async () => {
    const d = makeDaemonDir();
    d.writeTasks([
      'settings:',
      '  state-dir: ./state',
      '  shutdown-grace: 1s',
      'tasks:',
      '  stuck:',
      `    run: echo started; ${WAIT_FOR_GO}`,
      '    kill-after: 1s',
    ]);
    const daemon = spawnTaskkit(['start', '--foreground'], { cwd: d.dir, env: cliEnv() });
    await waitForOutput(daemon, /control socket/);
    const waiting = spawnTaskkit(['run-now', 'stuck', '--wait'], { cwd: d.dir, env: cliEnv() });
    const waited = collect(waiting, 30_000);
    await waitForOutput(waiting, /started/);
    const stopped = collect(daemon, 30_000);
    daemon.kill('SIGTERM');
    const result = await waited;
    expect([result.code, result.stdout]).toEqual([130, 'started\n']);
    expect(result.stderr).toMatch(/^taskkit: stuck #1 cancelled \(stopped by shutdown; sent SIGTERM\) after /);
    expect((await stopped).code).toBe(0);
  },
);

function chattyDaemon(): DaemonDir {
  const d = makeDaemonDir();
  d.writeTasks([
    'settings:',
    '  state-dir: ./state',
    'tasks:',
    '  chatty:',
    `    run: seq 1 ${LINES}; exit 5`,
    '  gated:',
    `    run: echo ready; ${WAIT_FOR_GO}; seq 1 ${LINES}; exit 5`,
  ]);
  return d;
}

test(
  'run-now --wait > file of seq 1 3000000: every line (same checksum) and the run exit code',
  { timeout: 120_000 },
  async () => {
    const d = chattyDaemon();
    expect((await d.taskkit(['start'])).code).toBe(0);
    for (let round = 0; round < 3; round++) {
      const path = join(d.dir, `out-${round}.txt`);
      const fd = openSync(path, 'w');
      const result = await collect(spawnTaskkit(['run-now', 'chatty', '--wait'], { cwd: d.dir, stdout: fd }), 60_000);
      closeSync(fd);
      const out = readFileSync(path, 'utf8');
      expect([result.code, result.stderr, lineCount(out), sha(out)]).toEqual([
        5,
        expect.stringMatching(/^taskkit: chatty #\d+ exited with code 5 after /),
        LINES,
        SEQ_SHA,
      ]);
    }
    expect((await d.taskkit(['stop'])).code).toBe(0);
  },
);

test(
  'logs --follow > file of seq 1 3000000, attached before the output: every line and exit 0',
  { timeout: 120_000 },
  async () => {
    const d = chattyDaemon();
    expect((await d.taskkit(['start'])).code).toBe(0);
    expect((await d.taskkit(['run-now', 'gated'])).code).toBe(0);
    const path = join(d.dir, 'follow.txt');
    const fd = openSync(path, 'w');
    const following = collect(spawnTaskkit(['logs', 'gated', '--follow'], { cwd: d.dir, stdout: fd }), 60_000);
    // The snapshot of what the run printed so far reaches the file: the follower is attached.
    await waitUntil(() => existsSync(path) && readFileSync(path, 'utf8') === 'ready\n', 15_000, 'ready in the file');
    writeFileSync(join(d.dir, 'go'), '');
    const result = await following;
    closeSync(fd);
    const out = readFileSync(path, 'utf8');
    expect([result.code, lineCount(out), sha(out)]).toEqual([0, LINES + 1, sha(`ready\n${SEQ}`)]);
    expect(result.stderr).toMatch(/^taskkit: gated #\d+ exited with code 5 after /);
    expect((await d.taskkit(['stop'])).code).toBe(0);
  },
);

test(
  'run-now --wait into a pipe nobody reads until the run is over: behind, not dropped; every line and the code',
  { timeout: 120_000 },
  async () => {
    const d = chattyDaemon();
    expect((await d.taskkit(['start'])).code).toBe(0);
    const waiting = spawnTaskkit(['run-now', 'chatty', '--wait'], { cwd: d.dir, env: cliEnv() });
    waiting.stdout?.pause();
    // The reader reads nothing until the daemon has recorded the run's end.
    await eventually(async () => {
      const history = await d.taskkit(['history', 'chatty', '--json']);
      const runs = (JSON.parse(history.stdout) as { runs: { status: string }[] }).runs;
      return runs.some((run) => run.status === 'failed') ? true : undefined;
    }, 'the run of chatty to end');
    const collected = collect(waiting, 60_000);
    waiting.stdout?.resume();
    const result = await collected;
    expect([result.code, lineCount(result.stdout), sha(result.stdout)]).toEqual([5, LINES, SEQ_SHA]);
    expect((await d.taskkit(['stop'])).code).toBe(0);
  },
);
