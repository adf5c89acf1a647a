// DESIGN.md task options and src/engine/task-state.ts: a scheduled task is 'done' when it has no
// next instant: its one-shot instants passed, `max-runs` reached (scheduled + catch-up runs
// count, manual ones do not), or `until` passed (no instant >= until fires).
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask, ms } from '../support/engine-task.js';

describe('done', () => {
  test('max-runs 3: three scheduled runs, then done; manual runs do not count', async () => {
    const { clock, runner, scheduler } = createEngine('2027-01-01T00:00:00.000Z');
    scheduler.add(makeTask('three', { schedule: every('1m'), maxRuns: 3 }));
    scheduler.start();
    scheduler.runNow('three');
    runner.finish(1);
    await flush();
    for (const minute of [1, 2, 3]) {
      clock.advanceTo(`2027-01-01T00:0${minute}:00.000Z`);
      runner.finish(runner.running()[0] as number);
      await flush();
    }
    clock.advanceTo('2027-01-01T00:10:00.000Z');
    expect(runner.requests.map((request) => [request.trigger, iso(request.scheduledAt)])).toEqual([
      ['manual', null],
      ['schedule', '2027-01-01T00:01:00.000Z'],
      ['schedule', '2027-01-01T00:02:00.000Z'],
      ['schedule', '2027-01-01T00:03:00.000Z'],
    ]);
    expect(scheduler.get('three')).toMatchObject({ state: 'done', nextAt: null, scheduledRuns: 3 });
  });

  test('max-runs: nextAt is null as soon as the last counted run is triggered', () => {
    const { clock, scheduler } = createEngine('2027-01-01T00:00:00.000Z');
    scheduler.add(makeTask('one', { schedule: every('1m'), maxRuns: 1 }));
    scheduler.start();
    clock.advanceTo('2027-01-01T00:01:00.000Z');
    expect(scheduler.get('one')).toMatchObject({ state: 'running', nextAt: null, scheduledRuns: 1 });
  });

  test('max-runs: a scheduled run skipped by its deadline gives its budget back', async () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2027-01-01T00:00:00.000Z', { maxConcurrent: 1 });
    scheduler.add(makeTask('blocker'));
    scheduler.add(makeTask('one', { schedule: every('1m'), maxRuns: 1, deadlineMs: 1_000 }));
    scheduler.start();
    scheduler.runNow('blocker');
    clock.advanceTo('2027-01-01T00:01:00.000Z');
    expect(scheduler.get('one')).toMatchObject({ nextAt: null, queued: 1 });
    clock.advanceTo('2027-01-01T00:01:05.000Z');
    runner.finish(1);
    await flush();
    expect(eventsOf('run-skipped').map((run) => [run.task, run.error])).toEqual([
      ['one', 'would start 5s after its instant, past its deadline of 1s'],
    ]);
    expect(scheduler.get('one')).toMatchObject({ state: 'scheduled', scheduledRuns: 0 });
    expect(iso(scheduler.get('one').nextAt)).toBe('2027-01-01T00:02:00.000Z');
  });

  test('max-runs: a cancelled waiting scheduled run gives its budget back too', () => {
    const { clock, scheduler } = createEngine('2027-01-01T00:00:00.000Z', { maxConcurrent: 1 });
    scheduler.add(makeTask('blocker'));
    scheduler.add(makeTask('one', { schedule: every('1m'), maxRuns: 1 }));
    scheduler.start();
    scheduler.runNow('blocker');
    clock.advanceTo('2027-01-01T00:01:00.000Z');
    scheduler.cancel('one');
    expect(scheduler.get('one')).toMatchObject({ state: 'scheduled', scheduledRuns: 0, queued: 0 });
    expect(iso(scheduler.get('one').nextAt)).toBe('2027-01-01T00:02:00.000Z');
  });

  test('until: no instant at or after it fires; then done', () => {
    const { clock, runner, scheduler } = createEngine('2027-01-01T00:00:00.000Z');
    scheduler.add(
      makeTask('limited', { schedule: every('1m'), until: ms('2027-01-01T00:03:00.000Z'), overlap: 'allow' }),
    );
    scheduler.start();
    clock.advanceTo('2027-01-01T00:10:00.000Z');
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual([
      '2027-01-01T00:01:00.000Z',
      '2027-01-01T00:02:00.000Z',
    ]);
    expect(scheduler.get('limited')).toMatchObject({ state: 'running', nextAt: null });
  });

  test('until already passed at add(): done at once', () => {
    const { scheduler } = createEngine('2027-01-01T00:00:00.000Z');
    expect(
      scheduler.add(makeTask('late', { schedule: every('1m'), until: ms('2026-12-31T00:00:00.000Z') })),
    ).toMatchObject({
      state: 'done',
      nextAt: null,
    });
  });

  test('one-shot at: done after its last instant has fired and its run ended', async () => {
    const { clock, runner, scheduler } = createEngine('2027-01-01T00:00:00.000Z');
    scheduler.add(makeTask('once', { schedule: { kind: 'at', instants: [ms('2027-01-01T00:05:00.000Z')] } }));
    scheduler.start();
    expect(scheduler.get('once').state).toBe('scheduled');
    clock.advanceTo('2027-01-01T00:05:00.000Z');
    expect(scheduler.get('once').state).toBe('running');
    runner.finish(1);
    await flush();
    expect(scheduler.get('once')).toMatchObject({
      state: 'done',
      nextAt: null,
      lastRun: { id: 1, status: 'succeeded' },
    });
  });

  test('on-demand and @reboot tasks are on-demand, never done', () => {
    const { scheduler } = createEngine('2027-01-01T00:00:00.000Z');
    expect(scheduler.add(makeTask('manual')).state).toBe('on-demand');
    expect(scheduler.add(makeTask('boot', { schedule: { kind: 'reboot' } })).state).toBe('on-demand');
  });
});
