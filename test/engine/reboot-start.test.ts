// Scheduler.start({ rebootTasks }): the daemon says whether this boot's `@reboot` tasks still have
// to run (daemon/reboot-tasks.ts); the engine fires them, or skips them without a record, while
// every other task starts as always.
import { describe, expect, test } from 'vitest';
import { createEngine, every, makeTask } from '../support/engine-task.js';

const START = '2026-08-01T12:00:00.000Z';

function engineWithBootTasks() {
  const engine = createEngine(START);
  engine.scheduler.add(makeTask('boot', { schedule: { kind: 'reboot' } }));
  engine.scheduler.add(makeTask('held-boot', { schedule: { kind: 'reboot' }, hold: true }));
  engine.scheduler.add(makeTask('tick', { schedule: every('1m') }));
  return engine;
}

const requested = (engine: ReturnType<typeof createEngine>) =>
  engine.runner.requests.map((request) => [request.task.name, request.trigger, request.scheduledAt]);

describe('start: @reboot tasks', () => {
  test('fire (the default): the @reboot task runs at once, a held one leaves a held record', () => {
    const engine = engineWithBootTasks();
    engine.scheduler.start();
    expect(requested(engine)).toEqual([['boot', 'reboot', null]]);
    expect(engine.eventsOf('run-skipped').map((run) => [run.task, run.trigger, run.skip?.reason])).toEqual([
      ['held-boot', 'reboot', 'held'],
    ]);
  });

  test("skip: no run and no record for this boot's @reboot tasks; other tasks keep their instants", () => {
    const engine = engineWithBootTasks();
    engine.scheduler.start({ rebootTasks: 'skip' });
    expect(requested(engine)).toEqual([]);
    expect(engine.eventsOf('run-skipped')).toEqual([]);
    expect(engine.scheduler.get('boot')).toMatchObject({ state: 'on-demand', nextAt: null, running: [] });
    engine.clock.advanceBy(60_000);
    expect(requested(engine)).toEqual([['tick', 'schedule', Date.parse('2026-08-01T12:01:00.000Z')]]);
    // A skipped boot is no hold on the task: run-now still runs it.
    engine.scheduler.runNow('boot');
    expect(requested(engine).at(-1)).toEqual(['boot', 'manual', null]);
  });

  test("fire explicitly is the default's behaviour", () => {
    const engine = engineWithBootTasks();
    engine.scheduler.start({ rebootTasks: 'fire' });
    expect(requested(engine)).toEqual([['boot', 'reboot', null]]);
  });
});
