// DESIGN.md task options, `jitter`: each scheduled run waits random()*jitter ms (status 'queued')
// before it starts; scheduledAt stays the instant; the wait lives on the engine's one timeline,
// not in a timer of its own. Manual runs are not delayed.
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask } from '../support/engine-task.js';

function jittered(draw: number) {
  const engine = createEngine('2026-12-01T00:00:00.000Z', { random: () => draw });
  engine.scheduler.add(makeTask('job', { schedule: every('1h'), jitterMs: 60_000 }));
  engine.scheduler.start();
  engine.clock.advanceTo('2026-12-01T01:00:00.000Z');
  return engine;
}

describe('jitter', () => {
  test.each([
    [0, '2026-12-01T01:00:00.000Z'],
    [0.5, '2026-12-01T01:00:30.000Z'],
    [0.999999, '2026-12-01T01:00:59.999Z'],
  ])('random() = %d starts the run at %s (within [instant, instant + jitter))', (draw, startedAt) => {
    const { clock, eventsOf } = jittered(draw);
    clock.advanceTo('2026-12-01T01:01:00.000Z');
    expect(eventsOf('run-started').map((run) => [iso(run.scheduledAt), iso(run.startedAt)])).toEqual([
      ['2026-12-01T01:00:00.000Z', startedAt],
    ]);
  });

  test('a misbehaving random source (1, NaN) still stays inside the window', () => {
    for (const draw of [1, Number.NaN, -3]) {
      const { clock, eventsOf } = jittered(draw);
      clock.advanceTo('2026-12-01T01:01:00.000Z');
      const [run] = eventsOf('run-started');
      expect((run?.startedAt ?? Infinity) - (run?.scheduledAt ?? 0)).toBeLessThan(60_000);
    }
  });

  test('while waiting the run is queued, and it shares the single timer', () => {
    const { clock, runner, scheduler } = jittered(0.5);
    expect(runner.requests).toEqual([]);
    expect(scheduler.get('job')).toMatchObject({ queued: 1, state: 'scheduled' });
    expect(clock.pendingTimers).toBe(1);
    expect(clock.nextTimerIn()).toBe(10_000);
  });

  test('a trigger during the wait collides with the waiting run (overlap skip)', () => {
    const { scheduler } = jittered(0.5);
    expect(scheduler.runNow('job')).toMatchObject({
      status: 'skipped',
      error: 'previous run #1 still queued (overlap: skip)',
    });
  });

  test('manual runs are not delayed', () => {
    const { runner, scheduler } = createEngine('2026-12-01T00:00:00.000Z', { random: () => 0.5 });
    scheduler.add(makeTask('job', { jitterMs: 60_000 }));
    scheduler.runNow('job');
    expect(runner.requests.length).toBe(1);
  });
});

describe('jitterOf (cluster: the same draw on every host)', () => {
  test('a scheduled run waits jitterOf(task, instant) of the window, and random is not consulted', async () => {
    const asked: [string, string | null][] = [];
    const engine = createEngine('2026-12-01T00:00:00.000Z', {
      random: () => {
        throw new Error('random consulted');
      },
      jitterOf: (task, instant) => {
        asked.push([task, iso(instant)]);
        return instant === Date.parse('2026-12-01T01:00:00.000Z') ? 0.25 : 0.75;
      },
    });
    engine.scheduler.add(makeTask('job', { schedule: every('1h'), jitterMs: 60_000 }));
    engine.scheduler.start();
    engine.clock.advanceTo('2026-12-01T01:00:15.000Z');
    engine.runner.finish(1);
    await flush();
    engine.clock.advanceTo('2026-12-01T02:01:00.000Z');
    expect(asked).toEqual([
      ['job', '2026-12-01T01:00:00.000Z'],
      ['job', '2026-12-01T02:00:00.000Z'],
    ]);
    expect(engine.eventsOf('run-started').map((run) => iso(run.startedAt))).toEqual([
      '2026-12-01T01:00:15.000Z',
      '2026-12-01T02:00:45.000Z',
    ]);
  });

  test('a draw out of range still starts inside the window', () => {
    const engine = createEngine('2026-12-01T00:00:00.000Z', { jitterOf: () => 7 });
    engine.scheduler.add(makeTask('job', { schedule: every('1h'), jitterMs: 60_000 }));
    engine.scheduler.start();
    engine.clock.advanceTo('2026-12-01T01:01:00.000Z');
    expect(engine.eventsOf('run-started').map((run) => iso(run.startedAt))).toEqual(['2026-12-01T01:00:59.999Z']);
  });

  test('manual runs are not delayed and do not ask jitterOf', () => {
    const engine = createEngine('2026-12-01T00:00:00.000Z', {
      jitterOf: () => {
        throw new Error('asked');
      },
    });
    engine.scheduler.add(makeTask('job', { jitterMs: 60_000 }));
    expect(engine.scheduler.runNow('job').status).toBe('running');
  });
});
