// Issue 16.5: `hold NAME --for D` / `--until T` end by themselves at that time, on the engine's
// clock: the held instants before it pass without running, an instant at the end runs, and the
// end survives a restart (saved with the task's state); an end that passed while the daemon was
// down leaves the task resumed, the held time not caught up, the time after it caught up.
import { describe, expect, test } from 'vitest';
import type { TaskSpec } from '../../src/config/types.js';
import type { TaskStatus } from '../../src/engine/task-state.js';
import { restoreTaskState, snapshotTaskState } from '../../src/store/task-restore.js';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask, ms } from '../support/engine-task.js';

/** What a store saves of `status` at `savedAt` and gives back for `spec` at the next start. */
function saveAndRestore(status: TaskStatus, savedAt: number, spec: TaskSpec = status.spec) {
  return restoreTaskState(spec, { ...snapshotTaskState(status), savedAt }).state;
}

describe('hold with an end', () => {
  test('held instants pass without running; the hold ends at its time and the instant there runs', () => {
    const { clock, runner, scheduler, eventsOf, logs } = createEngine('2026-08-01T12:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('10m'), catchUp: 'all' }));
    scheduler.start();
    const held = scheduler.hold('job', 'deploy', ms('2026-08-01T12:30:00.000Z'));
    expect(held).toMatchObject({ state: 'held', holdNote: 'deploy', heldUntil: ms('2026-08-01T12:30:00.000Z') });
    clock.advanceTo('2026-08-01T12:29:59.999Z');
    expect(runner.requests).toEqual([]);
    expect(scheduler.get('job').held).toBe(true);
    clock.advanceTo('2026-08-01T12:30:00.000Z');
    expect(scheduler.get('job')).toMatchObject({ state: 'running', held: false, holdNote: null, heldUntil: null });
    expect(runner.requests.map((request) => [request.trigger, iso(request.scheduledAt)])).toEqual([
      ['schedule', '2026-08-01T12:30:00.000Z'],
    ]);
    expect(eventsOf('task-changed').some((task) => task.state === 'scheduled' && !task.held)).toBe(true);
    expect(logs).toContainEqual(['info', 'job: hold ended (it was held until 2026-08-01T12:30:00.000Z)']);
  });

  test('a task without instants (on demand) is released at the end too, with a task-changed', () => {
    const { clock, scheduler, eventsOf } = createEngine('2026-08-01T12:00:00.000Z');
    scheduler.add(makeTask('adhoc', { schedule: { kind: 'on-demand' } }));
    scheduler.start();
    scheduler.hold('adhoc', undefined, ms('2026-08-03T00:00:00.000Z'));
    clock.advanceTo('2026-08-02T23:59:59.000Z');
    expect(scheduler.get('adhoc').held).toBe(true);
    clock.advanceTo('2026-08-03T00:00:00.000Z');
    expect(scheduler.get('adhoc')).toMatchObject({ state: 'on-demand', held: false });
    expect(eventsOf('task-changed').at(-1)).toMatchObject({ name: 'adhoc', held: false, heldUntil: null });
  });

  test('a longer hold than one timer wait (40 days) ends on time', () => {
    const { clock, scheduler } = createEngine('2026-08-01T12:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('1d') }));
    scheduler.start();
    scheduler.hold('job', undefined, ms('2026-08-01T12:00:00.000Z') + 40 * 86_400_000);
    clock.advanceTo('2026-09-10T11:59:59.000Z');
    expect(scheduler.get('job').held).toBe(true);
    clock.advanceTo('2026-09-10T12:00:00.000Z');
    expect(scheduler.get('job').held).toBe(false);
  });

  test('a resume takes the end away; a later hold without an end lasts until resume', () => {
    const { clock, scheduler } = createEngine('2026-08-01T12:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('10m') }));
    scheduler.start();
    scheduler.hold('job', undefined, ms('2026-08-01T13:00:00.000Z'));
    scheduler.resume('job');
    scheduler.hold('job', 'for good', null);
    clock.advanceTo('2026-08-01T14:00:00.000Z');
    expect(scheduler.get('job')).toMatchObject({ held: true, holdNote: 'for good', heldUntil: null });
  });

  test('holding a held task again moves its end; null makes it last until resume', () => {
    const { clock, scheduler } = createEngine('2026-08-01T12:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('10m') }));
    scheduler.start();
    scheduler.hold('job', undefined, ms('2026-08-01T13:00:00.000Z'));
    scheduler.hold('job', undefined, ms('2026-08-01T15:00:00.000Z'));
    clock.advanceTo('2026-08-01T14:00:00.000Z');
    expect(scheduler.get('job')).toMatchObject({ held: true, heldUntil: ms('2026-08-01T15:00:00.000Z') });
    scheduler.hold('job', undefined, null);
    clock.advanceTo('2026-08-01T16:00:00.000Z');
    expect(scheduler.get('job')).toMatchObject({ held: true, heldUntil: null });
  });

  test('an end not after now is refused and changes nothing', () => {
    const { scheduler } = createEngine('2026-08-01T12:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('10m') }));
    expect(() => scheduler.hold('job', undefined, ms('2026-08-01T12:00:00.000Z'))).toThrow(
      "a hold's end must be after now; 2026-08-01T12:00:00.000Z is not",
    );
    expect(scheduler.get('job').held).toBe(false);
  });
});

describe('hold with an end across a restart', () => {
  const task = makeTask('job', { schedule: every('1h'), catchUp: 'all' });

  test('restarted before the end: still held until it, then the instant at the end runs', () => {
    const before = createEngine('2026-07-01T08:00:00.000Z');
    before.scheduler.add(task);
    before.scheduler.start();
    before.scheduler.hold('job', 'maintenance', ms('2026-07-01T11:00:00.000Z'));
    before.clock.advanceTo('2026-07-01T08:30:00.000Z');
    const restored = saveAndRestore(before.scheduler.get('job'), ms('2026-07-01T08:30:00.000Z'));

    const after = createEngine('2026-07-01T09:30:00.000Z');
    expect(after.scheduler.add(task, restored)).toMatchObject({
      held: true,
      holdNote: 'maintenance',
      heldUntil: ms('2026-07-01T11:00:00.000Z'),
    });
    after.scheduler.start();
    expect(after.runner.requests).toEqual([]);
    after.clock.advanceTo('2026-07-01T11:00:00.000Z');
    expect(after.runner.requests.map((request) => [request.trigger, iso(request.scheduledAt)])).toEqual([
      ['schedule', '2026-07-01T11:00:00.000Z'],
    ]);
  });

  test('the end passed while down: not held; instants before it are not caught up, those after are', async () => {
    const before = createEngine('2026-07-01T08:00:00.000Z');
    before.scheduler.add(task);
    before.scheduler.start();
    before.scheduler.hold('job', 'maintenance', ms('2026-07-01T10:00:00.000Z'));
    before.clock.advanceTo('2026-07-01T08:30:00.000Z');
    const restored = saveAndRestore(before.scheduler.get('job'), ms('2026-07-01T08:30:00.000Z'));

    const after = createEngine('2026-07-01T12:20:00.000Z');
    expect(after.scheduler.add(task, restored)).toMatchObject({ state: 'scheduled', held: false, heldUntil: null });
    after.scheduler.start();
    // 09:00 was held (one held row, #1); 10:00 (the end), 11:00 and 12:00 were missed while down: catch-up all.
    expect(
      after.eventsOf('run-skipped').map((run) => [run.id, iso(run.scheduledAt), run.error, run.skip?.count]),
    ).toEqual([[1, '2026-07-01T09:00:00.000Z', 'held (maintenance)', 1]]);
    for (const id of [2, 3]) {
      after.runner.finish(id);
      await flush();
    }
    expect(after.runner.requests.map((request) => [request.trigger, iso(request.scheduledAt)])).toEqual([
      ['catch-up', '2026-07-01T10:00:00.000Z'],
      ['catch-up', '2026-07-01T11:00:00.000Z'],
      ['catch-up', '2026-07-01T12:00:00.000Z'],
    ]);
    expect(after.logs).toContainEqual([
      'info',
      'job: hold ended while taskkit was down (held until 2026-07-01T10:00:00.000Z)',
    ]);
    // Saved again, the state says resumed: a second restart neither holds it nor catches up 09:00.
    const again = saveAndRestore(after.scheduler.get('job'), ms('2026-07-01T12:20:00.000Z'));
    expect(again.hold).toBeNull();
    expect(iso(again.lastScheduledAt)).toBe('2026-07-01T12:00:00.000Z');
  });

  test('the end passed while down, nothing missed after it: the held instants still count as dealt with', () => {
    const before = createEngine('2026-07-01T08:00:00.000Z');
    before.scheduler.add(task);
    before.scheduler.hold('job', undefined, ms('2026-07-01T10:30:00.000Z'));
    const restored = saveAndRestore(before.scheduler.get('job'), ms('2026-07-01T08:00:00.000Z'));

    const after = createEngine('2026-07-01T10:40:00.000Z');
    after.scheduler.add(task, restored);
    after.scheduler.start();
    expect(after.runner.requests).toEqual([]);
    // 09:00 and 10:00 were held: one row (issue 16.7), nothing caught up.
    expect(
      after
        .eventsOf('run-skipped')
        .map((run) => [iso(run.scheduledAt), run.error, run.skip?.count, iso(run.skip?.lastAt ?? null)]),
    ).toEqual([['2026-07-01T09:00:00.000Z', 'held', 2, '2026-07-01T10:00:00.000Z']]);
    expect(iso(after.scheduler.get('job').lastScheduledAt)).toBe('2026-07-01T10:00:00.000Z');
    expect(iso(after.scheduler.get('job').nextAt)).toBe('2026-07-01T11:00:00.000Z');
  });
});
