/**
 * `@reboot` once per boot (issue 18.2), through bin/taskkit and a real detached daemon: a restart
 * in the same boot does not run the task again (and leaves no skipped row); a new boot does;
 * `settings.reboot: every-start` runs it at each start. A "reboot" is simulated by changing the
 * file TASKKIT_BOOT_ID_FILE names (a variable for tests only, daemon/boot-id.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { RunView } from '../../src/control/views.js';
import { cleanUpDaemons, countLines, daemonTasks, makeDaemonDir, readDaemonLog, type DaemonDir } from './_daemon.js';
import { waitUntil } from '../support/process-state.js';

afterEach(cleanUpDaemons);

function tasks(settings: readonly string[] = []): string[] {
  return daemonTasks(['  boot:', '    cron: "@reboot"', '    run: echo "$TASKKIT_RUN_ID" >> boots.txt'], settings);
}

async function restart(d: DaemonDir, env: Record<string, string>): Promise<void> {
  expect((await d.taskkit(['stop'], { env })).code).toBe(0);
  const started = await d.taskkit(['start'], { env });
  expect(started.code, started.stdout + started.stderr).toBe(0);
}

async function bootRuns(d: DaemonDir, env: Record<string, string>): Promise<RunView[]> {
  const result = await d.taskkit(['history', 'boot', '--json'], { env });
  return (JSON.parse(result.stdout) as { runs: RunView[] }).runs;
}

test(
  'a restart in the same boot does not run @reboot again; a new boot and every-start do',
  { timeout: 90_000 },
  async () => {
    const d = makeDaemonDir();
    const bootIdFile = join(d.dir, 'boot_id');
    const env = { TASKKIT_BOOT_ID_FILE: bootIdFile };
    const boots = join(d.dir, 'boots.txt');
    writeFileSync(bootIdFile, 'boot-1\n');
    d.writeTasks(tasks());

    const first = await d.taskkit(['start'], { env });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    await waitUntil(() => countLines(boots) === 1, 10_000, 'the @reboot run of the first start');

    // Same boot: the daemon says why it does not run it (the line proves it decided), nothing runs.
    await restart(d, env);
    await waitUntil(() => /@reboot: 1 task\(s\) not run/.test(readDaemonLog(d)), 10_000, 'the skip line');
    const afterRestart = await bootRuns(d, env);
    expect(afterRestart.map((run) => [run.trigger, run.status])).toEqual([['reboot', 'succeeded']]);
    expect(countLines(boots)).toBe(1);
    // list still shows what starts it and its last run (the one of this boot).
    const listed = await d.taskkit(['list'], { env });
    expect(listed.stdout).toMatch(/\nboot +at boot +at boot +- +succeeded, /);

    // A new boot: it runs again.
    writeFileSync(bootIdFile, 'boot-2\n');
    await restart(d, env);
    await waitUntil(() => countLines(boots) === 2, 10_000, 'the @reboot run of the new boot');

    // every-start: it runs at each start, even in a boot already seen.
    d.writeTasks(tasks(['  reboot: every-start']));
    await restart(d, env);
    await waitUntil(() => countLines(boots) === 3, 10_000, 'the @reboot run under every-start');
    expect((await bootRuns(d, env)).map((run) => run.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  },
);
