// Issue 16.7, "Why didn't it run?": every instant that did not run leaves a skipped record with its
// kind; a held task's instants are counted into ONE record per hold, without a wake per instant.
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask, ms } from '../support/engine-task.js';

const DAY = 24 * 60 * 60_000;

describe('held instants', () => {
  test('an every-second task held for a day: one record x86400 at the resume, no wake or event meanwhile', () => {
    const { clock, runner, scheduler, events, eventsOf } = createEngine('2026-12-01T00:00:00.000Z');
    scheduler.add(makeTask('tick', { schedule: every('1s') }));
    scheduler.start();
    clock.advanceTo('2026-12-01T00:00:00.500Z');
    scheduler.hold('tick', 'maintenance');
    const timersBefore = clock.delays.length;
    const eventsBefore = events.length;
    clock.advanceTo(ms('2026-12-01T00:00:00.500Z') + DAY);
    // The held day armed no more timers than an engine with nothing scheduled (the timeline's own
    // capped wake, timeline.ts), and emitted nothing.
    const idle = createEngine('2026-12-01T00:00:00.500Z');
    idle.scheduler.add(makeTask('idle'));
    idle.scheduler.start();
    const idleBefore = idle.clock.delays.length;
    idle.clock.advanceBy(DAY);
    expect(clock.delays.length - timersBefore).toBe(idle.clock.delays.length - idleBefore);
    expect(clock.delays.length - timersBefore).toBeLessThan(86_400 / 5);
    expect(events.length).toBe(eventsBefore);
    scheduler.resume('tick');
    const skipped = eventsOf('run-skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({
      task: 'tick',
      status: 'skipped',
      trigger: 'schedule',
      scheduledAt: ms('2026-12-01T00:00:01.000Z'),
      error: 'held (maintenance)',
      skip: { reason: 'held', count: 86_400, more: false, lastAt: ms('2026-12-02T00:00:00.000Z') },
    });
    // Resumed: the next instant after now runs; nothing held is run or counted again.
    clock.advanceTo('2026-12-02T00:00:01.000Z');
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual(['2026-12-02T00:00:01.000Z']);
    expect(eventsOf('run-skipped')).toHaveLength(1);
  });

  test('while held, list shows the next instant as of now; asking counts so far into the same record', () => {
    const { clock, scheduler, eventsOf } = createEngine('2026-12-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('10m') }));
    scheduler.hold('job');
    clock.advanceTo('2026-12-01T00:35:00.000Z');
    expect(iso(scheduler.get('job').nextAt)).toBe('2026-12-01T00:40:00.000Z');
    expect(scheduler.upcoming('job', 2).map(iso)).toEqual(['2026-12-01T00:40:00.000Z', '2026-12-01T00:50:00.000Z']);
    scheduler.settleSkipped();
    clock.advanceTo('2026-12-01T01:05:00.000Z');
    scheduler.settleSkipped('job');
    scheduler.resume('job');
    const records = eventsOf('run-skipped');
    // Three emissions of one record (same id), its count growing; the resume had nothing new.
    expect(records.map((run) => [run.id, run.skip?.count, iso(run.skip?.lastAt ?? null)])).toEqual([
      [1, 3, '2026-12-01T00:30:00.000Z'],
      [1, 6, '2026-12-01T01:00:00.000Z'],
    ]);
    expect(new Set(records.map((run) => iso(run.scheduledAt)))).toEqual(new Set(['2026-12-01T00:10:00.000Z']));
  });

  test('a hold that ends by itself: the instants before its end are one record; the one at the end runs', () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-12-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('1h') }));
    scheduler.start();
    scheduler.hold('job', undefined, ms('2026-12-01T05:00:00.000Z'));
    clock.advanceTo('2026-12-01T05:00:00.000Z');
    expect(
      eventsOf('run-skipped').map((run) => [iso(run.scheduledAt), run.skip?.count, iso(run.skip?.lastAt ?? null)]),
    ).toEqual([['2026-12-01T01:00:00.000Z', 4, '2026-12-01T04:00:00.000Z']]);
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual(['2026-12-01T05:00:00.000Z']);
  });

  test('removed or stopped while held: the held record is written then', async () => {
    const { clock, scheduler, eventsOf } = createEngine('2026-12-01T00:00:00.000Z');
    scheduler.add(makeTask('a', { schedule: every('1m') }));
    scheduler.add(makeTask('b', { schedule: every('1m'), hold: true }));
    scheduler.start();
    scheduler.hold('a');
    clock.advanceTo('2026-12-01T00:10:30.000Z');
    scheduler.remove('a');
    await scheduler.stop();
    expect(eventsOf('run-skipped').map((run) => [run.task, run.skip?.count])).toEqual([
      ['a', 10],
      ['b', 10],
    ]);
  });

  test('a reload that ends a `hold: true`: one held record, and the next instant after now runs', () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-12-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('10m'), hold: true }));
    scheduler.start();
    clock.advanceTo('2026-12-01T00:35:00.000Z');
    expect(iso(scheduler.replace(makeTask('job', { schedule: every('10m') })).nextAt)).toBe('2026-12-01T00:40:00.000Z');
    expect(eventsOf('run-skipped').map((run) => [iso(run.scheduledAt), run.skip?.count])).toEqual([
      ['2026-12-01T00:10:00.000Z', 3],
    ]);
    clock.advanceTo('2026-12-01T00:40:00.000Z');
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual(['2026-12-01T00:40:00.000Z']);
  });

  test('a held @reboot task: its one instant is a held record', () => {
    const { scheduler, eventsOf } = createEngine('2026-12-01T00:00:00.000Z');
    scheduler.add(makeTask('boot', { schedule: { kind: 'reboot' }, hold: true }));
    scheduler.start();
    expect(eventsOf('run-skipped').map((run) => [run.trigger, run.error, run.skip])).toEqual([
      ['reboot', 'held', { reason: 'held', count: 1, more: false, lastAt: null }],
    ]);
  });
});

describe('the kinds of the other skips', () => {
  test('overlap: each skipped trigger is a record of kind overlap (the history folds them)', async () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-12-01T00:00:00.000Z');
    scheduler.add(makeTask('job', { schedule: every('1s') }));
    scheduler.start();
    clock.advanceTo('2026-12-01T00:00:03.000Z');
    runner.finish(1);
    await flush();
    expect(eventsOf('run-skipped').map((run) => [iso(run.scheduledAt), run.skip])).toEqual(
      ['02', '03'].map((second) => [
        `2026-12-01T00:00:${second}.000Z`,
        { reason: 'overlap', count: 1, more: false, lastAt: ms(`2026-12-01T00:00:${second}.000Z`) },
      ]),
    );
  });

  test('deadline: a run that waited past it is a record of kind deadline', () => {
    const { clock, scheduler, eventsOf } = createEngine('2026-12-01T00:00:00.000Z', { maxConcurrent: 1 });
    scheduler.add(makeTask('long'));
    scheduler.add(makeTask('job', { schedule: every('1m'), deadlineMs: 1_000 }));
    scheduler.start();
    scheduler.runNow('long');
    clock.advanceTo('2026-12-01T00:01:05.000Z');
    expect(eventsOf('run-skipped')).toEqual([]);
    expect(scheduler.cancel('long')).toHaveLength(1);
    return flush().then(() => {
      expect(eventsOf('run-skipped').map((run) => [run.task, run.skip?.reason, run.error])).toEqual([
        ['job', 'deadline', 'would start 5s after its instant, past its deadline of 1s'],
      ]);
    });
  });
});
