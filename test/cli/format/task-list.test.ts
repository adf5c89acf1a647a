/** The `list` table's cells: state with counts, last result, and colour on the STATE column only. */
import { describe, expect, test } from 'vitest';
import {
  describeLast,
  describeState,
  describeTaskCounts,
  paintLast,
  paintState,
  renderTaskList,
} from '../../../src/cli/format/task-list.js';
import type { RunView, TaskView } from '../../../src/control/views.js';
import { PLAIN_PAINTER, loadPainter, type Painter } from '../../../src/cli/io.js';
import { createMemoryIo } from '../../support/memory-io.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');

const task = (overrides: Partial<TaskView>): TaskView => ({
  name: 't',
  description: '',
  state: 'scheduled',
  schedule: 'every 5m',
  timezone: 'UTC',
  rescheduled: false,
  nextAt: '2026-03-01T12:05:00.000Z',
  held: false,
  holdNote: null,
  heldAt: null,
  heldUntil: null,
  overdueSince: null,
  lastSuccessAt: null,
  autoHeld: false,
  failedSlots: 0,
  failing: false,
  alert: { failures: 0, failureAlertedAt: null, overdueAlertedAt: null },
  running: 0,
  queued: 0,
  group: null,
  lastRun: null,
  join: null,
  ...overrides,
});

const run = (overrides: Partial<RunView>): RunView => ({
  id: 1,
  task: 't',
  trigger: 'schedule',
  status: 'succeeded',
  scheduledAt: null,
  createdAt: '2026-03-01T11:00:00.000Z',
  startedAt: '2026-03-01T11:00:00.000Z',
  endedAt: '2026-03-01T11:58:00.000Z',
  durationMs: 3_480_000,
  exitCode: 0,
  signal: null,
  attempt: 1,
  pid: 10,
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
  ...overrides,
});

/** Marks what it styles, so a test sees exactly which text got which colour. */
const TAGS: Painter = {
  bold: (text) => `<b>${text}</b>`,
  dim: (text) => `<dim>${text}</dim>`,
  green: (text) => `<green>${text}</green>`,
  red: (text) => `<red>${text}</red>`,
  yellow: (text) => `<yellow>${text}</yellow>`,
  cyan: (text) => `<cyan>${text}</cyan>`,
};

describe('cells', () => {
  test.each([
    [{ state: 'running' as const, running: 1 }, 'running'],
    [{ state: 'running' as const, running: 3 }, 'running (3 runs)'],
    [{ state: 'running' as const, running: 1, queued: 2 }, 'running (2 queued)'],
    [{ state: 'held' as const, queued: 1 }, 'held (1 queued)'],
    [
      { state: 'scheduled' as const, queued: 1, group: { name: 'db', limit: 1, running: 1, waiting: 1 } },
      'scheduled (waiting for group db: 1/1 running)',
    ],
    [
      { state: 'running' as const, running: 2, queued: 3, group: { name: 'net', limit: 3, running: 3, waiting: 2 } },
      'running (2 runs, 1 queued, 2 waiting for group net: 3/3 running)',
    ],
    [{ state: 'scheduled' as const, group: { name: 'db', limit: 1, running: 0, waiting: 0 } }, 'scheduled'],
  ])('describeState(%j) = %s', (overrides, expected) => {
    expect(describeState(task(overrides))).toBe(expected);
  });

  test('describeLast: outcome and when it ended; a queued run by when it was created; none', () => {
    expect(describeLast(run({}), NOW)).toBe('succeeded, 2m ago');
    expect(
      describeLast(
        run({
          status: 'skipped',
          outcome: 'skipped: held',
          startedAt: null,
          endedAt: null,
          createdAt: '2026-03-01T11:59:30.000Z',
        }),
        NOW,
      ),
    ).toBe('skipped: held, 30s ago');
    expect(describeLast(null, NOW)).toBe('-');
  });

  test.each([
    ['scheduled', '<green>x</green>'],
    ['running', '<cyan>x</cyan>'],
    ['held', '<yellow>x</yellow>'],
    ['on-demand', '<dim>x</dim>'],
    ['done', '<dim>x</dim>'],
  ] as const)('paintState(%s)', (state, expected) => {
    expect(paintState(TAGS, state, 'x')).toBe(expected);
  });
});

describe('what starts an on-demand task, and LAST by outcome (issue 13)', () => {
  test.each([
    [{ state: 'on-demand' as const, schedule: 'at boot' }, 'at boot'],
    [{ state: 'on-demand' as const, schedule: 'after backup, sync' }, 'after backup, sync'],
    [{ state: 'on-demand' as const, schedule: 'on demand' }, 'on-demand'],
    [{ state: 'running' as const, schedule: 'at boot', running: 1 }, 'running'],
  ])('describeState(%j) = %s', (overrides, expected) => {
    expect(describeState(task(overrides))).toBe(expected);
  });

  test.each([
    ['succeeded', '<green>x</green>'],
    ['failed', '<red>x</red>'],
    ['timed-out', '<red>x</red>'],
    ['interrupted', '<red>x</red>'],
    ['cancelled', '<yellow>x</yellow>'],
    ['skipped', '<yellow>x</yellow>'],
  ] as const)('paintLast(%s)', (status, expected) => {
    expect(paintLast(TAGS, run({ status }), 'x  ')).toBe(expected);
  });

  test('no last run: "-" stays plain; a failed last run is red in LAST, the state green while not failing', () => {
    expect(paintLast(TAGS, null, '-')).toBe('-');
    const [, line] = renderTaskList(
      [task({ name: 'a', lastRun: run({ status: 'failed', outcome: 'exited with code 3', exitCode: 3 }) })],
      NOW,
      TAGS,
    );
    expect(line).toBe(
      '<b>a   </b>  every 5m  <green>scheduled</green>  in 5m (12:05:00)  <red>exited with code 3, 2m ago</red>',
    );
  });
});

describe('health at a glance (issue 16.8)', () => {
  const failed = run({ status: 'failed', outcome: 'exited with code 3', exitCode: 3 });
  const tasks = [
    task({ name: 'ok', lastRun: run({}) }),
    task({ name: 'backup', failing: true, lastRun: failed }),
    task({ name: 'flaky', state: 'held', held: true, autoHeld: true, failedSlots: 3, nextAt: null, lastRun: failed }),
    task({
      name: 'sync',
      state: 'on-demand',
      schedule: 'on demand',
      nextAt: null,
      overdueSince: '2026-03-01T09:00:00.000Z',
    }),
    task({ name: 'long', state: 'running', running: 1 }),
  ];

  test('a failing task says so in STATE, red; the counts follow the table', () => {
    expect(renderTaskList(tasks, NOW, TAGS)).toEqual([
      'NAME    SCHEDULE   STATE                  NEXT              LAST',
      '<b>ok    </b>  every 5m   <green>scheduled            </green>  in 5m (12:05:00)  ' +
        '<green>succeeded, 2m ago</green>',
      '<b>backup</b>  every 5m   <red>scheduled, failing   </red>  in 5m (12:05:00)  ' +
        '<red>exited with code 3, 2m ago</red>',
      '<b>flaky </b>  every 5m   <yellow>auto-held            </yellow>  -                 ' +
        '<red>exited with code 3, 2m ago</red>',
      '<b>sync  </b>  on demand  <red>on-demand, overdue 3h</red>  -                 -',
      '<b>long  </b>  every 5m   <cyan>running              </cyan>  in 5m (12:05:00)  -',
      '5 tasks: <red>1 failing</red>, 1 held, <red>1 overdue</red>, 1 running',
    ]);
  });

  test('without colour the marks are words: "failing" in STATE, the counts under the table', () => {
    const lines = renderTaskList(tasks, NOW, PLAIN_PAINTER);
    expect(lines[2]).toMatch(/^backup +every 5m +scheduled, failing +in 5m/);
    expect(lines[3]).toMatch(/^flaky +every 5m +auto-held +- /);
    expect(lines[4]).toMatch(/^sync +on demand +on-demand, overdue 3h +- /);
    expect(lines.at(-1)).toBe('5 tasks: 1 failing, 1 held, 1 overdue, 1 running');
    expect(lines.join('\n')).not.toContain('\u001b[');
  });

  test.each([
    [{ FORCE_COLOR: '1' }, true],
    [{ NO_COLOR: '1' }, false],
    [{ NO_COLOR: '1', FORCE_COLOR: '1' }, false],
    [{}, false],
  ])('off a terminal with %j: colour %s', async (env, colour) => {
    const paint = await loadPainter(createMemoryIo({ isTTY: false, env }));
    const text = renderTaskList(tasks, NOW, paint).join('\n');
    expect(/\u001b\[31mscheduled, failing +\u001b\[39m/.test(text)).toBe(colour);
    expect(text.includes('\u001b[31m1 failing\u001b[39m')).toBe(colour);
    expect(text.includes('\u001b[')).toBe(colour);
  });

  test('the counts: one task, none failing; nothing red when nothing is wrong', () => {
    expect(describeTaskCounts([task({})], TAGS)).toBe('1 task: 0 failing, 0 held, 0 overdue, 0 running');
  });
});

describe('renderTaskList', () => {
  test('colour is applied after padding, to NAME (bold) and STATE only', () => {
    const lines = renderTaskList(
      [task({ name: 'a' }), task({ name: 'longer', state: 'held', held: true, nextAt: null })],
      NOW,
      TAGS,
    );
    expect(lines).toEqual([
      'NAME    SCHEDULE  STATE      NEXT              LAST',
      '<b>a     </b>  every 5m  <green>scheduled</green>  in 5m (12:05:00)  -',
      '<b>longer</b>  every 5m  <yellow>held     </yellow>  -                 -',
      '2 tasks: 0 failing, 1 held, 0 overdue, 0 running',
    ]);
  });

  test('no tasks: one line that says so', () => {
    expect(renderTaskList([], NOW, TAGS)).toEqual(['no tasks (the tasks file has none)']);
  });
});
