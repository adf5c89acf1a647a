/**
 * Issue 16.2, through bin/taskkit against a real daemon: runs started by `on-failure:`,
 * `on-success:` and `after:` get the run that started them as TASKKIT_UPSTREAM_* (a retry of such
 * a run keeps them), module tasks as `ctx.upstream`; other runs get the four variables empty.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { RunView } from '../../src/control/views.js';
import { waitUntil } from '../support/process-state.js';
import { cleanUpDaemons, countLines, daemonTasks, eventually, makeDaemonDir, type DaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

const FACTS =
  '"$TASKKIT_TRIGGER|$TASKKIT_ATTEMPT|$TASKKIT_UPSTREAM_TASK|$TASKKIT_UPSTREAM_RUN_ID|' +
  '$TASKKIT_UPSTREAM_STATUS|$TASKKIT_UPSTREAM_EXIT_CODE"';

async function historyJson(d: DaemonDir, task: string): Promise<RunView[]> {
  return (JSON.parse((await d.taskkit(['history', task, '--json'])).stdout) as { runs: RunView[] }).runs;
}

async function linesOf(d: DaemonDir, file: string, count: number): Promise<string[]> {
  const path = join(d.dir, file);
  // A file probe, not a CLI run: waitUntil's timer between reads keeps the worker from spinning.
  await waitUntil(() => countLines(path) >= count, 15_000, `${count} lines in ${file}`);
  return readFileSync(path, 'utf8').trim().split('\n');
}

test(
  'on-failure, on-success and after runs get the upstream run; its retry too; a manual run gets them empty',
  { timeout: 60_000 },
  async () => {
    const d = makeDaemonDir();
    writeFileSync(join(d.dir, 'report.mjs'), 'export default (ctx) => ctx.upstream;\n');
    d.writeTasks(
      daemonTasks([
        '  backup: { run: "exit 3", on-failure: [alert] }',
        '  slow: { run: "sleep 30", timeout: 300ms, kill-after: 1s, on-failure: [alert] }',
        // Fails its first attempt: the retry must know the upstream as well.
        '  alert:',
        '    retry: { attempts: 1, delay: 100ms }',
        `    run: echo ${FACTS} >> alert.log; [ "$TASKKIT_ATTEMPT" -gt 1 ]`,
        '  ok: { run: "exit 0", on-success: [tell] }',
        `  tell: { run: "echo ${FACTS.replaceAll('"', '\\"')} >> tell.log" }`,
        '  report: { after: [ok], module: ./report.mjs }',
      ]),
    );
    expect((await d.taskkit(['start'])).code).toBe(0);

    expect((await d.taskkit(['run-now', 'backup', '--wait'])).code).toBe(3);
    const [backup] = await historyJson(d, 'backup');
    expect(await linesOf(d, 'alert.log', 2)).toEqual([
      `dependency|1|backup|${backup?.id}|failed|3`,
      `retry|2|backup|${backup?.id}|failed|3`,
    ]);

    expect((await d.taskkit(['run-now', 'slow', '--wait'])).code).not.toBe(0);
    const [slow] = await historyJson(d, 'slow');
    expect(slow?.status).toBe('timed-out');
    expect((await linesOf(d, 'alert.log', 4)).slice(2)).toEqual([
      `dependency|1|slow|${slow?.id}|timed-out|`,
      `retry|2|slow|${slow?.id}|timed-out|`,
    ]);

    expect((await d.taskkit(['run-now', 'ok', '--wait'])).code).toBe(0);
    const [ok] = await historyJson(d, 'ok');
    expect(await linesOf(d, 'tell.log', 1)).toEqual([`dependency|1|ok|${ok?.id}|succeeded|0`]);
    const reported = await eventually(async () => {
      const [run] = await historyJson(d, 'report');
      return run?.status === 'succeeded' ? run : undefined;
    }, 'the report run');
    expect(reported.result).toEqual({ task: 'ok', runId: ok?.id, status: 'succeeded', exitCode: 0 });

    // Run by hand, the same task gets the four variables empty (set -u still works).
    expect((await d.taskkit(['run-now', 'tell', '--wait'])).code).toBe(0);
    expect((await linesOf(d, 'tell.log', 2))[1]).toBe('manual|1||||');
    expect((await d.taskkit(['run-now', 'report', '--wait'])).code).toBe(0);
    expect((await historyJson(d, 'report'))[0]?.result).toBeNull();
    expect((await d.taskkit(['stop'])).code).toBe(0);
  },
);
