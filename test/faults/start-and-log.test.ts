/**
 * Issue 15 point 2 and the daemon log (issue 15), against a real detached daemon:
 * - damaged state: task_state rows of every kind the engine cannot use (not JSON, an unknown
 *   kind, a period of 0 that gave NaN instants and a busy loop, a bad cron, a last instant that
 *   is text) are dropped with one warning each; the daemon starts, idles, answers and stops,
 *   and leaves no socket, pid file or process;
 * - log flood: refused reloads of a tasks file with thousands of errors (a file watcher sending
 *   SIGHUP to a half-edited file) write megabytes to the log each; taskkit.log stays capped and
 *   the rotated files are at most LOG_KEEP.
 */
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, expect, test } from 'vitest';
import { LOG_KEEP, LOG_MAX_BYTES } from '../../src/daemon/log-rotation.js';
import { cleanUpDaemons, eventually, makeDaemonDir, readDaemonLog, startDetached } from '../e2e/_daemon.js';
import { isAlive, waitUntil } from '../support/process-state.js';
import { formatMiB } from './_support/resource-proc.js';

const figures: string[] = [];
afterEach(cleanUpDaemons);
afterAll(() => console.log(`[faults] start-and-log: ${figures.length === 0 ? 'not run' : figures.join('; ')}`));

/** The reschedule column of each task, as damage or an older taskkit could leave it. */
const DAMAGE: Record<string, string> = {
  'not-json': '{not json',
  'unknown-kind': '{"kind":"weekly","day":1}',
  'json-null': 'null',
  'period-0': '{"kind":"every","periodMs":0,"anchor":946684800000,"startGiven":false}',
  'period-negative': '{"kind":"every","periodMs":-5000,"anchor":946684800000,"startGiven":false}',
  'daily-empty': '{"kind":"daily","times":[]}',
  'at-text': '{"kind":"at","instants":["tomorrow"]}',
  'cron-bad': '{"kind":"cron","expression":"61 * * * *"}',
};

/** CPU time (user + system) of `pid` in ms, from /proc/PID/stat (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

test(
  'damaged task_state rows: each dropped with a warning; the daemon idles, answers and stops',
  { timeout: 90_000 },
  async () => {
    const d = makeDaemonDir();
    const names = Object.keys(DAMAGE);
    d.writeTasks([
      'settings:',
      '  state-dir: ./state',
      'tasks:',
      '  tick:',
      '    every: 1s',
      '    run: "true"',
      ...names.flatMap((name) => [`  ${name}:`, '    every: 1h', '    run: "true"']),
    ]);
    await startDetached(d);
    for (const name of names) expect((await d.taskkit(['reschedule', name, '--every', '10s'])).code).toBe(0);
    expect((await d.taskkit(['stop'])).code).toBe(0);
    const db = new Database(join(d.stateDir, 'taskkit.db'));
    const set = db.prepare('UPDATE task_state SET reschedule = ? WHERE name = ?');
    for (const [name, text] of Object.entries(DAMAGE)) set.run(text, name);
    db.prepare("UPDATE task_state SET last_scheduled_at = 'yesterday' WHERE name = 'tick'").run();
    db.close();

    const startedAt = Date.now();
    const pid = await startDetached(d);
    const startMs = Date.now() - startedAt;
    const warnings = readDaemonLog(d)
      .split('\n')
      .filter((line) => line.includes('dropped stored state taskkit cannot use'));
    expect(warnings).toHaveLength(names.length + 1);
    // Time passes by an event: the every-1s task runs three times more (a spinning daemon would burn ~100%).
    const runsOf = async (): Promise<number> => {
      const history = await d.taskkit(['history', 'tick', '--json']);
      return (JSON.parse(history.stdout) as { runs: unknown[] }).runs.length;
    };
    const cpuBefore = cpuMs(pid);
    const windowStart = Date.now();
    const first = await runsOf();
    await eventually(async () => ((await runsOf()) >= first + 3 ? true : undefined), 'three more tick runs', 20_000);
    const windowMs = Date.now() - windowStart;
    const cpu = cpuMs(pid) - cpuBefore;
    expect(cpu / windowMs).toBeLessThan(0.5);
    const list = JSON.parse((await d.taskkit(['list', '--json'])).stdout) as { name: string; rescheduled: boolean }[];
    expect(list.filter((task) => task.rescheduled)).toEqual([]);
    const stopAt = Date.now();
    expect((await d.taskkit(['stop'])).code).toBe(0);
    const stopMs = Date.now() - stopAt;
    await waitUntil(() => !isAlive(pid), 10_000, 'the daemon to exit');
    expect(existsSync(d.socket) || existsSync(d.pidFile)).toBe(false);
    figures.push(
      `damaged state: ${warnings.length} unusable task_state values dropped with ${warnings.length} warnings, ` +
        `start in ${startMs} ms, daemon CPU ${cpu} ms over ${(windowMs / 1000).toFixed(1)} s ` +
        `(a period-0 row spun at 100%), stop in ${stopMs} ms, nothing left`,
    );
  },
);

test(
  `log flood: taskkit.log stays under ${formatMiB(LOG_MAX_BYTES)} plus one message, ${LOG_KEEP} old files at most`,
  { timeout: 120_000 },
  async () => {
    const d = makeDaemonDir();
    const good = ['settings:', '  state-dir: ./state', 'tasks:', '  tick:', '    every: 1h', '    run: "true"'];
    d.writeTasks(good);
    const pid = await startDetached(d);
    const broken = [...good];
    for (let i = 0; i < 2_000; i++) broken.push(`  broken-${i}:`, '    every: 5 minutes', '    run: "true"');
    d.writeTasks(broken);
    const log = join(d.stateDir, 'taskkit.log');
    const rotatedSizes = (): number[] =>
      Array.from({ length: LOG_KEEP + 1 }, (_, i) => `${log}.${i + 1}`).map((path) =>
        existsSync(path) ? statSync(path).size : -1,
      );
    const cycles = LOG_KEEP + 2;
    let largest = 0;
    let written = 0;
    let peak = 0;
    const startedAt = Date.now();
    for (let cycle = 0; cycle < cycles; cycle++) {
      // Another writer fills the file to just under the cap (the loader's stderr, a crash's trace
      // land in it too, and are counted); then one refused reload logs every issue of the file.
      const filler = LOG_MAX_BYTES - statSync(log).size - 64 * 1024;
      if (filler > 0) appendFileSync(log, `${'x'.repeat(1023)}\n`.repeat(Math.floor(filler / 1024)));
      written += Math.max(0, filler);
      const before = statSync(log).size;
      const refused = await d.taskkit(['reload'], { timeoutMs: 60_000 });
      expect(refused.code).toBe(2);
      const sizeNow = statSync(log).size;
      const message = (rotatedSizes()[0] ?? 0) > before ? rotatedSizes()[0]! - before : sizeNow - before;
      largest = Math.max(largest, message, sizeNow);
      written += message;
      peak = Math.max(peak, rotatedSizes()[0] ?? 0, sizeNow);
      // Rotated: the current file holds at most the lines after the check that rotated it.
      expect(sizeNow).toBeLessThan(LOG_MAX_BYTES);
    }
    const rotated = rotatedSizes();
    expect(rotated.slice(0, LOG_KEEP).every((size) => size > 0)).toBe(true);
    expect(rotated[LOG_KEEP]).toBe(-1);
    expect(peak).toBeLessThanOrEqual(LOG_MAX_BYTES + largest);
    expect(readFileSync(log, 'utf8')).toContain('log rotated: earlier lines are in taskkit.log.1');
    expect((await d.taskkit(['status'])).code).toBe(0);
    expect(isAlive(pid)).toBe(true);
    figures.push(
      `log flood: ${cycles} fills to the cap + refused reloads ` +
        `(${formatMiB(written)} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s) ` +
        `rotated ${cycles} times; largest file ${formatMiB(peak)} (cap ${formatMiB(LOG_MAX_BYTES)}), ` +
        `${rotated.filter((size) => size >= 0).length} old files kept (keep ${LOG_KEEP})`,
    );
  },
);
