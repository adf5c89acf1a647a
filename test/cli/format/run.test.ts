/** One-line reports of run-now and of the task-changing verbs. */
import { describe, expect, test } from 'vitest';
import { describeFinished, describeTriggered } from '../../../src/cli/format/run.js';
import { describeReloadSummary } from '../../../src/cli/format/status.js';
import type { RunView } from '../../../src/control/views.js';

const run = (overrides: Partial<RunView>): RunView => ({
  id: 12,
  task: 'backup',
  trigger: 'manual',
  status: 'running',
  scheduledAt: null,
  createdAt: '2026-03-01T12:00:00.000Z',
  startedAt: '2026-03-01T12:00:00.000Z',
  endedAt: null,
  durationMs: null,
  exitCode: null,
  signal: null,
  attempt: 1,
  pid: 4321,
  outputBytes: 0,
  outputTruncated: false,
  skipReason: null,
  skipCount: null,
  skipMore: null,
  skipFirstAt: null,
  skipLastAt: null,
  stop: null,
  error: null,
  outcome: 'running',
  ...overrides,
});

describe('describeTriggered', () => {
  test.each([
    [{}, 'backup #12 started (pid 4321)'],
    [{ pid: null }, 'backup #12 started'],
    [{ status: 'queued' as const, pid: null, startedAt: null }, 'backup #12 queued (it starts when a slot is free)'],
    [{ status: 'skipped' as const, outcome: 'skipped: held' }, 'backup #12 skipped: held'],
  ])('%j', (overrides, expected) => {
    expect(describeTriggered(run(overrides))).toBe(expected);
  });

  test('a run queued for its concurrency group says so, not that it waits for a slot', () => {
    const queued = run({ status: 'queued', pid: null, startedAt: null });
    expect(describeTriggered(queued, 'db: 1/1 running')).toBe('backup #12 queued (waiting for group db: 1/1 running)');
    expect(describeTriggered(run({}), 'db: 1/1 running')).toBe('backup #12 started (pid 4321)');
  });

  test('a cluster run waits for its claim, which may still skip it: not a promise that it starts', () => {
    const queued = run({ status: 'queued', pid: null, startedAt: null });
    expect(describeTriggered(queued, null, true)).toBe(
      'backup #12 queued for its claim in the cluster (overlap or a hold may still skip it; ' +
        '"taskkit history backup" shows how it went)',
    );
    expect(describeTriggered(run({}), null, true)).toBe('backup #12 started (pid 4321)');
  });
});

describe('describeFinished', () => {
  test.each([
    [
      { status: 'failed' as const, outcome: 'exited with code 3', durationMs: 1_500 },
      'backup #12 exited with code 3 after 1.5s',
    ],
    [
      { status: 'timed-out' as const, outcome: 'timed out after 30s; sent SIGTERM', durationMs: 30_002 },
      'backup #12 timed out after 30s; sent SIGTERM',
    ],
    [
      { status: 'cancelled' as const, outcome: 'cancelled (by taskkit cancel)', durationMs: null },
      'backup #12 cancelled (by taskkit cancel)',
    ],
  ])('%j', (overrides, expected) => {
    expect(describeFinished(run(overrides))).toBe(expected);
  });
});

test('describeReloadSummary names what was added, changed and removed, and counts the rest', () => {
  expect(describeReloadSummary({ added: ['a'], changed: [], removed: ['b', 'c'], unchanged: ['d', 'e', 'f'] })).toBe(
    '1 added (a), 0 changed, 2 removed (b, c), 3 unchanged',
  );
});
