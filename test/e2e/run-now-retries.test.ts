/**
 * Issue 13.4, through bin/taskkit against a real daemon: `run-now --wait` follows a run through
 * its retries (a line per retry on stderr, each attempt's output on stdout) and exits with the
 * last attempt's code; `logs --follow` follows the one run it was given and says a retry is due.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { cliEnv, collect, spawnTaskkit, waitForOutput } from '../support/cli-process.js';
import { cleanUpDaemons, makeDaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

const SETTINGS = ['settings:', '  state-dir: ./state', '  shutdown-grace: 2s', 'tasks:'];
// Counts its attempts in a file; fails (exit 7) until attempt `okAt`; waits for a `go` file when asked.
const flaky = (name: string, okAt: number, waitForGo = false): string[] => [
  `  ${name}:`,
  '    retry: { attempts: 2, delay: 200ms }',
  `    run: n=$(cat ${name}.count 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${name}.count; echo "attempt $n";` +
    `${waitForGo ? ' while [ ! -f go ]; do sleep 0.05; done;' : ''} [ $n -ge ${okAt} ] || exit 7`,
];

test('run-now --wait follows the retries: the third attempt succeeds, so it exits 0', { timeout: 60_000 }, async () => {
  const d = makeDaemonDir();
  d.writeTasks([...SETTINGS, ...flaky('backup', 3)]);
  expect((await d.taskkit(['start'])).code).toBe(0);
  const waited = await d.taskkit(['run-now', 'backup', '--wait']);
  expect([waited.code, waited.stdout]).toEqual([0, 'attempt 1\nattempt 2\nattempt 3\n']);
  const retries = waited.stderr.split('\n').filter((line) => line !== '');
  expect(retries).toHaveLength(2);
  expect(retries[0]).toMatch(
    /^taskkit: backup #(\d+) exited with code 7 \(attempt 1 of 3\); attempt 2 \(#\d+\) in 200ms$/,
  );
  expect(retries[1]).toMatch(
    /^taskkit: backup #(\d+) exited with code 7 \(attempt 2 of 3\); attempt 3 \(#\d+\) in 400ms$/,
  );
  expect((await d.taskkit(['stop'])).code).toBe(0);
});

test(
  "run-now --wait exits with the last attempt's code when every attempt fails; --json gives the last attempt",
  { timeout: 60_000 },
  async () => {
    const d = makeDaemonDir();
    d.writeTasks([...SETTINGS, ...flaky('backup', 99)]);
    expect((await d.taskkit(['start'])).code).toBe(0);
    const waited = await d.taskkit(['run-now', 'backup', '--wait', '--json']);
    expect(waited.code).toBe(7);
    const { run } = JSON.parse(waited.stdout) as {
      run: { attempt: number; trigger: string; exitCode: number; output: string };
    };
    expect(run).toMatchObject({ attempt: 3, trigger: 'retry', exitCode: 7, output: 'attempt 3\n' });
    expect(waited.stderr.match(/\(attempt \d of 3\); attempt \d/g)).toEqual([
      '(attempt 1 of 3); attempt 2',
      '(attempt 2 of 3); attempt 3',
    ]);
    expect((await d.taskkit(['stop'])).code).toBe(0);
  },
);

test(
  'logs --follow follows one run: it ends with the failed attempt and says when its retry starts',
  { timeout: 60_000 },
  async () => {
    const d = makeDaemonDir();
    d.writeTasks([...SETTINGS, ...flaky('backup', 2, true)]);
    expect((await d.taskkit(['start'])).code).toBe(0);
    const triggered = await d.taskkit(['run-now', 'backup']);
    const id = Number(/#(\d+)/.exec(triggered.stdout)?.[1]);
    const follower = spawnTaskkit(['logs', 'backup', '--follow'], { cwd: d.dir, env: cliEnv() });
    const finished = collect(follower, 20_000);
    await waitForOutput(follower, /attempt 1/);
    writeFileSync(join(d.dir, 'go'), '');
    const followed = await finished;
    expect([followed.code, followed.stdout]).toEqual([0, 'attempt 1\n']);
    expect(followed.stderr).toContain(
      `taskkit: backup #${id} exited with code 7 (attempt 1 of 3); attempt 2 (#${id + 1}) ` +
        `in 200ms ("taskkit logs backup ${id + 1} --follow" once it starts)\n`,
    );
    expect(existsSync(join(d.dir, 'go'))).toBe(true);
    expect((await d.taskkit(['stop'])).code).toBe(0);
  },
);
