// Issue 16.6: checkHealth's rules on engine statuses (fake clock): a failed run is CRITICAL once
// its slot is over (no retry waiting), a held task WARNING unless held tasks are OK, ignored tasks
// are left out of everything; the worst problem decides the state.
import { describe, expect, test } from 'vitest';
import { renderHealthLine } from '../../src/cli/format/health.js';
import { checkHealth, type HealthOptions } from '../../src/control/health.js';
import { toTaskView } from '../../src/control/views.js';
import type { TaskStatus } from '../../src/engine/task-state.js';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, makeTask } from '../support/engine-task.js';

const DEFAULTS: HealthOptions = { ignore: new Set(), heldOk: false };
const lastRun = (task: TaskStatus) => task.lastRun;

describe('checkHealth', () => {
  test('a failed run with a retry waiting is not failing yet; once the last attempt failed, CRITICAL', async () => {
    const { clock, runner, scheduler } = createEngine('2026-08-01T12:00:00.000Z');
    scheduler.add(makeTask('backup', { retry: { attempts: 1, delayMs: 60_000, backoff: 1, maxDelayMs: 60_000 } }));
    scheduler.start();
    scheduler.runNow('backup');
    runner.finish(1, { status: 'failed', exitCode: 3 });
    await flush();
    expect(checkHealth(scheduler.list(), lastRun, DEFAULTS)).toMatchObject({ state: 'OK', problems: [] });
    clock.advanceTo('2026-08-01T12:01:00.000Z');
    runner.finish(2, { status: 'failed', exitCode: 3 });
    await flush();
    const view = checkHealth(scheduler.list(), lastRun, DEFAULTS);
    expect(view).toMatchObject({
      state: 'CRITICAL',
      counts: { tasks: 1, failing: 1, held: 0, running: 0 },
      problems: [{ task: 'backup', kind: 'failing', severity: 'CRITICAL', run: { id: 2, exitCode: 3 } }],
    });
  });

  test('held: WARNING, or OK with heldOk; CRITICAL wins; ignored tasks count nowhere', async () => {
    const { runner, scheduler } = createEngine('2026-08-01T12:00:00.000Z');
    scheduler.add(makeTask('report', { schedule: every('1h') }));
    scheduler.add(makeTask('backup'));
    scheduler.hold('report', 'migration');
    expect(checkHealth(scheduler.list(), lastRun, DEFAULTS)).toMatchObject({
      state: 'WARNING',
      counts: { tasks: 2, failing: 0, held: 1, running: 0 },
      problems: [{ task: 'report', kind: 'held', severity: 'WARNING', note: 'migration', heldUntil: null }],
    });
    expect(checkHealth(scheduler.list(), lastRun, { ...DEFAULTS, heldOk: true })).toMatchObject({
      state: 'OK',
      counts: { held: 1 },
      problems: [],
    });
    scheduler.runNow('backup');
    expect(checkHealth(scheduler.list(), lastRun, DEFAULTS).counts.running).toBe(1);
    runner.finish(1, { status: 'timed-out', exitCode: null });
    await flush();
    expect(checkHealth(scheduler.list(), lastRun, DEFAULTS).state).toBe('CRITICAL');
    expect(checkHealth(scheduler.list(), lastRun, { ignore: new Set(['backup', 'report']), heldOk: false })).toEqual({
      state: 'OK',
      counts: { tasks: 0, failing: 0, overdue: 0, held: 0, running: 0 },
      problems: [],
      ignored: ['report', 'backup'],
    });
  });

  test('overdue (expect-success-within): CRITICAL until a run succeeds; the plugin line names it', async () => {
    const { clock, runner, scheduler } = createEngine('2026-08-01T12:00:00.000Z');
    scheduler.add(makeTask('sync', { expectSuccessWithinMs: 3_600_000 }));
    scheduler.start();
    expect(checkHealth(scheduler.list(), lastRun, DEFAULTS).state).toBe('OK');
    clock.advanceTo('2026-08-01T16:00:00.000Z');
    const view = checkHealth(scheduler.list(), lastRun, DEFAULTS);
    expect(view).toMatchObject({
      state: 'CRITICAL',
      counts: { tasks: 1, failing: 0, overdue: 1 },
      problems: [{ task: 'sync', kind: 'overdue', severity: 'CRITICAL', overdueSince: '2026-08-01T13:00:00.000Z' }],
    });
    expect(renderHealthLine(view, clock.now())).toBe(
      'TASKKIT CRITICAL - 1 of 1 task overdue: sync (overdue 3h) | tasks=1 failing=0 held=0 overdue=1 running=0',
    );
    const run = scheduler.runNow('sync');
    runner.finish(run.id);
    await flush();
    expect(checkHealth(scheduler.list(), lastRun, DEFAULTS)).toMatchObject({ state: 'OK', problems: [] });
  });

  test('auto-held (hold-after-failures): WARNING, not CRITICAL for its failure, not covered by heldOk', async () => {
    const { clock, runner, scheduler } = createEngine('2026-08-01T12:00:00.000Z');
    scheduler.add(makeTask('sync', { schedule: every('1m'), holdAfterFailures: 1 }));
    scheduler.start();
    clock.advanceTo('2026-08-01T12:01:00.000Z');
    runner.finish(1, { status: 'failed', exitCode: 1 });
    await flush();
    for (const heldOk of [false, true]) {
      expect(checkHealth(scheduler.list(), lastRun, { ...DEFAULTS, heldOk })).toMatchObject({
        state: 'WARNING',
        counts: { tasks: 1, failing: 0, held: 1, running: 0 },
        problems: [
          {
            task: 'sync',
            kind: 'auto-held',
            severity: 'WARNING',
            note: 'auto-held after 1 consecutive failures',
            failures: 1,
            heldAt: '2026-08-01T12:01:00.000Z',
          },
        ],
      });
    }
  });

  test("list's failing (issue 16.8) is check's CRITICAL failing, at each step of a slot and an auto-hold", async () => {
    const { clock, runner, scheduler } = createEngine('2026-08-01T12:00:00.000Z');
    const retry = { attempts: 1, delayMs: 60_000, backoff: 1, maxDelayMs: 60_000 };
    scheduler.add(makeTask('backup', { retry }));
    scheduler.add(makeTask('report'));
    scheduler.add(makeTask('sync', { schedule: every('90s'), holdAfterFailures: 1 }));
    scheduler.start();
    const agree = (expected: readonly string[]): void => {
      const listed = scheduler.list().map((task) => toTaskView(task, 'UTC', null));
      const checked = checkHealth(scheduler.list(), lastRun, DEFAULTS).problems;
      expect(listed.filter((view) => view.failing).map((view) => view.name)).toEqual(expected);
      expect(checked.filter((problem) => problem.kind === 'failing').map((problem) => problem.task)).toEqual(expected);
    };
    agree([]);
    scheduler.runNow('report');
    runner.finish(1, { status: 'interrupted', exitCode: null });
    await flush();
    agree(['report']);
    scheduler.runNow('backup');
    runner.finish(2, { status: 'failed', exitCode: 3 });
    await flush();
    agree(['report']); // its retry waits
    clock.advanceTo('2026-08-01T12:01:00.000Z');
    runner.finish(3, { status: 'failed', exitCode: 3 });
    await flush();
    agree(['backup', 'report']);
    // sync's first slot fails: auto-held, a WARNING in check, so not failing in either.
    clock.advanceTo('2026-08-01T12:01:30.000Z');
    runner.finish(4, { status: 'failed', exitCode: 1 });
    await flush();
    expect(scheduler.list().find((task) => task.name === 'sync')).toMatchObject({ autoHeld: true });
    agree(['backup', 'report']);
  });
});
