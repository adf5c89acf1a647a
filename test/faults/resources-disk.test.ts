/**
 * Issue 8 item 3, the state dir's storage fails under a running daemon (resource-storage.ts: a
 * full disk, files that turn read-only) and comes back. The daemon runs in the foreground with its
 * log captured: a detached daemon's taskkit.log lives in the same state dir and would share the
 * fault. Checked: the daemon logs the failed writes, keeps scheduling (the runs of the window ran
 * when they were due), says when it writes again, and then every run is in the database: run ids
 * are handed out in order, so a missing id is a run the store never wrote; none may be missing
 * unless the log names it (store/sqlite/write-batcher.ts), and here none is.
 */
import { afterAll, afterEach, expect, test } from 'vitest';
import { cleanUpDaemons, makeDaemonDir, pause } from '../e2e/_daemon.js';
import { isAlive, waitUntil } from '../support/process-state.js';
import { findIdGaps, readRuns } from './_support/resource-db.js';
import { startForeground, waitForLog, type ForegroundDaemon } from './_support/resource-daemon.js';
import { FULL_DISK, READ_ONLY_FILES, type StorageFault } from './_support/resource-storage.js';

const LONG = process.env['TASKKIT_FAULTS_LONG'] === '1';
/** How long the storage stays away. */
const WINDOW_MS = LONG ? 30_000 : 2_500;
/** The batcher retries after 1, 2, 4... 60 s: the first retry after the storage is back. */
const RECOVERY_WAIT_MS = LONG ? 70_000 : 15_000;
const TICK_MS = 500;
const BULK_MS = 1_000;
/** Lateness that fails the test: a run must start when due, not wait for the storage (a loaded CI box: generous). */
const LATE_MS = 1_000;
/** Output of each bulk run: rows of different sizes, so "small ones fit, big ones not" can happen. */
const BULK_BYTES = 20_000;

const figures = new Map<string, string>();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await cleanUpDaemons();
});
afterAll(() => {
  const parts = [FULL_DISK, READ_ONLY_FILES].map((fault) => `${fault.name}: ${figures.get(fault.name) ?? 'not run'}`);
  console.log(`[faults] disk: ${parts.join('; ')}`);
});

test.for([FULL_DISK, READ_ONLY_FILES])(
  'state dir $name: the daemon logs it, keeps scheduling, writes again when the storage is back, and loses no run',
  { timeout: WINDOW_MS + RECOVERY_WAIT_MS + 30_000 },
  async (fault: StorageFault, context) => {
    const unusable = fault.probe();
    if (unusable !== null) {
      figures.set(fault.name, `skipped: ${unusable}`);
      context.skip(unusable);
    }
    const d = makeDaemonDir();
    let daemon: ForegroundDaemon | null = null;
    cleanups.push(async () => {
      if (daemon !== null && isAlive(daemon.pid)) {
        process.kill(daemon.pid, 'SIGKILL');
        await waitUntil(() => daemon === null || !isAlive(daemon.pid), 5_000, 'the daemon to die');
      }
      fault.cleanup(d.stateDir);
    });
    fault.prepare(d.stateDir);
    d.writeTasks([
      'settings:',
      '  state-dir: ./state',
      'tasks:',
      '  tick:',
      `    every: ${TICK_MS}ms`,
      '    run: echo tick $TASKKIT_RUN_ID',
      '  bulk:',
      `    every: ${BULK_MS}ms`,
      `    run: 'head -c ${BULK_BYTES} /dev/zero | tr "\\0" b'`,
    ]);
    daemon = await startForeground(d);
    const running = daemon;
    const db = `${d.stateDir}/taskkit.db`;
    await waitUntil(
      () => readRuns(db, "status = 'succeeded'").length >= 3,
      10_000,
      'three runs stored before the fault',
    );

    const faultAt = Date.now();
    fault.inject(d.stateDir);
    await waitForLog(running.log, /could not write \d+ change\(s\)/, 5_000);
    const status = await d.taskkit(['--socket', d.socket, 'status', '--json']);
    await pause(Math.max(0, faultAt + WINDOW_MS - Date.now()));
    const healAt = Date.now();
    fault.heal(d.stateDir);
    await waitForLog(running.log, /writing again; stored the \d+ change\(s\)/, RECOVERY_WAIT_MS);
    const writtenAfterMs = Date.now() - healAt;
    await pause(TICK_MS * 2);
    await running.stop();

    const log = running.log();
    const rows = readRuns(db);
    const gaps = findIdGaps(rows);
    const inWindow = rows.filter(
      (row) =>
        row.trigger === 'schedule' &&
        row.scheduled_at !== null &&
        row.scheduled_at >= faultAt &&
        row.scheduled_at < healAt,
    );
    const expected = Math.floor(WINDOW_MS / TICK_MS) - 1 + Math.floor(WINDOW_MS / BULK_MS) - 1;
    const maxLateness = Math.max(...inWindow.map((row) => (row.started_at ?? Infinity) - (row.scheduled_at ?? 0)));
    const failedAttempts = log.match(/could not write \d+ change\(s\)/g)?.length ?? 0;
    const lostLines = log.split('\n').filter((line) => /dropped|lost/.test(line));
    figures.set(
      fault.name,
      `${((healAt - faultAt) / 1000).toFixed(1)} s without storage, ${inWindow.length} runs meanwhile (all ` +
        `stored after: ` +
        `${inWindow.every((row) => row.status === 'succeeded') ? 'yes' : 'NO'}, started at most ${maxLateness} ` +
        `ms late), ${failedAttempts} failed write attempts logged, ` +
        `writing again ${(writtenAfterMs / 1000).toFixed(1)} s after the storage came back, ${rows.length} ` +
        `runs, lost ${gaps.length}`,
    );

    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ pid: running.pid });
    expect(failedAttempts).toBeGreaterThanOrEqual(1);
    expect(lostLines).toEqual([]);
    expect(gaps).toEqual([]);
    expect(inWindow.length).toBeGreaterThanOrEqual(expected);
    // They ran when due (not held back until the storage was back), and were written after.
    for (const row of inWindow) expect(row.status).toBe('succeeded');
    expect(maxLateness).toBeLessThan(LATE_MS);
    expect(rows.filter((row) => row.status === 'running')).toEqual([]);
  },
);
