// cli/format/reload-plan.ts: the plan of `reload --dry-run` as a person reads it.
import { expect, test } from 'vitest';
import type { ReloadPlanView, TaskPlanView } from '../../../src/control/reload-plan-view.js';
import { describeKeyChange, renderReloadPlan } from '../../../src/cli/format/reload-plan.js';
import { PLAIN_PAINTER } from '../../../src/cli/io.js';
import { pinProcessZone } from '../../support/process-zone.js';

// Start times print in the local zone.
pinProcessZone('UTC');

const now = Date.parse('2026-07-01T07:00:00Z');
const task = (overrides: Partial<TaskPlanView> & Pick<TaskPlanView, 'name' | 'change'>): TaskPlanView => ({
  schedule: 'every 1h',
  keys: [],
  redefined: true,
  running: [],
  waiting: 0,
  droppedReschedule: null,
  hold: null,
  ...overrides,
});
const plan = (overrides: Partial<ReloadPlanView>): ReloadPlanView => ({
  configPath: '/t/tasks.yaml',
  daemonConfigPath: '/t/tasks.yaml',
  tasks: [],
  settings: [],
  unchanged: 0,
  ...overrides,
});

test('add, change with its runs, remove, settings, the unchanged count', () => {
  const lines = renderReloadPlan(
    plan({
      tasks: [
        task({ name: 'old-sync', change: 'remove', waiting: 1 }),
        task({
          name: 'report',
          change: 'change',
          schedule: 'daily 06:30',
          keys: [
            { key: 'schedule', before: 'daily 07:00', after: 'daily 06:30' },
            { key: 'timeout', before: '5m', after: '10m' },
          ],
          running: [{ id: 41, startedAt: '2026-07-01T06:30:02.000Z' }],
        }),
        task({ name: 'cleanup', change: 'add' }),
      ],
      settings: [{ key: 'max-concurrent', before: '4', after: '8', needsRestart: true }],
      unchanged: 12,
    }),
    now,
    PLAIN_PAINTER,
  );
  expect(lines).toEqual([
    'reload would:',
    '  remove  old-sync  (every 1h)',
    '                    its waiting run is dropped',
    '  change  report    schedule: daily 07:00 -> daily 06:30; timeout: 5m -> 10m',
    '                    its running run #41 (started 06:30:02) keeps the old definition until it ends',
    '  add     cleanup   (every 1h)',
    '  settings: max-concurrent: 4 -> 8 (a reload keeps the old value: it takes effect at the next start)',
    'nothing else changes (12 tasks unchanged)',
  ]);
});

test('nothing to do', () => {
  expect(renderReloadPlan(plan({ unchanged: 1 }), now, PLAIN_PAINTER)).toEqual([
    'reload would change nothing (1 task unchanged)',
  ]);
});

test('another file than the daemon runs is named', () => {
  const [header] = renderReloadPlan(plan({ configPath: '/tmp/new.yaml', unchanged: 3 }), now, PLAIN_PAINTER);
  expect(header).toBe(
    'if the daemon ran /tmp/new.yaml instead of /t/tasks.yaml, reload would change nothing (3 tasks unchanged)',
  );
});

test('holds, reschedules, notify only, removed runs, adopted runs', () => {
  const lines = renderReloadPlan(
    plan({
      tasks: [
        task({
          name: 'gone',
          change: 'remove',
          running: [
            { id: 3, startedAt: '2026-07-01T06:59:00.000Z' },
            { id: 4, startedAt: null },
          ],
          waiting: 2,
        }),
        task({
          name: 'a',
          change: 'change',
          keys: [{ key: 'hold', before: 'false', after: 'true' }],
          hold: 'begins',
          waiting: 1,
        }),
        task({ name: 'b', change: 'change', keys: [{ key: 'hold', before: 'true', after: 'false' }], hold: 'ends' }),
        task({
          name: 'c',
          change: 'change',
          keys: [{ key: 'cwd', before: '/a', after: '/b' }],
          hold: 'kept',
          droppedReschedule: 'every 5m',
          waiting: 2,
        }),
        task({
          name: 'd',
          change: 'change',
          keys: [{ key: 'notify', before: null, after: 'run ./page.sh (on failure; after 1)' }],
          redefined: false,
        }),
        task({ name: 'back', change: 'add', running: [{ id: 9, startedAt: '2026-07-01T06:00:00.000Z' }] }),
      ],
    }),
    now,
    PLAIN_PAINTER,
  );
  expect(lines.slice(1, -1)).toEqual([
    '  remove  gone  (every 1h)',
    '                its running runs #3 (started 06:59:00), #4 (starting) go on as orphaned ' +
      '(taskkit cancel gone stops them)',
    '                its 2 waiting runs are dropped',
    '  change  a     hold: false -> true',
    '                held (hold: true): its scheduled runs not started yet are dropped; retries and run-now go on',
    '  change  b     hold: true -> false',
    '                its hold ends (the file no longer says hold: true)',
    '  change  c     cwd: /a -> /b',
    '                its 2 waiting runs stay and start with the new definition',
    "                its run-time reschedule (every 5m) is dropped: the file's schedule applies",
    '                stays held (taskkit resume ends the hold)',
    '  change  d     notify: (none) -> run ./page.sh (on failure; after 1)',
    '                only notify or calendar dates: it keeps its next instant, reschedule and alert state',
    '  add     back  (every 1h)',
    '                its running run #9 (started 06:00:00) (of the task removed earlier) becomes its own: ' +
      'its overlap counts them',
  ]);
});

test('key changes: a secret, a value unset, control characters escaped', () => {
  expect(describeKeyChange({ key: 'env.TOKEN', before: '(secret)', after: '(secret)' })).toBe(
    'env.TOKEN: (secret) changed',
  );
  expect(describeKeyChange({ key: 'group', before: 'db', after: null })).toBe('group: db -> (none)');
  expect(describeKeyChange({ key: 'description', before: null, after: 'a\u001b[31mb' })).not.toContain('\u001b');
});

test('many keys go one per line', () => {
  const keys = ['description', 'cwd', 'timeout', 'kill-after', 'jitter'].map((key) => ({
    key,
    before: 'a rather long old value',
    after: 'a rather long new value',
  }));
  const lines = renderReloadPlan(plan({ tasks: [task({ name: 'x', change: 'change', keys })] }), now, PLAIN_PAINTER);
  expect(lines.slice(1, 6)).toEqual([
    '  change  x  description: a rather long old value -> a rather long new value',
    '             cwd: a rather long old value -> a rather long new value',
    '             timeout: a rather long old value -> a rather long new value',
    '             kill-after: a rather long old value -> a rather long new value',
    '             jitter: a rather long old value -> a rather long new value',
  ]);
});
