// DESIGN.md command line, `reschedule` (TaskKit setPeriod): a run-time schedule replaces the file's
// until `reschedule --reset` (null) or a file change to that task; it works while the task runs.
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask } from '../support/engine-task.js';

describe('reschedule', () => {
  test('while running: the next instant follows the new schedule; the running run is untouched', async () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2027-02-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('1h') }));
    scheduler.start();
    clock.advanceTo('2027-02-01T01:00:00.000Z');
    const status = scheduler.reschedule('job', every('15m'));
    expect(status).toMatchObject({ state: 'running', rescheduled: true, schedule: every('15m') });
    expect(iso(status.nextAt)).toBe('2027-02-01T01:15:00.000Z');
    expect(runner.cancels).toEqual([]);
    runner.finish(1);
    await flush();
    clock.advanceTo('2027-02-01T01:15:00.000Z');
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual([
      '2027-02-01T01:00:00.000Z',
      '2027-02-01T01:15:00.000Z',
    ]);
    expect(eventsOf('task-changed').at(-1)).toMatchObject({ rescheduled: true });
  });

  test('reset (null): back to the file schedule, from now', () => {
    const { clock, scheduler } = createEngine('2027-02-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('1h') }));
    scheduler.start();
    scheduler.reschedule('job', every('15m'));
    clock.advanceTo('2027-02-01T00:20:00.000Z');
    const status = scheduler.reschedule('job', null);
    expect(status).toMatchObject({ rescheduled: false, schedule: every('1h') });
    expect(iso(status.nextAt)).toBe('2027-02-01T01:00:00.000Z');
  });

  test('to on-demand: no next instant, state on-demand', () => {
    const { scheduler } = createEngine('2027-02-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('1h') }));
    expect(scheduler.reschedule('job', { kind: 'on-demand' })).toMatchObject({ state: 'on-demand', nextAt: null });
  });

  test('an unknown task is TASK_UNKNOWN', () => {
    const { scheduler } = createEngine('2027-02-01T00:00:00.000Z');
    expect(() => scheduler.reschedule('nope', null)).toThrow(
      expect.objectContaining({ code: 'TASK_UNKNOWN', message: 'no task named "nope"' }),
    );
  });
});
