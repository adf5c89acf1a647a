// DESIGN.md "Runs" (the task context's handle on its own schedule, TaskKit's setPeriod /
// runOnCompletion / disable): setPeriod(period) reschedules to `every` that period (a duration
// string, or ms), anchored like the file's default; runOnCompletion() starts one more run right
// after this one ends (trigger 'manual'); hold(note) holds the task. All work while running.
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask } from '../support/engine-task.js';

describe('the run handle', () => {
  test('setPeriod("10m") while running: every 10m from the default anchor, effective at once', () => {
    const { clock, runner, scheduler } = createEngine('2027-03-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('1h'), timezone: 'Europe/Berlin' }));
    scheduler.start();
    clock.advanceTo('2027-03-01T00:00:00.000Z');
    scheduler.runNow('job');
    runner.request(1).handle.setPeriod('10m');
    expect(scheduler.get('job')).toMatchObject({
      rescheduled: true,
      schedule: every('10m', undefined, 'Europe/Berlin'),
    });
    expect(iso(scheduler.get('job').nextAt)).toBe('2027-03-01T00:10:00.000Z');
  });

  test('setPeriod(90_000) takes milliseconds', () => {
    const { runner, scheduler } = createEngine('2027-03-01T00:00:00.000Z');
    scheduler.add(makeTask('job'));
    scheduler.runNow('job');
    runner.request(1).handle.setPeriod(90_000);
    expect(scheduler.get('job').schedule).toEqual(every('1m30s'));
    expect(iso(scheduler.get('job').nextAt)).toBe('2027-03-01T00:01:30.000Z');
  });

  test('setPeriod with a bad period throws USAGE and changes nothing', () => {
    const { runner, scheduler } = createEngine('2027-03-01T00:00:00.000Z');
    scheduler.add(makeTask('job'));
    scheduler.runNow('job');
    expect(() => runner.request(1).handle.setPeriod('soon')).toThrow(
      expect.objectContaining({
        code: 'USAGE',
        message: 'setPeriod: expected a duration like "90s", "5m" or "1h30m", got "soon"',
      }),
    );
    expect(() => runner.request(1).handle.setPeriod(10)).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(scheduler.get('job')).toMatchObject({ rescheduled: false, nextAt: null });
  });

  test('runOnCompletion: one more run (manual) right after this one ends, however often it is called', async () => {
    const { runner, scheduler } = createEngine('2027-03-01T00:00:00.000Z');
    scheduler.add(makeTask('job'));
    scheduler.runNow('job');
    runner.request(1).handle.runOnCompletion();
    runner.request(1).handle.runOnCompletion();
    expect(runner.requests.length).toBe(1);
    runner.finish(1);
    await flush();
    expect(runner.requests.map((request) => [request.runId, request.trigger])).toEqual([
      [1, 'manual'],
      [2, 'manual'],
    ]);
    runner.finish(2);
    await flush();
    expect(runner.requests.length).toBe(2);
  });

  test('runOnCompletion is not honoured for a run that was cancelled', async () => {
    const { runner, scheduler } = createEngine('2027-03-01T00:00:00.000Z');
    scheduler.add(makeTask('job'));
    scheduler.runNow('job');
    runner.request(1).handle.runOnCompletion();
    scheduler.cancel('job');
    await flush();
    expect(runner.requests.length).toBe(1);
  });

  test('hold(note) while running: held after the run, no scheduled runs', async () => {
    const { clock, runner, scheduler } = createEngine('2027-03-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('1m') }));
    scheduler.start();
    clock.advanceTo('2027-03-01T00:01:00.000Z');
    runner.request(1).handle.hold('quota exhausted');
    expect(scheduler.get('job')).toMatchObject({ state: 'running', held: true, holdNote: 'quota exhausted' });
    runner.finish(1);
    await flush();
    clock.advanceTo('2027-03-01T00:05:00.000Z');
    expect(runner.requests.length).toBe(1);
    expect(scheduler.get('job').state).toBe('held');
  });

  test('after remove(), handle calls are ignored with a warning', () => {
    const { runner, scheduler, logs } = createEngine('2027-03-01T00:00:00.000Z');
    scheduler.add(makeTask('job'));
    scheduler.runNow('job');
    scheduler.remove('job');
    runner.request(1).handle.setPeriod('5m');
    runner.request(1).handle.hold();
    expect(logs.filter(([, message]) => message.startsWith('job #1'))).toEqual([
      ['warn', 'job #1: setPeriod ignored, the task was removed'],
      ['warn', 'job #1: hold ignored, the task was removed'],
    ]);
  });

  test('setPeriod called synchronously inside runner.start (an in-process function) is not undone by the wake', () => {
    const { clock, runner, scheduler } = createEngine('2027-03-01T00:00:00.000Z');
    const start = runner.start.bind(runner);
    runner.start = (request, onOutput) => {
      const handle = start(request, onOutput);
      request.handle.setPeriod('10m');
      return handle;
    };
    scheduler.add(makeTask('job', { schedule: every('1h') }));
    scheduler.start();
    clock.advanceTo('2027-03-01T01:00:00.000Z');
    expect(scheduler.get('job')).toMatchObject({ rescheduled: true, schedule: every('10m') });
    expect(iso(scheduler.get('job').nextAt)).toBe('2027-03-01T01:10:00.000Z');
  });
});
