/** `history`'s table and the notes of `logs`: columns, colours only through the painter, exact words. */
import { describe, expect, test } from 'vitest';
import {
  describeDuration,
  describeExit,
  describeLogged,
  describeNoRuns,
  renderHistory,
} from '../../../src/cli/format/history.js';
import { PLAIN_PAINTER, type Painter } from '../../../src/cli/io.js';
import type { RunView } from '../../../src/control/views.js';
import { pinProcessZone } from '../../support/process-zone.js';

pinProcessZone('UTC');

const base: RunView = {
  id: 7,
  task: 'backup',
  trigger: 'schedule',
  status: 'succeeded',
  scheduledAt: '2026-07-02T03:30:00.000Z',
  createdAt: '2026-07-02T03:30:00.000Z',
  startedAt: '2026-07-02T03:30:00.010Z',
  endedAt: '2026-07-02T03:31:10.010Z',
  durationMs: 70_000,
  exitCode: 0,
  signal: null,
  attempt: 1,
  pid: 900,
  outputBytes: 0,
  outputTruncated: false,
  skipReason: null,
  skipCount: null,
  skipMore: null,
  skipFirstAt: null,
  skipLastAt: null,
  stop: null,
  error: null,
  outcome: 'succeeded',
};

test('describeDuration: "-" when not run, not ended, or interrupted', () => {
  expect([
    describeDuration(base),
    describeDuration({ ...base, durationMs: null }),
    describeDuration({ ...base, status: 'interrupted', durationMs: 86_400_000 }),
  ]).toEqual(['1m10s', '-', '-']);
});

test('describeExit: the code, else the signal, else "-"', () => {
  expect([
    describeExit(base),
    describeExit({ ...base, exitCode: null, signal: 'SIGKILL' }),
    describeExit({ ...base, exitCode: null }),
  ]).toEqual(['0', 'SIGKILL', '-']);
});

describe('renderHistory', () => {
  test('a running run has no duration; a skipped one shows when it was triggered', () => {
    const now = Date.parse('2026-07-02T12:00:00Z');
    const running: RunView = {
      ...base,
      id: 9,
      status: 'running',
      endedAt: null,
      durationMs: null,
      exitCode: null,
      outcome: 'running',
    };
    const skipped: RunView = {
      ...base,
      id: 8,
      status: 'skipped',
      startedAt: null,
      endedAt: null,
      durationMs: null,
      exitCode: null,
      createdAt: '2026-07-01T23:00:00.000Z',
      outcome: 'skipped: held',
    };
    expect(renderHistory([running, skipped, base], now, PLAIN_PAINTER)).toEqual([
      'RUN  TASK    TRIGGER   STARTED              DURATION  EXIT  STATUS',
      '  9  backup  schedule  03:30:00                    -     -  running',
      '  8  backup  schedule  2026-07-01 23:00:00         -     -  skipped: held',
      '  7  backup  schedule  03:30:00                1m10s     0  succeeded',
    ]);
  });

  test('STATUS is coloured by how the run ended, without its padding', () => {
    const tag = (name: string) => (text: string) => `<${name}>${text}</${name}>`;
    const paint: Painter = {
      bold: (text) => text,
      dim: tag('dim'),
      green: tag('green'),
      red: tag('red'),
      yellow: tag('yellow'),
      cyan: tag('cyan'),
    };
    const failed: RunView = { ...base, id: 6, status: 'failed', exitCode: 3, outcome: 'exited with code 3' };
    const cancelled: RunView = {
      ...base,
      id: 5,
      status: 'cancelled',
      exitCode: null,
      signal: 'SIGTERM',
      outcome: 'cancelled',
    };
    const lines = renderHistory([failed, cancelled, base], Date.parse('2026-07-02T12:00:00Z'), paint);
    expect(lines.slice(1).map((line) => line.slice(line.indexOf('<')))).toEqual([
      '<red>exited with code 3</red>',
      '<yellow>cancelled</yellow>',
      '<green>succeeded</green>',
    ]);
  });
});

test('describeNoRuns', () => {
  expect([describeNoRuns(undefined, false), describeNoRuns('backup', false), describeNoRuns('backup', true)]).toEqual([
    'no runs yet',
    'no runs of backup yet',
    'no runs of backup match',
  ]);
});

describe('describeLogged', () => {
  test.each([
    ['success with output: nothing to add', { ...base, output: 'ok\n' }, null],
    ['success without output', { ...base, output: '' }, 'backup #7 succeeded after 1m10s (no output)'],
    [
      'a failure',
      { ...base, status: 'failed' as const, exitCode: 3, outcome: 'exited with code 3', output: 'x\n' },
      'backup #7 exited with code 3 after 1m10s',
    ],
    [
      'an interrupted run has no duration (it ended when the next daemon noticed)',
      { ...base, status: 'interrupted' as const, outcome: 'interrupted (taskkit stopped)', output: 'x\n' },
      'backup #7 interrupted (taskkit stopped)',
    ],
    [
      'a timeout says its own duration',
      { ...base, status: 'timed-out' as const, outcome: 'timed out after 1m; sent SIGTERM', output: 'x\n' },
      'backup #7 timed out after 1m; sent SIGTERM',
    ],
  ])('%s', (_label, run, expected) => {
    expect(describeLogged(run)).toBe(expected);
  });
});
