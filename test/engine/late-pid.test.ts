// A process run whose pid comes after start() returned (the daemon's spawner: RunHandle.whenPid):
// `run-started` is said once, with the pid, when it comes; a run that ends without one is said
// started (pid null) just before its end, so every listener sees started then finished. Fake clock.
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, makeTask } from '../support/engine-task.js';

describe('a pid that comes later', () => {
  test('run-started waits for the pid; the record and the in-flight view carry it', async () => {
    const { runner, scheduler, eventsOf } = createEngine('2027-07-01T00:00:00.000Z');
    runner.latePids = true;
    scheduler.add(makeTask('job'));
    expect(scheduler.runNow('job')).toMatchObject({ id: 1, status: 'running', pid: null });
    expect(eventsOf('run-started')).toEqual([]);
    runner.tellPid(1, 4242);
    expect(eventsOf('run-started')).toEqual([expect.objectContaining({ id: 1, status: 'running', pid: 4242 })]);
    expect(scheduler.runsInFlight()).toEqual([expect.objectContaining({ id: 1, pid: 4242 })]);
    runner.emitOutput(1, 'hi\n');
    expect(eventsOf('run-output')).toEqual([expect.objectContaining({ id: 1, pid: 4242 })]);
    runner.finish(1);
    await flush();
    expect(eventsOf('run-finished')).toEqual([expect.objectContaining({ id: 1, status: 'succeeded', pid: 4242 })]);
    expect(eventsOf('run-started')).toHaveLength(1);
  });

  test('no pid ever (the process did not start): started (pid null), then finished, in that order', async () => {
    const { runner, scheduler, events } = createEngine('2027-07-01T00:00:00.000Z');
    runner.latePids = true;
    scheduler.add(makeTask('job'));
    scheduler.runNow('job');
    runner.finish(1, { status: 'failed', exitCode: null, error: 'command not found: nope' });
    await flush();
    const runEvents = events.filter(([name]) => name === 'run-started' || name === 'run-finished');
    expect(runEvents.map(([name, run]) => [name, (run as { pid: number | null }).pid])).toEqual([
      ['run-started', null],
      ['run-finished', null],
    ]);
  });

  test('a cancel before the pid reaches the runner; a pid after the end is ignored', async () => {
    const { runner, scheduler, eventsOf } = createEngine('2027-07-01T00:00:00.000Z');
    runner.latePids = true;
    scheduler.add(makeTask('job'));
    scheduler.runNow('job');
    scheduler.cancel('job');
    expect(runner.cancels).toEqual([{ runId: 1, reason: 'cancel' }]);
    await flush();
    expect(eventsOf('run-finished')).toEqual([expect.objectContaining({ id: 1, status: 'cancelled', pid: null })]);
    runner.tellPid(1, 4242);
    expect(eventsOf('run-started')).toEqual([expect.objectContaining({ id: 1, pid: null })]);
  });
});
