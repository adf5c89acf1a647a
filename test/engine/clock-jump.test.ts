// DESIGN.md "Schedule semantics": when the wall clock jumps (NTP step, suspend/resume), instants
// recompute from the new time; an instant skipped over fires at most once (subject to
// `catch-up`/`deadline`), never in a burst. The engine tells a step from a late timer by comparing
// wall progress with monotonic progress between wakes (> 1 s apart: a jump, event clock-jump).
import { describe, expect, test } from 'vitest';
import { MAX_TIMER_DELAY_MS } from '../../src/engine/clock.js';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask } from '../support/engine-task.js';
import { parseDaily } from '../../src/schedule/daily.js';
import type { TaskSpec } from '../../src/config/types.js';

const HOUR = 3_600_000;

function dailyAt(time: string): TaskSpec['schedule'] {
  const parsed = parseDaily(time);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

/** Step the wall clock at 02:00 by `jumpMs`, then let the capped wake notice it. */
function setUp(task: Partial<TaskSpec>, jumpMs = 2 * HOUR) {
  const engine = createEngine('2026-06-01T02:00:00.000Z');
  engine.scheduler.add(makeTask('job', task));
  engine.scheduler.start();
  engine.clock.jumpWall(jumpMs);
  engine.clock.advanceBy(MAX_TIMER_DELAY_MS);
  return engine;
}

describe('forward jump', () => {
  test('is reported once with its size, and noticed within MAX_TIMER_DELAY_MS', () => {
    const { eventsOf } = setUp({ schedule: dailyAt('03:00') });
    expect(eventsOf('clock-jump')).toEqual([2 * HOUR]);
  });

  test('catch-up skip (default): the jumped-over instant does not run; one skipped record says so', () => {
    const { runner, scheduler, eventsOf } = setUp({ schedule: dailyAt('03:00') });
    expect(runner.requests).toEqual([]);
    expect(eventsOf('run-skipped').map((run) => [run.trigger, iso(run.scheduledAt), run.error])).toEqual([
      ['catch-up', '2026-06-01T03:00:00.000Z', 'missed 1 instant (catch-up: skip)'],
    ]);
    expect(iso(scheduler.get('job').nextAt)).toBe('2026-06-02T03:00:00.000Z');
  });

  test('catch-up once: one run for the latest instant jumped over, however many there were', () => {
    const { runner, eventsOf } = setUp({ schedule: every('30m'), catchUp: 'once' });
    // 02:30, 03:00, 03:30, 04:00 were jumped over: one run, for 04:00.
    expect(runner.requests.map((request) => [request.trigger, iso(request.scheduledAt)])).toEqual([
      ['catch-up', '2026-06-01T04:00:00.000Z'],
    ]);
    expect(eventsOf('run-started').map((run) => iso(run.startedAt))).toEqual(['2026-06-01T04:00:10.000Z']);
  });

  test('catch-up all: each instant jumped over, one after another, never in parallel', async () => {
    const { runner, scheduler } = setUp({ schedule: every('30m'), catchUp: 'all', overlap: 'allow' });
    expect(runner.running()).toEqual([1]);
    expect(scheduler.get('job').queued).toBe(3);
    for (const id of [1, 2, 3, 4]) {
      expect(runner.running()).toEqual([id]);
      runner.finish(id);
      await flush();
    }
    expect(runner.requests.map((request) => [request.trigger, iso(request.scheduledAt)])).toEqual([
      ['catch-up', '2026-06-01T02:30:00.000Z'],
      ['catch-up', '2026-06-01T03:00:00.000Z'],
      ['catch-up', '2026-06-01T03:30:00.000Z'],
      ['catch-up', '2026-06-01T04:00:00.000Z'],
    ]);
  });

  test('catch-up all is capped at the latest 100 instants', () => {
    const { runner, scheduler, logs } = setUp({ schedule: every('1m'), catchUp: 'all' }, 3 * HOUR);
    // 03:21 .. 05:00
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual(['2026-06-01T03:21:00.000Z']);
    expect(scheduler.get('job').queued).toBe(99);
    expect(logs).toContainEqual(['info', 'job: missed more than 100 instants, ran 100 (catch-up: all)']);
  });

  test('deadline: a catch-up run that would start too late is skipped instead', () => {
    const { runner, eventsOf } = setUp({ schedule: dailyAt('03:00'), catchUp: 'once', deadlineMs: 30 * 60_000 });
    expect(runner.requests).toEqual([]);
    expect(eventsOf('run-skipped').map((run) => [run.trigger, iso(run.scheduledAt), run.error])).toEqual([
      ['catch-up', '2026-06-01T03:00:00.000Z', 'would start 1h10s after its instant, past its deadline of 30m'],
    ]);
  });

  test('deadline: within it, the catch-up run starts', () => {
    const { runner } = setUp({ schedule: dailyAt('03:00'), catchUp: 'once', deadlineMs: 2 * HOUR });
    expect(runner.requests.map((request) => [request.trigger, iso(request.scheduledAt)])).toEqual([
      ['catch-up', '2026-06-01T03:00:00.000Z'],
    ]);
  });

  // Found by test/faults/clock-changes.test.ts (libfaketime): the instant the armed timer waited for
  // ran as a late `schedule` run after a suspend, though the wall clock stepped over it.
  describe('the instant the armed timer was waiting for, stepped over by a suspend', () => {
    /** Daily 02:00; the engine last woke at 01:59:55 and sleeps 5 s; the machine suspends at 01:59:57 for 2 h. */
    function suspendBeforeDue(task: Partial<TaskSpec>) {
      const engine = createEngine('2026-06-01T01:59:55.000Z');
      engine.scheduler.add(makeTask('backup', { schedule: dailyAt('02:00'), ...task }));
      engine.scheduler.start();
      engine.clock.advanceBy(2_000);
      engine.clock.jumpWall(2 * HOUR);
      engine.clock.advanceBy(3_000); // the timer's remaining monotonic 3 s: the first wake after resume
      return engine;
    }

    test('catch-up skip: it does not run; one skipped record says so', () => {
      const { runner, eventsOf } = suspendBeforeDue({});
      expect(eventsOf('clock-jump')).toEqual([2 * HOUR]);
      expect(runner.requests).toEqual([]);
      expect(eventsOf('run-skipped').map((run) => [run.trigger, iso(run.scheduledAt), run.error])).toEqual([
        ['catch-up', '2026-06-01T02:00:00.000Z', 'missed 1 instant (catch-up: skip)'],
      ]);
    });

    test('catch-up once: it runs once, as a catch-up run', () => {
      const { runner } = suspendBeforeDue({ catchUp: 'once' });
      expect(runner.requests.map((request) => [request.trigger, iso(request.scheduledAt)])).toEqual([
        ['catch-up', '2026-06-01T02:00:00.000Z'],
      ]);
    });
  });

  test('a jump below the 1 s threshold is timer noise: no event, instants fire as scheduled', () => {
    const { runner, eventsOf } = setUp({ schedule: every('10s') }, 900);
    expect(eventsOf('clock-jump')).toEqual([]);
    expect(runner.requests.map((request) => [request.trigger, iso(request.scheduledAt)])).toEqual([
      ['schedule', '2026-06-01T02:00:10.000Z'],
    ]);
  });

  test('a retry waiting during the jump keeps its remaining wait (monotonic), it is not fired at once', async () => {
    const engine = createEngine('2026-06-01T02:00:00.000Z');
    const { clock, runner, scheduler, eventsOf } = engine;
    scheduler.add(makeTask('flaky', { retry: { attempts: 1, delayMs: 60_000, backoff: 2, maxDelayMs: 600_000 } }));
    scheduler.start();
    scheduler.runNow('flaky');
    runner.finish(1, { status: 'failed', exitCode: 1 });
    await flush();
    clock.advanceBy(30_000);
    clock.jumpWall(HOUR);
    clock.advanceBy(29_999);
    expect(runner.requests.length).toBe(1);
    clock.advanceBy(1);
    expect(eventsOf('run-started').map((run) => [run.trigger, iso(run.startedAt)])).toEqual([
      ['manual', '2026-06-01T02:00:00.000Z'],
      ['retry', '2026-06-01T03:01:00.000Z'],
    ]);
  });
});

describe('backward jump', () => {
  test('nothing runs twice: the task waits until its next instant after the last one it ran', () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-06-01T09:55:00.000Z');
    scheduler.add(makeTask('ten', { schedule: every('10m'), overlap: 'allow' }));
    scheduler.start();
    clock.advanceTo('2026-06-01T10:05:00.000Z'); // fired 10:00
    clock.jumpWall(-HOUR); // now 09:05
    clock.advanceBy(MAX_TIMER_DELAY_MS);
    expect(eventsOf('clock-jump')).toEqual([-HOUR]);
    expect(iso(scheduler.get('ten').nextAt)).toBe('2026-06-01T10:10:00.000Z');
    clock.advanceTo('2026-06-01T10:10:00.000Z');
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual([
      '2026-06-01T10:00:00.000Z',
      '2026-06-01T10:10:00.000Z',
    ]);
  });

  test('a task that has not fired yet recomputes its next instant from the new time', () => {
    const { clock, scheduler } = createEngine('2026-06-01T10:05:00.000Z');
    scheduler.add(makeTask('daily', { schedule: dailyAt('09:30') }));
    scheduler.start();
    expect(iso(scheduler.get('daily').nextAt)).toBe('2026-06-02T09:30:00.000Z');
    clock.jumpWall(-HOUR); // 09:05: today's 09:30 lies ahead again
    clock.advanceBy(MAX_TIMER_DELAY_MS);
    expect(iso(scheduler.get('daily').nextAt)).toBe('2026-06-01T09:30:00.000Z');
  });

  test('catch-up policies see nothing missed after a step back', () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-06-01T10:05:00.000Z');
    scheduler.add(makeTask('ten', { schedule: every('10m'), catchUp: 'all' }));
    scheduler.start();
    clock.jumpWall(-HOUR);
    clock.advanceBy(MAX_TIMER_DELAY_MS);
    expect(runner.requests).toEqual([]);
    expect(eventsOf('run-skipped')).toEqual([]);
  });
});
