/**
 * Issue 15 points 8 and 9 against a real detached daemon, through bin/taskkit as a user types it:
 * - the history database deleted (every file of it, or the state dir's database only), truncated,
 *   or deleted under an idle daemon: the daemon notices (a write batch, or its 10 s check), says so
 *   in its log, and puts a database back with the history and the run in flight; `history` works
 *   meanwhile, and after a restart nothing that was stored is gone and no run id is reused;
 * - a task removed and renamed by a reload while its run goes on: `status` and `list` show the
 *   run, `cancel` stops it by the old name or by run id, it ends into history, and the task coming
 *   back under its name while the run goes on does not start a second one (`overlap: skip`).
 */
import { rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, expect, test } from 'vitest';
import { DATABASE_CHECK_MS } from '../../src/daemon/history.js';
import { cleanUpDaemons, makeDaemonDir, readDaemonLog, startDetached, type DaemonDir } from '../e2e/_daemon.js';
import { isAlive, waitUntil } from '../support/process-state.js';
import { readRuns, waitForEnded, type RunRow } from './_support/resource-db.js';
import { waitForLog } from './_support/resource-daemon.js';

const figures: string[] = [];
afterEach(cleanUpDaemons);
afterAll(() => console.log(`[faults] state: ${figures.length === 0 ? 'not run' : figures.join('; ')}`));

const dbOf = (d: DaemonDir): string => join(d.stateDir, 'taskkit.db');

function writeTasks(d: DaemonDir, longName = 'long', longRun = 'sleep 60'): void {
  d.writeTasks([
    'settings:',
    '  state-dir: ./state',
    'tasks:',
    '  tick:',
    '    every: 1s',
    '    run: "true"',
    `  ${longName}:`,
    `    run: ${longRun}`,
    '    overlap: skip',
  ]);
}

/** `run-now NAME` started a run: its id and pid (the pid is cleaned up with the test). */
async function runNow(d: DaemonDir, name: string): Promise<{ id: number; pid: number }> {
  const started = await d.taskkit(['run-now', name]);
  const match = /#(\d+) started \(pid (\d+)\)/.exec(started.stdout);
  if (started.code !== 0 || match === null) throw new Error(`run-now ${name}: ${started.stdout}${started.stderr}`);
  const pid = Number(match[2]);
  d.track(pid);
  return { id: Number(match[1]), pid };
}

/** The stored row of run `id` once it has ended. */
async function waitForRun(d: DaemonDir, id: number): Promise<RunRow> {
  const ended = (): RunRow | undefined => readRuns(dbOf(d), `id = ${id} AND status NOT IN ('running', 'queued')`)[0];
  await waitUntil(() => ended() !== undefined, 15_000, `run #${id} to end`);
  return ended() as RunRow;
}

async function waitForTicks(d: DaemonDir, count: number): Promise<void> {
  await waitUntil(
    () => readRuns(dbOf(d), "task = 'tick' AND status = 'succeeded'").length >= count,
    15_000,
    `${count} tick runs`,
  );
}

interface HistoryJson {
  runs: { id: number; task: string; status: string }[];
}

async function historyIds(d: DaemonDir): Promise<number[]> {
  const history = await d.taskkit(['history', '-n', '1000', '--json']);
  expect(history.code).toBe(0);
  return (JSON.parse(history.stdout) as HistoryJson).runs.map((run) => run.id).sort((a, b) => a - b);
}

test.each([
  ['deleted with its -wal and -shm', (db: string) => ['', '-wal', '-shm'].forEach((s) => rmSync(`${db}${s}`))],
  ['deleted alone (its -wal and -shm left)', (db: string) => rmSync(db)],
  ['truncated', (db: string) => truncateSync(db, 0)],
])(
  'the database %s under a running daemon: noticed, put back with the run in flight; a restart loses nothing',
  { timeout: 60_000 },
  async (what, damage) => {
    const d = makeDaemonDir();
    writeTasks(d, 'long', 'sleep 2');
    await startDetached(d);
    await waitForTicks(d, 3);
    const long = await runNow(d, 'long');
    const before = readRuns(dbOf(d)).map((row) => row.id);
    const damagedAt = Date.now();
    damage(dbOf(d));
    await waitForLog(() => readDaemonLog(d), /history database .* while the daemon ran/, 15_000);
    await waitForLog(() => readDaemonLog(d), /history database .*: (restored it whole|created a fresh one)/, 15_000);
    const noticedMs = Date.now() - damagedAt;
    const restored = /restored it whole/.test(readDaemonLog(d));
    expect((await waitForEnded(dbOf(d), 'long', 15_000)).status).toBe('succeeded');
    const live = await historyIds(d);
    expect(live).toContain(long.id);
    // Deleted: the open copy is whole. Truncated: whole while the pages were still readable.
    if (what.startsWith('deleted')) expect(restored).toBe(true);
    if (restored) expect(live).toEqual(expect.arrayContaining(before));
    const maxBeforeStop = Math.max(...live);
    expect((await d.taskkit(['stop'])).code).toBe(0);
    await startDetached(d);
    await waitForTicks(d, 1);
    const after = await historyIds(d);
    expect(after).toEqual(expect.arrayContaining(live));
    // Ids go on past every id the database had or lost: none is handed out twice.
    expect(Math.min(...after.filter((id) => !live.includes(id)))).toBeGreaterThan(Math.max(maxBeforeStop, ...before));
    expect((await d.taskkit(['stop'])).code).toBe(0);
    const kept = live.filter((id) => before.includes(id)).length;
    figures.push(
      `db ${what}: noticed and put back in ${noticedMs} ms (${restored ? 'whole copy' : 'fresh'}), ` +
        `${kept}/${before.length} earlier runs kept, run in flight stored, ${after.length} runs after restart`,
    );
  },
);

test('an idle daemon notices a deleted database on its timer', { timeout: 60_000 }, async () => {
  const d = makeDaemonDir();
  d.writeTasks(['settings:', '  state-dir: ./state', 'tasks:', '  once:', '    run: "true"']);
  await startDetached(d);
  expect((await d.taskkit(['run-now', 'once', '--wait'])).code).toBe(0);
  const deletedAt = Date.now();
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbOf(d)}${suffix}`, { force: true });
  await waitForLog(() => readDaemonLog(d), /restored it whole/, DATABASE_CHECK_MS + 10_000);
  const noticedMs = Date.now() - deletedAt;
  expect(noticedMs).toBeLessThan(DATABASE_CHECK_MS + 5_000);
  expect(readRuns(dbOf(d)).map((row) => row.task)).toEqual(['once']);
  figures.push(`idle daemon: deleted database put back after ${noticedMs} ms (check every ${DATABASE_CHECK_MS} ms)`);
});

test(
  'a task removed, renamed and re-added while it runs: shown, counted for overlap, cancelled by name and by id',
  { timeout: 60_000 },
  async () => {
    const d = makeDaemonDir();
    writeTasks(d);
    await startDetached(d);
    const long = await runNow(d, 'long');

    writeTasks(d, 'renamed');
    expect((await d.taskkit(['reload'])).stdout).toContain('1 removed (long)');
    const status = JSON.parse((await d.taskkit(['status', '--json'])).stdout) as {
      runsInProgress: number;
      orphanedRuns: { id: number; task: string; status: string }[];
    };
    expect(status.runsInProgress).toBeGreaterThanOrEqual(1);
    expect(status.orphanedRuns.map((run) => [run.task, run.id, run.status])).toEqual([['long', long.id, 'running']]);
    expect((await d.taskkit(['status'])).stdout).toContain(`orphaned    long #${long.id}, running for`);
    expect((await d.taskkit(['list'])).stdout).toMatch(/long\s+on demand\s+removed/);

    writeTasks(d, 'long');
    expect((await d.taskkit(['reload'])).code).toBe(0);
    const second = await d.taskkit(['run-now', 'long']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`skipped: previous run #${long.id} still running (overlap: skip)`);
    const longRows = readRuns(dbOf(d), "task = 'long'");
    const started = longRows.filter((row) => row.started_at !== null).map((row) => row.id);
    expect(started).toEqual([long.id]);
    expect(isAlive(long.pid)).toBe(true);

    writeTasks(d, 'gone');
    expect((await d.taskkit(['reload'])).code).toBe(0);
    const cancelledAt = Date.now();
    const cancel = await d.taskkit(['cancel', String(long.id)]);
    expect(cancel).toMatchObject({ code: 0, stdout: `long #${long.id}: cancelling\n` });
    await waitUntil(() => !isAlive(long.pid), 15_000, `run #${long.id}'s process to end`);
    const stoppedMs = Date.now() - cancelledAt;
    const ended = await waitForRun(d, long.id);
    expect([ended.status, ended.stop_cause]).toEqual(['cancelled', 'cancel']);
    const again = await d.taskkit(['cancel', '--run', String(long.id)]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`run #${long.id} of long is not running or waiting (cancelled)`);
    expect((await d.taskkit(['cancel', 'long'])).code).toBe(1);
    expect(JSON.parse((await d.taskkit(['status', '--json'])).stdout)).toMatchObject({ orphanedRuns: [] });

    // Renamed away while running: the old name still cancels it.
    const other = await runNow(d, 'gone');
    writeTasks(d, 'newname');
    expect((await d.taskkit(['reload'])).code).toBe(0);
    expect(await d.taskkit(['cancel', 'gone'])).toMatchObject({ code: 0, stdout: `gone #${other.id}: cancelling\n` });
    await waitUntil(() => !isAlive(other.pid), 15_000, `run #${other.id}'s process to end`);
    expect((await waitForRun(d, other.id)).status).toBe('cancelled');
    expect((await d.taskkit(['stop'])).code).toBe(0);
    figures.push(
      `orphan: run listed by status and list, 1 process for 2 triggers after the task came back (overlap: skip), ` +
        `cancel by id stopped it in ${stoppedMs} ms, by old name too, both stored as cancelled`,
    );
  },
);
