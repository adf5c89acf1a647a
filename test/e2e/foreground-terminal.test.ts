/**
 * Issue 18.7: `taskkit start -f` in a terminal says what a second Ctrl-C does, and it does it. A
 * real pseudo-terminal from util-linux `script`: the ^C byte written to it is turned into SIGINT
 * by the terminal's line discipline, as a keyboard's is. Skipped (with the reason) without it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { TASKKIT_BIN, cliEnv, collect, waitForOutput } from '../support/cli-process.js';
import { isAlive } from '../support/process-state.js';

const hasScript = /util-linux/.test(spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout ?? '');
if (!hasScript) console.log('[foreground-terminal] skipped: util-linux "script" is not installed (no pty)');

const pids: number[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const pid of pids.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const shellQuote = (text: string): string => `'${text.replace(/'/g, "'\\''")}'`;

test.runIf(hasScript)(
  'on a terminal the first Ctrl-C says "press Ctrl-C again to stop now"; the second stops at once',
  { timeout: 30_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-tty-'));
    dirs.push(dir);
    const config = join(dir, 'tasks.yaml');
    writeFileSync(
      config,
      [
        'settings:',
        '  state-dir: ./state',
        '  shutdown-grace: 60s',
        'tasks:',
        '  slow: { cron: "@reboot", run: "sleep 60" }',
        '',
      ].join('\n'),
    );
    const taskkit = [process.execPath, TASKKIT_BIN, 'start', '-f', '--config', config].map(shellQuote).join(' ');
    // script's own exit status is not its command's once a ^C went through it: bash says taskkit's.
    const command = `bash -c ${shellQuote(`${taskkit}; echo "taskkit exited with $?"`)}`;
    const terminal: ChildProcess = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: dir,
      env: { ...cliEnv(), TERM: 'dumb' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    if (terminal.pid !== undefined) pids.push(terminal.pid);
    const done = collect(terminal, 25_000);
    const ready = await waitForOutput(terminal, /slow #1 started \(reboot, pid (\d+)\)/);
    const daemon = /taskkit (\d+): running/.exec(ready)?.[1];
    if (daemon !== undefined) pids.push(Number(daemon));
    const run = /slow #1 started \(reboot, pid (\d+)\)/.exec(ready)?.[1];
    if (run !== undefined) pids.push(Number(run));

    terminal.stdin?.write('\u0003');
    await waitForOutput(terminal, /SIGINT: stopping; running runs get 1m to finish \(press Ctrl-C again to stop now\)/);
    const second = Date.now();
    terminal.stdin?.write('\u0003');
    const result = await done;
    expect(result.signal).toBeNull();
    expect(result.stdout).toMatch(/taskkit exited with 0/);
    expect(result.stdout).toMatch(/SIGINT again: killing running runs now/);
    expect(result.stdout).toMatch(/slow #1 cancelled \(stopped by shutdown/);
    expect(result.stdout).toMatch(/stopped/);
    // Stopped now, not after the grace of a minute.
    expect(Date.now() - second).toBeLessThan(15_000);
  },
);
