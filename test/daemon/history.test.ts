// daemon/history.ts: at start, runs a crashed daemon left `running` become `interrupted`, each with a
// log line saying whether its process group still runs (and how to kill it); and the control
// socket's history questions answered from a real SQLite store.
import { describe, expect, test, vi } from 'vitest';
import {
  DATABASE_CHECK_MS,
  checkDatabaseOnWakes,
  createHistoryControl,
  describeInterrupted,
  recoverInterruptedRuns,
} from '../../src/daemon/history.js';
import { MAX_TIMER_DELAY_MS } from '../../src/engine/clock.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import { INTERRUPTED_REASON } from '../../src/store/sqlite/runs.js';
import { attachStore } from '../../src/store/attach.js';
import { makeRun, useTempState } from '../store/_support.js';
import { createEngine, every, makeTask } from '../support/engine-task.js';
import { FakeClock } from '../support/fake-clock.js';
import { FakeRunner, flush } from '../support/fake-runner.js';

const temp = useTempState();
const AT = Date.parse('2026-07-02T09:00:00.000Z');

describe('recoverInterruptedRuns', () => {
  test('marks running runs interrupted and logs each: a live group is left alone with the kill command', () => {
    const store = temp.open();
    store.saveRun(makeRun({ id: 1, task: 'done', status: 'succeeded', exitCode: 0, error: null }));
    store.saveRun(
      makeRun({ id: 2, task: 'backup', status: 'running', endedAt: null, exitCode: null, error: null, pid: 5001 }),
    );
    store.saveRun(
      makeRun({ id: 3, task: 'sync', status: 'running', endedAt: null, exitCode: null, error: null, pid: 5002 }),
    );
    store.saveRun(
      makeRun({ id: 4, task: 'report', status: 'running', endedAt: null, exitCode: null, error: null, pid: null }),
    );
    store.flush();
    const logs: [string, string][] = [];
    const asked: [number, number | null][] = [];
    const runs = recoverInterruptedRuns(
      store,
      AT,
      (level, message) => logs.push([level, message]),
      (pgid, startedAt) => {
        asked.push([pgid, startedAt]);
        return pgid === 5001;
      },
    );
    expect(runs.map((run) => [run.id, run.status, run.endedAt, run.error])).toEqual([
      [2, 'interrupted', AT, INTERRUPTED_REASON.running],
      [3, 'interrupted', AT, INTERRUPTED_REASON.running],
      [4, 'interrupted', AT, INTERRUPTED_REASON.running],
    ]);
    expect(asked).toEqual([
      [5001, makeRun().startedAt],
      [5002, makeRun().startedAt],
    ]);
    expect(logs).toEqual([
      [
        'warn',
        'run #2 of backup was interrupted; its process group 5001 is still running and is left alone: ' +
          'kill it with kill -- -5001',
      ],
      [
        'warn',
        'run #3 of sync was interrupted: taskkit stopped while it was running (crash, kill -9 or reboot); ' +
          'its process group 5002 is gone',
      ],
      ['warn', 'run #4 of report was interrupted: taskkit stopped while it was running (crash, kill -9 or reboot)'],
    ]);
    expect(store.getRun(1)?.status).toBe('succeeded');
    // A second start finds nothing left to recover.
    expect(
      recoverInterruptedRuns(
        store,
        AT + 1,
        () => {},
        () => true,
      ),
    ).toEqual([]);
  });

  test('a run that had not started yet says so', () => {
    const queued = makeRun({ id: 9, task: 'late', status: 'interrupted', startedAt: null, pid: null });
    expect(describeInterrupted(queued, false)).toBe(
      'run #9 of late was interrupted before it started (taskkit stopped while it waited)',
    );
  });
});

describe('createHistoryControl', () => {
  test('answers from the store: recent runs, stats, one run, the newest run', () => {
    const store = temp.open();
    store.saveRun(
      makeRun({ id: 1, task: 'backup', status: 'succeeded', exitCode: 0, error: null, output: Buffer.from('one\n') }),
    );
    store.saveRun(makeRun({ id: 2, task: 'backup', status: 'failed', exitCode: 3, output: Buffer.from('two\n') }));
    store.saveRun(makeRun({ id: 3, task: 'report', status: 'succeeded', exitCode: 0, error: null }));
    const control = createHistoryControl(store, createEngine('2026-07-02T09:00:00Z').scheduler);
    expect(control.recentRuns('backup', 1).map((run) => run.id)).toEqual([2]);
    expect(control.recentRuns('backup', 10).map((run) => run.id)).toEqual([2, 1]);
    expect(control.runStats('backup')).toEqual({ task: 'backup', succeeded: 1, failed: 1, successRate: 0.5 });
    expect(String(control.findRun(1)?.output)).toBe('one\n');
    expect(control.findRun(99)).toBeNull();
    expect(String(control.latestRun('backup')?.output)).toBe('two\n');
    expect(control.latestRun('nobody')).toBeNull();
  });

  test(
    "each task's last ended run: read from the store once, then kept up to date from the engine, " + 'without output',
    async () => {
      const store = temp.open();
      store.saveRun(makeRun({ id: 1, task: 'backup', status: 'interrupted', exitCode: null }));
      store.saveRun(makeRun({ id: 2, task: 'report', status: 'running', endedAt: null, exitCode: null }));
      const engine = createEngine('2026-07-02T09:00:00Z', { firstRunId: 3 });
      engine.scheduler.add(makeTask('backup'));
      engine.scheduler.add(makeTask('report'));
      engine.scheduler.start();
      attachStore(engine.scheduler, store);
      const control = createHistoryControl(store, engine.scheduler);
      control.preload();
      expect([
        control.storedLastRun('backup')?.id,
        control.storedLastRun('report'),
        control.storedLastRun('nobody'),
      ]).toEqual([1, null, null]);
      const lastRuns = vi.spyOn(store, 'lastRuns');
      const run = engine.scheduler.runNow('report');
      engine.runner.finish(run.id, {
        status: 'failed',
        exitCode: 5,
        output: Buffer.from('big output\n'),
        outputBytes: 11,
      });
      await flush();
      // A second trigger while backup runs is skipped (overlap: skip): a skipped trigger did not
      // run, so it is no last run (issue 13: LAST is the last run that ran).
      engine.scheduler.runNow('backup');
      engine.scheduler.runNow('backup');
      expect(control.storedLastRun('report')).toMatchObject({ id: run.id, status: 'failed', exitCode: 5 });
      expect(control.storedLastRun('report')).not.toHaveProperty('output');
      expect(control.storedLastRun('backup')).toMatchObject({ id: 1, status: 'interrupted' });
      expect(lastRuns).not.toHaveBeenCalled();
    },
  );
});

describe('checkDatabaseOnWakes', () => {
  test('every timer of the clock checks the database file before its work, and works when the check throws', () => {
    const clock = new FakeClock('2026-07-02T09:00:00.000Z');
    const order: string[] = [];
    let failing = false;
    const store = {
      checkFileUnlessRecent: (withinMs: number): void => {
        order.push(`check within ${withinMs}`);
        if (failing) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      },
    };
    const checked = checkDatabaseOnWakes(clock, store);
    checked.setTimer(10_000, () => order.push('wake 1'));
    const cleared = checked.setTimer(15_000, () => order.push('never'));
    checked.clearTimer(cleared);
    clock.advanceBy(10_000);
    failing = true;
    checked.setTimer(10_000, () => order.push('wake 2'));
    clock.advanceBy(20_000);
    expect(order).toEqual(['check within 1000', 'wake 1', 'check within 1000', 'wake 2']);
    expect(checked.now()).toBe(clock.now());
    expect(checked.monotonic()).toBe(clock.monotonic());
  });

  test("an idle engine's only wakes are its 10 s cap, each checking the file: no timer of its own", async () => {
    const clock = new FakeClock(AT);
    let checks = 0;
    const checked = checkDatabaseOnWakes(clock, { checkFileUnlessRecent: () => void checks++ });
    const scheduler = new Scheduler({ clock: checked, runner: new FakeRunner(), log: () => {} });
    scheduler.add(makeTask('far', { schedule: every('1d') }));
    scheduler.start();
    clock.advanceBy(60_000);
    expect(checks).toBe(6);
    expect(clock.pendingTimers).toBe(1);
    expect(DATABASE_CHECK_MS).toBe(MAX_TIMER_DELAY_MS);
    await scheduler.stop();
  });
});
