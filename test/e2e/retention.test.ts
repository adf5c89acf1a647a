/**
 * Issue 15.6 against a real daemon: with `keep: 3` and `every: 1s`, a run of about 5 s sees a skip
 * row per second while it runs. Retention must leave its row in place, so that its exit code and
 * output reach history, and keep no more than 3 ended runs and 3 skips.
 */
import { afterEach, expect, test } from 'vitest';
import type { RunView } from '../../src/control/views.js';
import { cleanUpDaemons, eventually, makeDaemonDir, type DaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

async function history(d: DaemonDir): Promise<RunView[]> {
  const result = await d.taskkit(['history', 'long', '-n', '100', '--json']);
  expect(result.stderr).toBe('');
  return (JSON.parse(result.stdout) as { runs: RunView[] }).runs;
}

test(
  'a run longer than keep x period keeps its row; its exit code and output reach history',
  { timeout: 60_000 },
  async () => {
    const d = makeDaemonDir();
    d.writeTasks([
      'settings:',
      '  state-dir: ./state',
      '  shutdown-grace: 2s',
      'tasks:',
      '  long:',
      '    every: 1s',
      '    overlap: skip',
      '    history: { keep: 3 }',
      '    run: echo begin; sleep 5; echo end; exit 4',
    ]);
    expect((await d.taskkit(['start'])).code).toBe(0);

    const finished = await eventually(
      async () => (await history(d)).find((run) => run.status !== 'running' && run.status !== 'skipped'),
      'the first run to end',
      30_000,
    );
    expect([finished.status, finished.exitCode, finished.outcome]).toEqual(['failed', 4, 'exited with code 4']);
    const logs = await d.taskkit(['logs', 'long', String(finished.id)]);
    expect([logs.code, logs.stdout]).toEqual([0, 'begin\nend\n']);

    // Its skips (one a second for ~5 s) took more than `keep` ids after it, and are one row (issue
    // 16.7) that counts them; retention keeps at most 3 skipped rows.
    const runs = await history(d);
    const skipped = runs.filter((run) => run.status === 'skipped');
    expect(skipped.length).toBeGreaterThanOrEqual(1);
    expect(skipped.length).toBeLessThanOrEqual(3);
    const during = skipped.find((run) => run.id === finished.id + 1);
    expect(during).toMatchObject({ skipReason: 'overlap' });
    expect(during?.skipCount).toBeGreaterThan(3);
    expect(runs.filter((run) => run.status !== 'skipped' && run.status !== 'running').length).toBeLessThanOrEqual(3);
    expect((await d.taskkit(['stop'])).code).toBe(0);
  },
);
