/**
 * Issue 8 item 3, output flood: a task of a real detached daemon prints 200 MiB (1 GiB with
 * TASKKIT_FAULTS_LONG=1) as fast as a pipe takes it. The daemon's resident memory, read from
 * /proc every 100 ms, stays within FLOOD_RSS_BOUND of what it was idle; the stored output is
 * history.output-limit (head and tail) with the marker of output-buffer.ts counting the bytes
 * dropped, and the run says it was truncated and how much the task wrote.
 */
import { afterAll, afterEach, expect, test } from 'vitest';
import { formatDroppedMarker } from '../../src/runner/output-buffer.js';
import { cleanUpDaemons, makeDaemonDir, pause, startDetached } from '../e2e/_daemon.js';
import { readRunOutput, waitForEnded } from './_support/resource-db.js';
import { formatMiB, readRss, sampleRss } from './_support/resource-proc.js';

const LONG = process.env['TASKKIT_FAULTS_LONG'] === '1';
const MIB = 1024 * 1024;
const FLOOD_BYTES = (LONG ? 1024 : 200) * MIB;
const OUTPUT_LIMIT = 1 * MIB;
/** Growth of the daemon's RSS over its idle figure that fails the test. */
const FLOOD_RSS_BOUND = 30 * MIB;

let summary = 'not run';
afterEach(cleanUpDaemons);
afterAll(() => console.log(`[faults] flood: ${summary}`));

test(
  `a task printing ${FLOOD_BYTES / MIB} MiB: flat daemon RSS, output capped at history.output-limit and marked`,
  { timeout: LONG ? 120_000 : 45_000 },
  async () => {
    const d = makeDaemonDir();
    d.writeTasks([
      'settings:',
      '  state-dir: ./state',
      '  history: { output-limit: 1MiB }',
      'tasks:',
      '  flood:',
      // `tr` makes it text; the pipe runs at memory speed, so the daemon reads as fast as it can.
      `    run: 'head -c ${FLOOD_BYTES} /dev/zero | tr "\\0" x'`,
    ]);
    const pid = await startDetached(d);
    // Idle: after start-up settled, the highest of a second of samples.
    await pause(500);
    const idle = sampleRss(pid, 100);
    await pause(1_000);
    const idleRss = Math.max(...idle.stop());

    const sampler = sampleRss(pid, 100);
    expect((await d.taskkit(['run-now', 'flood'])).code).toBe(0);
    const run = await waitForEnded(`${d.stateDir}/taskkit.db`, 'flood', LONG ? 100_000 : 30_000);
    const samples = sampler.stop();
    const peakRss = Math.max(...samples);
    const stored = readRunOutput(`${d.stateDir}/taskkit.db`, run.id);
    const seconds = ((run.ended_at ?? 0) - (run.started_at ?? 0)) / 1000;
    const mibPerSecond = FLOOD_BYTES / MIB / seconds;
    const storedBytes = stored?.output.length ?? 0;
    const growth = peakRss - idleRss;
    summary =
      `${FLOOD_BYTES / MIB} MiB through in ${seconds.toFixed(1)} s (${mibPerSecond.toFixed(0)} MiB/s), ` +
      `daemon RSS ${formatMiB(idleRss)} -> peak ${formatMiB(peakRss)} ` +
      `(+${formatMiB(growth)}, bound +${formatMiB(FLOOD_RSS_BOUND)}, ${samples.length} samples), ` +
      `stored ${formatMiB(storedBytes)} ` +
      `(${stored?.row.output_truncated === 1 ? 'capped' : 'NOT capped'}, ` +
      `${stored?.output.includes('bytes dropped]') === true ? 'marked' : 'NOT marked'})`;

    expect(run).toMatchObject({ status: 'succeeded', exit_code: 0, output_bytes: FLOOD_BYTES, output_truncated: 1 });
    expect(samples.length).toBeGreaterThanOrEqual(Math.floor(seconds * 5));
    expect(growth).toBeLessThan(FLOOD_RSS_BOUND);
    // Half the limit from the start, half from the end (all 'x'), the marker between with the exact count.
    const half = OUTPUT_LIMIT / 2;
    expect(String(stored?.output)).toBe(
      'x'.repeat(half) + formatDroppedMarker(FLOOD_BYTES - OUTPUT_LIMIT) + 'x'.repeat(half),
    );
    expect(readRss(pid)).not.toBeNull();
  },
);
