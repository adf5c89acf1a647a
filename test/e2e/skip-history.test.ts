/**
 * Issue 16.7, through bin/taskkit: an every-second task held a few seconds leaves ONE history row
 * for its held instants, counted up to now while still held (history asks the daemon) and final at
 * the resume; `history` shows "skipped xN first .. last: held", `--skipped` keeps only such rows,
 * and `--json` carries skipReason, skipCount and the range.
 */
import { expect, test } from 'vitest';
import { afterEach } from 'vitest';
import type { RunView } from '../../src/control/views.js';
import { cleanUpDaemons, eventually, makeDaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

const heldRows = (stdout: string): RunView[] =>
  (JSON.parse(stdout) as { runs: RunView[] }).runs.filter((run) => run.skipReason === 'held');

test('held instants are one row with a count and a range', { timeout: 90_000 }, async () => {
  const d = makeDaemonDir();
  d.writeTasks([
    'settings:',
    '  state-dir: ./state',
    '  timezone: UTC',
    'tasks:',
    '  tick: { every: 1s, run: "true" }',
  ]);
  expect((await d.taskkit(['start'])).code).toBe(0);
  expect((await d.taskkit(['hold', 'tick', '--note', 'maintenance'])).code).toBe(0);
  // While held: each `history` counts the instants so far into the same row.
  const during = await eventually(async () => {
    const rows = heldRows((await d.taskkit(['history', 'tick', '--json'])).stdout);
    return rows.length === 1 && (rows[0]?.skipCount ?? 0) >= 2 ? rows[0] : undefined;
  }, 'two held instants in one row');
  expect((await d.taskkit(['resume', 'tick'])).code).toBe(0);

  const after = heldRows((await d.taskkit(['history', 'tick', '--json'])).stdout);
  expect(after).toHaveLength(1);
  const row = after[0] as RunView;
  expect(row).toMatchObject({ id: during?.id, status: 'skipped', error: 'held (maintenance)', skipMore: false });
  expect(row.skipCount).toBeGreaterThanOrEqual(during?.skipCount ?? 2);
  // An every-second task: the range holds exactly count instants.
  const first = Date.parse(row.skipFirstAt ?? '');
  const last = Date.parse(row.skipLastAt ?? '');
  expect((last - first) / 1_000 + 1).toBe(row.skipCount);

  const table = await d.taskkit(['history', 'tick', '--skipped']);
  expect(table.code).toBe(0);
  expect(table.stdout).toMatch(
    new RegExp(
      String.raw`^\s*${row.id}\s+tick\s+schedule\s.*skipped x${row.skipCount} \S+ \.\. \S+: held \(maintenance\)$`,
      'm',
    ),
  );
  expect(
    table.stdout
      .trim()
      .split('\n')
      .slice(1)
      .every((line) => line.includes('skipped')),
  ).toBe(true);
  expect((await d.taskkit(['stop'])).code).toBe(0);
});
