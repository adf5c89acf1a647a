/**
 * Issue 8 item 3, runaway processes, against a real detached daemon:
 * - a task that forks 200 children and hangs (half of them ignoring SIGTERM) with a timeout: by
 *   timeout + kill-after no process of its group remains (a /proc scan by pgid), and the run is
 *   recorded `timed-out`;
 * - a task that ignores SIGTERM: SIGKILL at kill-after, timed from the run's recorded times.
 * Zombies (dead, awaiting their reaper) are counted apart: nothing runs in them.
 */
import { afterAll, afterEach, expect, test } from 'vitest';
import { cleanUpDaemons, makeDaemonDir, startDetached } from '../e2e/_daemon.js';
import { waitUntil } from '../support/process-state.js';
import { describeStop } from '../../src/runner/outcome.js';
import type { RunStop } from '../../src/runner/types.js';
import { readRuns, waitForEnded, type RunRow } from './_support/resource-db.js';
import { killGroup, listGroup } from './_support/resource-proc.js';

const LONG = process.env['TASKKIT_FAULTS_LONG'] === '1';
const CHILDREN = 200;
/** The forker's timeout and kill-after, and the stubborn task's. */
const FORKER = { timeoutMs: 2_000, killAfterMs: 1_000 };
const STUBBORN = { timeoutMs: 1_000, killAfterMs: LONG ? 5_000 : 2_000 };
/** How late SIGKILL may land after kill-after (the runner's timer, a loaded CI machine). */
const KILL_SLACK_MS = 600;
/** How long the members of a group SIGKILLed may take to exit (each when it is next scheduled). */
const GROUP_EXIT_MS = 5_000;

const groups: number[] = [];
const figures: string[] = [];
afterEach(async () => {
  for (const pgid of groups.splice(0)) killGroup(pgid);
  await cleanUpDaemons();
});
afterAll(() => console.log(`[faults] processes: ${figures.length === 0 ? 'not run' : figures.join('; ')}`));

const seconds = (ms: number): string => `${ms / 1000}s`;

test(
  `a task forking ${CHILDREN} children that ignore or obey SIGTERM, and a task that ignores it: ` +
    `nothing of their groups outlives timeout + kill-after`,
  { timeout: 60_000 },
  async () => {
    const d = makeDaemonDir();
    const half = CHILDREN / 2;
    d.writeTasks([
      'settings:',
      '  state-dir: ./state',
      'tasks:',
      '  forker:',
      `    run: 'for i in $(seq ${half}); do sleep 300 & done; for i in $(seq ${half}); do (trap "" TERM; ` +
        `exec sleep 300) & done; wait'`,
      `    timeout: ${seconds(FORKER.timeoutMs)}`,
      `    kill-after: ${seconds(FORKER.killAfterMs)}`,
      '  stubborn:',
      `    run: 'trap "" TERM; sleep 300'`,
      `    timeout: ${seconds(STUBBORN.timeoutMs)}`,
      `    kill-after: ${seconds(STUBBORN.killAfterMs)}`,
    ]);
    await startDetached(d);
    const db = `${d.stateDir}/taskkit.db`;
    expect((await d.taskkit(['run-now', 'forker'])).code).toBe(0);
    expect((await d.taskkit(['run-now', 'stubborn'])).code).toBe(0);

    // Both rows say `running` with the group leader's pid once started.
    let forkerPid = 0;
    let stubbornPid = 0;
    await waitUntil(
      () => {
        const rows = readRuns(db, "status = 'running' AND pid IS NOT NULL");
        forkerPid = rows.find((row) => row.task === 'forker')?.pid ?? 0;
        stubbornPid = rows.find((row) => row.task === 'stubborn')?.pid ?? 0;
        return forkerPid > 0 && stubbornPid > 0;
      },
      5_000,
      'both runs to be recorded running',
    );
    groups.push(forkerPid, stubbornPid);
    // The forker really has its 200 children (and its shell) before the timeout.
    let peakMembers = 0;
    await waitUntil(
      () => (peakMembers = Math.max(peakMembers, listGroup(forkerPid).live.length)) >= CHILDREN + 1,
      FORKER.timeoutMs - 200,
      `${CHILDREN} children in group ${forkerPid}`,
    );

    // SIGKILL goes to every member of a group at once, but each exits only when it is next scheduled,
    // and the row ends with the leader's exit: a member may still be exiting when the row says ended,
    // longer on a loaded 2-core machine. What survives SIGKILL does so for good, so a wait proves the same.
    const emptied = (pgid: number): Promise<void> =>
      waitUntil(() => listGroup(pgid).live.length === 0, GROUP_EXIT_MS, `group ${pgid} to be empty`).catch(
        () => undefined,
      );
    const stubborn = await waitForEnded(db, 'stubborn', STUBBORN.timeoutMs + STUBBORN.killAfterMs + 10_000);
    await emptied(stubbornPid);
    const stubbornLeft = listGroup(stubbornPid);
    const forker = await waitForEnded(db, 'forker', FORKER.timeoutMs + FORKER.killAfterMs + 10_000);
    const forkerCheckedAt = Date.now();
    await emptied(forkerPid);
    const forkerLeft = listGroup(forkerPid);
    const forkerEmptyAfterMs = Date.now() - forkerCheckedAt;

    const killDelay = (run: RunRow, timeoutMs: number): number =>
      (run.ended_at ?? 0) - (run.started_at ?? 0) - timeoutMs;
    const stubbornKill = killDelay(stubborn, STUBBORN.timeoutMs);
    const forkerKill = killDelay(forker, FORKER.timeoutMs);
    figures.push(
      `forker: ${peakMembers - 1} children, timed out, SIGKILL ${forkerKill} ms after the timeout (kill-after ` +
        `${FORKER.killAfterMs}), ` +
        `${forkerLeft.live.length} left running ${forkerEmptyAfterMs} ms after the record ` +
        `(${forkerLeft.zombies.length} zombies awaiting init)`,
      `stubborn: SIGTERM ignored, SIGKILL ${stubbornKill} ms after the timeout (kill-after ` +
        `${STUBBORN.killAfterMs}), ${stubbornLeft.live.length} left running`,
    );

    expect(peakMembers).toBeGreaterThanOrEqual(CHILDREN + 1);
    expect(forker).toMatchObject({ status: 'timed-out', pid: forkerPid });
    expect([forker.stop_cause, forker.error]).toEqual(['timeout', null]);
    expect(describeStop(JSON.parse(forker.stop ?? 'null') as RunStop)).toBe(
      `timed out after ${seconds(FORKER.timeoutMs)}; sent SIGTERM, then SIGKILL after ${seconds(FORKER.killAfterMs)}`,
    );
    expect(forkerLeft.live).toEqual([]);
    expect(forkerKill).toBeGreaterThanOrEqual(FORKER.killAfterMs);
    expect(forkerKill).toBeLessThan(FORKER.killAfterMs + KILL_SLACK_MS);

    expect(stubborn).toMatchObject({ status: 'timed-out', signal: 'SIGKILL', exit_code: null, pid: stubbornPid });
    expect([stubborn.stop_cause, stubborn.error]).toEqual(['timeout', null]);
    expect(describeStop(JSON.parse(stubborn.stop ?? 'null') as RunStop)).toBe(
      `timed out after ${seconds(STUBBORN.timeoutMs)}; sent SIGTERM, ` +
        `then SIGKILL after ${seconds(STUBBORN.killAfterMs)}`,
    );
    expect(stubbornLeft.live).toEqual([]);
    expect(stubbornKill).toBeGreaterThanOrEqual(STUBBORN.killAfterMs);
    expect(stubbornKill).toBeLessThan(STUBBORN.killAfterMs + KILL_SLACK_MS);
  },
);
