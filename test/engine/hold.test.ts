// DESIGN.md (TaskKit disableTask/enableTask, `hold:`): a held task's scheduled instants pass
// without running (no run records; nextAt keeps moving so `list` shows it); run-now and dependency
// triggers still run; resume continues from the next instant strictly after now, with no
// catch-up for the held time; hold and resume emit task-changed.
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask } from '../support/engine-task.js';

describe('hold and resume', () => {
  test('held instants pass without runs or records; nextAt keeps moving', () => {
    const { clock, runner, scheduler, events } = createEngine('2026-08-01T12:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('10m'), catchUp: 'all' }));
    scheduler.start();
    const held = scheduler.hold('job', 'waiting for the migration');
    expect(held).toMatchObject({
      state: 'held',
      held: true,
      holdNote: 'waiting for the migration',
      heldAt: Date.parse('2026-08-01T12:00:00.000Z'),
    });
    events.length = 0;
    clock.advanceTo('2026-08-01T12:35:00.000Z');
    expect(runner.requests).toEqual([]);
    expect(events.filter(([name]) => name !== 'task-changed')).toEqual([]);
    expect(iso(scheduler.get('job').nextAt)).toBe('2026-08-01T12:40:00.000Z');
  });

  test('resume: the next instant strictly after now, no catch-up for the held time', () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-08-01T12:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('10m'), catchUp: 'all' }));
    scheduler.start();
    scheduler.hold('job');
    clock.advanceTo('2026-08-01T12:35:00.000Z');
    const resumed = scheduler.resume('job');
    expect(resumed).toMatchObject({ state: 'scheduled', held: false, holdNote: null, heldAt: null });
    expect(iso(resumed.nextAt)).toBe('2026-08-01T12:40:00.000Z');
    clock.advanceTo('2026-08-01T12:40:00.000Z');
    expect(runner.requests.map((request) => [request.trigger, iso(request.scheduledAt)])).toEqual([
      ['schedule', '2026-08-01T12:40:00.000Z'],
    ]);
    // The held instants are one row, written at the resume (issue 16.7).
    expect(eventsOf('run-skipped').map((run) => [iso(run.scheduledAt), run.skip, run.error])).toEqual([
      [
        '2026-08-01T12:10:00.000Z',
        { reason: 'held', count: 3, more: false, lastAt: Date.parse('2026-08-01T12:30:00.000Z') },
        'held',
      ],
    ]);
  });

  test('hold and resume emit task-changed with the new state', () => {
    const { scheduler, eventsOf } = createEngine('2026-08-01T12:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('10m') }));
    scheduler.hold('job', 'n');
    scheduler.resume('job');
    expect(eventsOf('task-changed').map((task) => [task.state, task.holdNote])).toEqual([
      ['scheduled', null],
      ['held', 'n'],
      ['scheduled', null],
    ]);
  });

  test('hold: true in the file starts the task held', () => {
    const { scheduler } = createEngine('2026-08-01T12:00:00.000Z');
    expect(scheduler.add(makeTask('job', { schedule: every('10m'), hold: true }))).toMatchObject({
      state: 'held',
      held: true,
      heldAt: Date.parse('2026-08-01T12:00:00.000Z'),
    });
  });

  test('run-now on a held task runs it (trigger manual); it stays held', () => {
    const { runner, scheduler } = createEngine('2026-08-01T12:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('10m') }));
    scheduler.hold('job');
    const record = scheduler.runNow('job');
    expect(record).toMatchObject({
      id: 1,
      task: 'job',
      trigger: 'manual',
      status: 'running',
      scheduledAt: null,
      pid: 1001,
    });
    expect(runner.requests.map((request) => request.trigger)).toEqual(['manual']);
    expect(scheduler.get('job')).toMatchObject({ state: 'running', held: true });
  });

  test('a dependency trigger still runs a held task', async () => {
    const { runner, scheduler } = createEngine('2026-08-01T12:00:00.000Z');
    scheduler.add(makeTask('backup'));
    scheduler.add(makeTask('notify', { after: ['backup'], hold: true }));
    scheduler.runNow('backup');
    runner.finish(1);
    await flush();
    expect(runner.requests.map((request) => [request.task.name, request.trigger])).toEqual([
      ['backup', 'manual'],
      ['notify', 'dependency'],
    ]);
  });

  test('a held @reboot task does not fire at start()', () => {
    const { runner, scheduler } = createEngine('2026-08-01T12:00:00.000Z');
    scheduler.add(makeTask('boot', { schedule: { kind: 'reboot' }, hold: true }));
    scheduler.add(makeTask('boot2', { schedule: { kind: 'reboot' } }));
    scheduler.start();
    expect(runner.requests.map((request) => [request.task.name, request.trigger, request.scheduledAt])).toEqual([
      ['boot2', 'reboot', null],
    ]);
  });
});
