// What survives a restart (issue 4 item 2): the snapshot of an engine TaskStatus (the definition's
// fingerprint is test/config/definition.test.ts's), and the restore rules: a changed definition drops a stale
// reschedule and says so; a changed `hold:` in the file wins; a task that never fired catches up from when it
// was last saved.
import { describe, expect, test } from 'vitest';
import type { RestoredTaskState } from '../../src/engine/ports.js';
import type { SavedTaskState } from '../../src/store/store.js';
import { definitionFingerprint } from '../../src/config/definition.js';
import { restoreTaskState, snapshotTaskState } from '../../src/store/task-restore.js';
import { createEngine, every, makeTask, ms } from '../support/engine-task.js';

const SAVED_AT = ms('2026-07-01T09:00:00.000Z');

function saved(overrides: Partial<SavedTaskState> = {}): SavedTaskState {
  return {
    name: 'job',
    fingerprint: definitionFingerprint(makeTask('job', { schedule: every('1h') })),
    fileHold: false,
    hold: { note: 'maintenance', at: ms('2026-07-01T08:30:00.000Z'), until: null },
    reschedule: every('15m'),
    lastScheduledAt: ms('2026-07-01T08:45:00.000Z'),
    scheduledRuns: 4,
    failedSlots: 2,
    alerts: { failureAlertedAt: ms('2026-07-01T08:00:00.000Z'), overdueAlertedAt: null },
    savedAt: SAVED_AT,
    ...overrides,
  };
}

describe('restoreTaskState', () => {
  const spec = makeTask('job', { schedule: every('1h') });

  test('nothing saved: the file decides everything, nothing to catch up', () => {
    expect(restoreTaskState(spec, null)).toEqual({ state: {}, notice: null });
  });

  test('same definition: hold, reschedule, last instant and counter come back as saved', () => {
    const restored = restoreTaskState(spec, saved());
    expect(restored).toStrictEqual({
      state: {
        lastScheduledAt: ms('2026-07-01T08:45:00.000Z'),
        scheduledRuns: 4,
        failedSlots: 2,
        alerts: { failureAlertedAt: ms('2026-07-01T08:00:00.000Z'), overdueAlertedAt: null },
        schedule: every('15m'),
        hold: { note: 'maintenance', at: ms('2026-07-01T08:30:00.000Z'), until: null },
      },
      notice: null,
    });
    // The engine's type: what the daemon hands to scheduler.add().
    const forEngine: RestoredTaskState = restored.state;
    expect(forEngine.schedule).toEqual(every('15m'));
  });

  test("a resume outlives the file's hold: true (hold null, not absent)", () => {
    const held = makeTask('job', { schedule: every('1h'), hold: true });
    const restored = restoreTaskState(
      held,
      saved({ fingerprint: definitionFingerprint(held), fileHold: true, hold: null }),
    );
    expect(restored.state.hold).toBeNull();
  });

  test('a changed definition drops the reschedule and says so; hold, last instant and counter stay', () => {
    const changed = makeTask('job', {
      schedule: every('1h'),
      action: { kind: 'shell', script: './new.sh', shell: '/bin/sh' },
    });
    expect(restoreTaskState(changed, saved())).toStrictEqual({
      state: {
        lastScheduledAt: ms('2026-07-01T08:45:00.000Z'),
        scheduledRuns: 4,
        failedSlots: 2,
        alerts: { failureAlertedAt: ms('2026-07-01T08:00:00.000Z'), overdueAlertedAt: null },
        schedule: null,
        hold: { note: 'maintenance', at: ms('2026-07-01T08:30:00.000Z'), until: null },
      },
      notice:
        'job: its definition in the tasks file changed since it was rescheduled at run time (every); ' +
        "the reschedule is dropped and the file's schedule applies",
    });
  });

  test('a changed definition without a reschedule has nothing to say', () => {
    const changed = makeTask('job', { schedule: every('2h') });
    expect(restoreTaskState(changed, saved({ reschedule: null })).notice).toBeNull();
  });

  test.each([
    [true, false],
    [false, true],
  ])('hold: in the file changed from %s to %s: the file decides (hold absent)', (before, after) => {
    const now = makeTask('job', { schedule: every('1h'), hold: after });
    const restored = restoreTaskState(now, saved({ fileHold: before }));
    expect('hold' in restored.state).toBe(false);
  });

  test('never fired: catch-up starts from when the task was last saved (a one-shot still ahead then)', () => {
    expect(restoreTaskState(spec, saved({ lastScheduledAt: null })).state.lastScheduledAt).toBe(SAVED_AT);
  });

  // Issue 8 (crash torture): a run's row is written before its process starts, the task's state a
  // moment later; a daemon killed in between must not make catch-up run that instant again.
  test.each([
    [
      'a later stored run wins over the saved instant',
      ms('2026-07-01T08:45:00.000Z'),
      ms('2026-07-01T09:00:00.000Z'),
      ms('2026-07-01T09:00:00.000Z'),
    ],
    [
      'an earlier stored run changes nothing',
      ms('2026-07-01T08:45:00.000Z'),
      ms('2026-07-01T08:00:00.000Z'),
      ms('2026-07-01T08:45:00.000Z'),
    ],
    ['no stored run changes nothing', ms('2026-07-01T08:45:00.000Z'), null, ms('2026-07-01T08:45:00.000Z')],
    [
      'never fired, but a run stored after the save wins over the save time',
      null,
      ms('2026-07-01T09:30:00.000Z'),
      ms('2026-07-01T09:30:00.000Z'),
    ],
  ])('latest stored run instant: %s', (_rule, lastScheduledAt, latestRun, expected) => {
    expect(restoreTaskState(spec, saved({ lastScheduledAt }), latestRun).state.lastScheduledAt).toBe(expected);
  });

  test(
    'nothing saved: stored runs alone restore nothing (a task re-added under an old name does not catch up ' +
      'from its old history)',
    () => {
      expect(restoreTaskState(spec, null, ms('2026-07-01T09:00:00.000Z'))).toEqual({ state: {}, notice: null });
    },
  );

  test('stored state the store could not use: dropped already, and the notice says what (issue 15 point 2)', () => {
    const unusable = 'run-time reschedule (unknown schedule kind "weekly"), so the tasks file\'s schedule applies';
    const restored = restoreTaskState(spec, saved({ reschedule: null, unusable }));
    expect(restored.state.schedule).toBeNull();
    expect(restored.notice).toBe(`job: dropped stored state taskkit cannot use: ${unusable}`);
  });
});

describe('snapshotTaskState', () => {
  test('keeps what the engine says of hold, reschedule, last instant and counter', () => {
    const { scheduler, clock } = createEngine('2026-07-01T08:00:00.000Z');
    const task = makeTask('job', { schedule: every('1h') });
    scheduler.add(task);
    expect(snapshotTaskState(scheduler.get('job'))).toStrictEqual({
      name: 'job',
      fingerprint: definitionFingerprint(task),
      fileHold: false,
      hold: null,
      reschedule: null,
      lastScheduledAt: null,
      scheduledRuns: 0,
      failedSlots: 0,
      alerts: { failureAlertedAt: null, overdueAlertedAt: null },
    });
    scheduler.start();
    clock.advanceTo('2026-07-01T09:00:00.000Z');
    scheduler.hold('job', 'disk full');
    scheduler.reschedule('job', every('10m'));
    expect(snapshotTaskState(scheduler.get('job'))).toStrictEqual({
      name: 'job',
      fingerprint: definitionFingerprint(task),
      fileHold: false,
      hold: { note: 'disk full', at: ms('2026-07-01T09:00:00.000Z'), until: null },
      reschedule: every('10m'),
      lastScheduledAt: ms('2026-07-01T09:00:00.000Z'),
      scheduledRuns: 1,
      failedSlots: 0,
      alerts: { failureAlertedAt: null, overdueAlertedAt: null },
    });
  });
});
