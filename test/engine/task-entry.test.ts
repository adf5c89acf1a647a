// TaskEntry owns a task's engine state (issue 14.1): one hold value changed only by hold/release,
// and a max-runs budget derived from the task's runs (runs started + counted runs still waiting),
// reserved when a counted run is added, spent when it starts, given back when it ends unstarted.
import { describe, expect, test } from 'vitest';
import type { RunPhase } from '../../src/engine/run-phase.js';
import { createRunRecord, markDropped, markStarted } from '../../src/engine/run-record.js';
import type { RunRecord } from '../../src/engine/run.js';
import { TaskEntry, type TrackedRun } from '../../src/engine/task-entry.js';
import type { Trigger } from '../../src/task-context.js';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, makeTask, ms } from '../support/engine-task.js';
import { dates } from '../support/excluded-days.js';
import { announcementDue, taskStatusOf } from '../../src/engine/task-status-of.js';

const NOW = ms('2026-08-01T12:00:00.000Z');

/** A run as an entry sees it: a phase and a record. */
function run(
  id: number,
  trigger: Trigger,
  phase: RunPhase = 'ready',
): TrackedRun & { phase: RunPhase; record: RunRecord } {
  return {
    phase,
    record: createRunRecord({ id, task: 'job', trigger, scheduledAt: null, attempt: 1, createdAt: NOW }),
  };
}

describe('hold', () => {
  test('one value: a new hold, a note change that keeps its start, an until, a release', () => {
    const entry = new TaskEntry(makeTask('job', { schedule: every('1m') }), 0, {}, NOW);
    expect(entry.currentHold).toBeNull();
    entry.hold(undefined, NOW);
    expect(entry.currentHold).toEqual({ note: null, at: NOW, until: null });
    entry.hold('migration', NOW + 5_000);
    expect(entry.currentHold).toEqual({ note: 'migration', at: NOW, until: null });
    entry.hold(undefined, NOW + 9_000, NOW + 60_000);
    expect(entry.currentHold).toEqual({ note: 'migration', at: NOW, until: NOW + 60_000 });
    expect(taskStatusOf(entry)).toMatchObject({ state: 'held', held: true, holdNote: 'migration', heldAt: NOW });
    expect(entry.release()).toBe(true);
    expect(entry.release()).toBe(false);
    expect(taskStatusOf(entry)).toMatchObject({ held: false, holdNote: null, heldAt: null });
  });

  test("the file's hold: true holds from `now`; a restored hold (or resume) wins over it", () => {
    const held = makeTask('job', { schedule: every('1m'), hold: true });
    expect(new TaskEntry(held, 0, {}, NOW).currentHold).toEqual({ note: null, at: NOW, until: null });
    expect(new TaskEntry(held, 0, { hold: null }, NOW).currentHold).toBeNull();
    expect(new TaskEntry(held, 0, { hold: { note: 'n', at: NOW - 1 } }, NOW).currentHold).toEqual({
      note: 'n',
      at: NOW - 1,
      until: null,
    });
  });

  test('redefine: a changed hold: in the file applies from now, an unchanged one leaves the hold alone', () => {
    const entry = new TaskEntry(makeTask('job', { schedule: every('1m') }), 0, {}, NOW);
    entry.hold('note', NOW);
    expect(entry.redefine(makeTask('job', { schedule: every('1m') }), NOW + 1)).toBe(true);
    expect(entry.currentHold).toEqual({ note: 'note', at: NOW, until: null });
    expect(entry.redefine(makeTask('job', { schedule: every('2m'), hold: true }), NOW + 2)).toBe(false);
    expect(entry.currentHold).toEqual({ note: null, at: NOW + 2, until: null });
  });
});

describe('max-runs budget', () => {
  test('reserved by waiting counted runs, spent at start, given back by a run that ends unstarted', () => {
    const entry = new TaskEntry(makeTask('job', { schedule: every('1m'), maxRuns: 3 }), 0, {}, NOW);
    const first = run(1, 'schedule');
    const second = run(2, 'catch-up');
    entry.addRun(first);
    entry.addRun(second);
    entry.addRun(run(3, 'manual'));
    entry.addRun(run(4, 'retry'));
    expect(entry.budget()).toBe(1);
    first.phase = 'running';
    entry.spendBudget(first);
    expect(entry.budget()).toBe(1);
    expect(taskStatusOf(entry).scheduledRuns).toBe(1);
    expect(entry.removeRun(second, markDropped(second.record, NOW, 'cancelled'))).toBe(true);
    expect(entry.budget()).toBe(2);
    expect(entry.removeRun(first, markStarted(first.record, NOW, 1))).toBe(false);
    expect(entry.budget()).toBe(2);
    expect(entry.hasBudget()).toBe(true);
  });

  test('a restored counter counts; no max-runs means no limit', () => {
    const limited = new TaskEntry(makeTask('job', { schedule: every('1m'), maxRuns: 2 }), 0, { scheduledRuns: 2 }, NOW);
    expect(limited.hasBudget()).toBe(false);
    expect(limited.computeNext(NOW)).toBeNull();
    const unlimited = new TaskEntry(makeTask('job', { schedule: every('1m') }), 0, { scheduledRuns: 1_000 }, NOW);
    expect(unlimited.budget()).toBe(Infinity);
  });
});

// Issue 20.4: what an idle task keeps is small; what most tasks never need is made on first use.
describe('made on first use', () => {
  test('the hold-end and dead-man nodes: none until put on the timeline, then one each', () => {
    const entry = new TaskEntry(makeTask('job', { schedule: every('1m') }), 7, {}, NOW);
    expect([entry.madeHoldEndNode, entry.madeOverdueNode]).toEqual([null, null]);
    const holdEnd = entry.holdEndNode;
    expect(holdEnd).toMatchObject({ kind: 'hold-end', entry, seq: 7, heapIndex: -1 });
    expect(entry.holdEndNode).toBe(holdEnd);
    expect(entry.madeHoldEndNode).toBe(holdEnd);
    expect(entry.madeOverdueNode).toBeNull();
    expect(entry.overdueNode).toMatchObject({ kind: 'overdue', entry, seq: 7 });
  });

  test('through the scheduler: a hold with an until still ends, a dead-man task still goes overdue', () => {
    const { scheduler, clock } = createEngine('2026-08-01T12:00:00.000Z');
    scheduler.add(makeTask('plain', { schedule: every('1m') }));
    scheduler.add(makeTask('watched', { schedule: every('1d'), expectSuccessWithinMs: 3_600_000 }));
    scheduler.start();
    scheduler.hold('plain', undefined, clock.now() + 90_000);
    expect(scheduler.get('plain')).toMatchObject({ held: true });
    clock.advanceBy(91_000);
    expect(scheduler.get('plain')).toMatchObject({ held: false });
    expect(scheduler.get('watched').overdueSince).toBeNull();
    clock.advanceTo('2026-08-01T13:00:00.000Z');
    expect(scheduler.get('watched').overdueSince).toBe(ms('2026-08-01T13:00:00.000Z'));
  });

  test('calendars: without except: the entry is its own timing; with one, the timeline reads past the dates', () => {
    const plain = new TaskEntry(makeTask('job', { schedule: every('1h') }), 0, {}, NOW);
    expect(plain.withoutCalendars).toBe(plain);
    expect(plain.exclusion).toBeNull();
    const christmas = [{ name: 'christmas', days: dates('2026-08-01') }];
    const excepted = new TaskEntry(makeTask('job', { schedule: every('1h'), except: christmas }), 0, {}, NOW);
    expect(excepted.withoutCalendars).not.toBe(excepted);
    expect(excepted.withoutCalendars.exclusion).toBeNull();
    expect(excepted.exclusion).not.toBeNull();
    // The timeline's next instant is on the excluded date; the shown one is the first after it.
    expect(excepted.scheduleNext(NOW)).toBe(NOW + 3_600_000);
    excepted.setNextAt(excepted.scheduleNext(NOW));
    expect(taskStatusOf(excepted).nextAt).toBe(ms('2026-08-02T00:00:00.000Z'));
    // A reload that drops the calendars makes the entry its own timing again.
    excepted.redefine(makeTask('job', { schedule: every('1h') }), NOW);
    expect(excepted.withoutCalendars).toBe(excepted);
  });

  test('announcements: the first is due, the same status again is not unless forced, a change is', () => {
    const entry = new TaskEntry(makeTask('job', { schedule: every('1m') }), 0, {}, NOW);
    expect(entry.announcedState).toBeNull();
    expect(announcementDue(entry, false)).toBe(true);
    expect(announcementDue(entry, false)).toBe(false);
    expect(announcementDue(entry, true)).toBe(true);
    entry.setNextAt(NOW + 60_000);
    expect(announcementDue(entry, false)).toBe(true);
    expect([entry.announcedState, entry.announcedNextAt, entry.announcedHeld]).toEqual([
      'scheduled',
      NOW + 60_000,
      false,
    ]);
    entry.hold(null, NOW);
    expect(announcementDue(entry, false)).toBe(true);
    expect(announcementDue(entry, false)).toBe(false);
  });
});

describe('the dead-man watch, a value', () => {
  test('tasks added at one instant share one watch; a success or an overdue replaces only the one task', async () => {
    const { scheduler, runner, clock } = createEngine('2026-08-01T12:00:00.000Z');
    const within = { schedule: every('1d'), expectSuccessWithinMs: 3_600_000 };
    scheduler.add(makeTask('a', within));
    scheduler.add(makeTask('b', within));
    scheduler.start();
    clock.advanceTo('2026-08-01T12:30:00.000Z');
    scheduler.runNow('a');
    const [id] = runner.running();
    runner.finish(id ?? 0, { status: 'succeeded', exitCode: 0 });
    await flush();
    expect(scheduler.get('a').lastSuccessAt).toBe(ms('2026-08-01T12:30:00.000Z'));
    expect(scheduler.get('b').lastSuccessAt).toBeNull();
    clock.advanceTo('2026-08-01T13:00:00.000Z');
    expect(scheduler.get('b').overdueSince).toBe(ms('2026-08-01T13:00:00.000Z'));
    expect(scheduler.get('a').overdueSince).toBeNull();
    clock.advanceTo('2026-08-01T13:30:00.000Z');
    expect(scheduler.get('a').overdueSince).toBe(ms('2026-08-01T13:30:00.000Z'));
  });

  test('never changed in place: entries added at one instant hold one watch until theirs is replaced', () => {
    const first = new TaskEntry(makeTask('a', { schedule: every('1m') }), 0, {}, NOW);
    const second = new TaskEntry(makeTask('b', { schedule: every('1m') }), 1, {}, NOW);
    expect(second.deadMan).toBe(first.deadMan);
    const later = new TaskEntry(makeTask('c', { schedule: every('1m') }), 2, {}, NOW + 1);
    expect(later.deadMan).not.toBe(first.deadMan);
    expect(later.deadMan.watchFrom).toBe(NOW + 1);
    const shared = first.deadMan;
    first.deadMan = first.deadMan.overdue(NOW + 10);
    expect([shared.overdueSince, first.deadMan.overdueSince, second.deadMan.overdueSince]).toEqual([
      null,
      NOW + 10,
      null,
    ]);
    expect(first.deadMan.cleared()).toMatchObject({ overdueSince: null, watchFrom: NOW });
    const restored = new TaskEntry(makeTask('d', { schedule: every('1m') }), 3, { lastSuccessAt: NOW - 5 }, NOW);
    expect(restored.deadMan).toMatchObject({ lastSuccessAt: NOW - 5, watchFrom: NOW - 5, overdueSince: null });
  });
});
