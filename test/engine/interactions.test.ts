// How issue 17's parts meet in the engine: after-all joins and `run-now --make` with concurrency
// groups, holds and reloads; exclusion calendars with catch-up, rrule, holds, joins and max-runs;
// retries and `overlap: queue` inside a group. Each was tested alone in its own file.
import { describe, expect, test } from 'vitest';
import type { TaskSpec } from '../../src/config/types.js';
import { dates } from '../support/excluded-days.js';
import { parseRrule } from '../../src/schedule/rrule-parse.js';
import type { ExceptCalendar } from '../../src/schedule/excluded-dates.js';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask, ms } from '../support/engine-task.js';

const START = '2026-11-01T00:00:00.000Z';
const FAILED = { status: 'failed', exitCode: 1 } as const;

function rrule(rule: string): TaskSpec['schedule'] {
  const parsed = parseRrule(rule, { year: 2026, month: 11, day: 1, hour: 6, minute: 0, second: 0 });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

const runsOf = (engine: ReturnType<typeof createEngine>) =>
  engine.runner.requests.map((request) => [request.task.name, request.trigger, iso(request.scheduledAt)]);

/** Skipped rows as the store keeps them: a span's record re-emitted with its id updates its row. */
const skipsOf = (engine: ReturnType<typeof createEngine>) =>
  [...new Map(engine.eventsOf('run-skipped').map((run) => [run.id, run])).values()].map((run) => [
    run.task,
    iso(run.scheduledAt),
    run.skip?.reason,
    run.skip?.count,
  ]);

/** End run `id` after `afterMs` as `outcome`, and let what follows happen. */
async function end(engine: ReturnType<typeof createEngine>, id: number, outcome = {}, afterMs = 1_000) {
  engine.clock.advanceBy(afterMs);
  engine.runner.finish(id, outcome);
  await flush();
}

describe('after-all joins and run-now --make in a concurrency group', () => {
  test('a join whose group is full waits for its place, then runs once; parents meanwhile count afresh', async () => {
    const engine = createEngine(START, { groups: { db: 1 } });
    const { scheduler, runner } = engine;
    scheduler.add(makeTask('a'));
    scheduler.add(makeTask('b'));
    scheduler.add(makeTask('busy', { group: 'db' }));
    scheduler.add(makeTask('join', { afterAll: ['a', 'b'], group: 'db' }));
    const busy = scheduler.runNow('busy').id;
    await end(engine, scheduler.runNow('a').id);
    await end(engine, scheduler.runNow('b').id);
    // The join fired: its run waits for db, held by busy.
    expect(scheduler.get('join')).toMatchObject({ queued: 1, group: { running: 1, waiting: 1 } });
    expect(runner.running()).toEqual([busy]);
    // a succeeds again while the join's run waits: the wait began when the join fired.
    await end(engine, scheduler.runNow('a').id);
    expect(scheduler.get('join').join?.succeeded.map((parent) => parent.task)).toEqual(['a']);
    await end(engine, busy);
    expect(runsOf(engine).at(-1)).toEqual(['join', 'dependency', null]);
    // Its start begins the wait afresh (a's success before the start is not the next round's).
    expect(scheduler.get('join').join?.succeeded).toEqual([]);
    expect(runsOf(engine).filter(([name]) => name === 'join')).toHaveLength(1);
  });

  test('run-now --make whose steps share a group of limit 1: each step waits, none deadlocks', async () => {
    const engine = createEngine(START, { groups: { db: 1 } });
    const { scheduler, runner } = engine;
    scheduler.add(makeTask('extract', { group: 'db' }));
    scheduler.add(makeTask('transform', { group: 'db', afterAll: ['extract'] }));
    scheduler.add(makeTask('load', { group: 'db', afterAll: ['transform'] }));
    scheduler.add(makeTask('other', { group: 'db' }));
    const other = scheduler.runNow('other').id;
    const { chain, first } = scheduler.runMake('load');
    expect(first.status).toBe('queued');
    expect(scheduler.get('extract').group).toMatchObject({ running: 1, waiting: 1 });
    await end(engine, other);
    for (const step of ['extract', 'transform', 'load']) {
      expect(runsOf(engine).at(-1)?.[0]).toBe(step);
      expect(runner.running()).toHaveLength(1);
      await end(engine, runner.running()[0] as number);
    }
    expect(await chain.done).toMatchObject({ failed: null, error: null });
    expect(scheduler.get('load').group).toMatchObject({ running: 0, waiting: 0 });
  });

  test('a held make step and a held join still run when asked: a hold stops the schedule only', async () => {
    const engine = createEngine(START);
    const { scheduler } = engine;
    scheduler.add(makeTask('extract'));
    scheduler.add(makeTask('load', { afterAll: ['extract'] }));
    scheduler.hold('extract', 'maintenance');
    scheduler.hold('load', 'maintenance');
    const { chain } = scheduler.runMake('load');
    await end(engine, engine.runner.running()[0] as number);
    await end(engine, engine.runner.running()[0] as number);
    expect(await chain.done).toMatchObject({ failed: null, error: null });
    expect(runsOf(engine)).toEqual([
      ['extract', 'manual', null],
      ['load', 'manual', null],
    ]);
    // Outside a chain, a held join fires on its parents like `after:` does (a dependency run).
    await end(engine, scheduler.runNow('extract').id);
    expect(runsOf(engine).at(-1)).toEqual(['load', 'dependency', null]);
  });

  test('a reload dropping the parent a join waited for: the join fires on its next parent success', async () => {
    const engine = createEngine(START);
    const { scheduler } = engine;
    scheduler.add(makeTask('a'));
    scheduler.add(makeTask('b'));
    scheduler.add(makeTask('join', { afterAll: ['a', 'b'] }));
    await end(engine, scheduler.runNow('a').id);
    scheduler.replace(makeTask('join', { afterAll: ['a'] }));
    // Complete now, but a reload is no parent success: nothing runs until a succeeds again.
    expect(scheduler.get('join').join?.succeeded.map((parent) => parent.task)).toEqual(['a']);
    expect(runsOf(engine).filter(([name]) => name === 'join')).toEqual([]);
    await end(engine, scheduler.runNow('a').id);
    expect(runsOf(engine).at(-1)).toEqual(['join', 'dependency', null]);
  });

  test('a reload moving a join out of a full group starts its waiting run', async () => {
    const engine = createEngine(START, { groups: { db: 1 } });
    const { scheduler, runner } = engine;
    scheduler.add(makeTask('a'));
    scheduler.add(makeTask('busy', { group: 'db' }));
    scheduler.add(makeTask('join', { afterAll: ['a'], group: 'db' }));
    scheduler.runNow('busy');
    await end(engine, scheduler.runNow('a').id);
    expect(scheduler.get('join').queued).toBe(1);
    scheduler.replace(makeTask('join', { afterAll: ['a'] }));
    expect(runsOf(engine).at(-1)).toEqual(['join', 'dependency', null]);
    expect(runner.running()).toHaveLength(2);
  });
  test('a reload raising the old group and moving a waiting run into a full one: it waits for the new', async () => {
    const engine = createEngine(START, { groups: { db: 1, net: 1 } });
    const { scheduler, runner } = engine;
    scheduler.add(makeTask('a', { group: 'db' }));
    scheduler.add(makeTask('t', { group: 'db' }));
    scheduler.add(makeTask('n', { group: 'net' }));
    scheduler.runNow('a');
    scheduler.runNow('n');
    const t = scheduler.runNow('t').id; // waits for db
    // The daemon's reload: limits (db raised to 2), then the tasks (t now in net, which n fills).
    scheduler.reloadGroups({ db: 2, net: 1 }, () => scheduler.replace(makeTask('t', { group: 'net' })));
    expect(runner.running()).not.toContain(t);
    expect(scheduler.get('t')).toMatchObject({ queued: 1, group: { name: 'net', running: 1, waiting: 1 } });
    await end(
      engine,
      runner.running().find((id) => engine.runner.requests.find((r) => r.runId === id)?.task.name === 'n') as number,
    );
    expect(runner.running()).toContain(t);
  });

  test('a reload raising a limit alone still starts the waiting runs, once the tasks are applied', () => {
    const engine = createEngine(START, { groups: { db: 1 } });
    const { scheduler, runner } = engine;
    scheduler.add(makeTask('a', { group: 'db' }));
    scheduler.add(makeTask('b', { group: 'db' }));
    scheduler.runNow('a');
    const b = scheduler.runNow('b').id;
    let startedDuringApply = false;
    scheduler.reloadGroups({ db: 2 }, () => (startedDuringApply = runner.running().includes(b)));
    expect(startedDuringApply).toBe(false);
    expect(runner.running()).toContain(b);
  });
});

describe('a grouped run retried, queued, stopped', () => {
  test('a retry gives its place back between attempts and waits for it again', async () => {
    const engine = createEngine(START, { groups: { db: 1 } });
    const { scheduler, runner } = engine;
    const retry = { attempts: 2, delayMs: 10_000, backoff: 1, maxDelayMs: 10_000 };
    scheduler.add(makeTask('flaky', { group: 'db', retry }));
    scheduler.add(makeTask('b', { group: 'db' }));
    scheduler.start();
    const first = scheduler.runNow('flaky').id;
    const b = scheduler.runNow('b').id;
    await end(engine, first, FAILED);
    // flaky's place is free during its retry delay: b, waiting for db, runs.
    expect(runner.running()).toEqual([b]);
    engine.clock.advanceBy(10_000);
    // The retry is due while b holds db: it waits for its group, holding nothing.
    expect(scheduler.get('flaky')).toMatchObject({ queued: 1, group: { running: 1, waiting: 1 } });
    await end(engine, b);
    expect(runsOf(engine).at(-1)).toEqual(['flaky', 'retry', null]);
    expect(engine.runner.requests.at(-1)?.attempt).toBe(2);
  });

  test('overlap: queue in a group: a task runs one at a time and the group stays at its limit', async () => {
    const engine = createEngine(START, { groups: { db: 2 } });
    const { scheduler, runner } = engine;
    scheduler.add(makeTask('q', { group: 'db', overlap: 'queue' }));
    scheduler.add(makeTask('b', { group: 'db' }));
    scheduler.add(makeTask('c', { group: 'db' }));
    const q1 = scheduler.runNow('q').id;
    scheduler.runNow('q');
    const b = scheduler.runNow('b').id;
    scheduler.runNow('c');
    expect(runner.running()).toEqual([q1, b]);
    await end(engine, q1);
    // q's second run and c: one place is free; q2 was queued behind q1 (serial), c waited for db first.
    expect(runner.running()).toHaveLength(2);
    expect(scheduler.get('q').group).toMatchObject({ running: 2 });
    expect(scheduler.get('q').queued + scheduler.get('c').queued).toBe(1);
  });

  test('stop drops runs waiting for their group (a join, a make step) as it drops the slot queue', async () => {
    const engine = createEngine(START, { groups: { db: 1 }, maxConcurrent: 2 });
    const { scheduler } = engine;
    scheduler.add(makeTask('a'));
    scheduler.add(makeTask('busy', { group: 'db' }));
    scheduler.add(makeTask('step', { group: 'db' }));
    scheduler.add(makeTask('free'));
    scheduler.add(makeTask('slotless'));
    scheduler.add(makeTask('join', { afterAll: ['a'], group: 'db' }));
    const busy = scheduler.runNow('busy').id;
    await end(engine, scheduler.runNow('a').id); // join fires and waits for db
    const { chain } = scheduler.runMake('step'); // waits for db too
    scheduler.runNow('free');
    scheduler.runNow('slotless'); // both slots taken (busy, free): waits for a slot
    const waiting = scheduler.runsInFlight().filter((run) => run.status === 'queued');
    expect(waiting.map((run) => run.task).sort()).toEqual(['join', 'slotless', 'step']);
    const stopped = scheduler.stop({ graceMs: 60_000 });
    const dropped = engine.eventsOf('run-finished').filter((run) => run.startedAt === null);
    expect(dropped.map((run) => [run.task, run.status, run.error]).sort()).toEqual([
      ['join', 'cancelled', 'dropped: taskkit is stopping'],
      ['slotless', 'cancelled', 'dropped: taskkit is stopping'],
      ['step', 'cancelled', 'dropped: taskkit is stopping'],
    ]);
    expect(scheduler.get('busy').group).toMatchObject({ running: 1, waiting: 0 });
    expect((await chain.done).failed?.task).toBe('step');
    await end(engine, busy);
    await end(engine, engine.runner.running()[0] as number);
    await stopped;
    expect(engine.runner.running()).toEqual([]);
  });
  test('a make chain cut short by stop: the steps after the dropped one are skipped as stopping', async () => {
    const engine = createEngine(START, { groups: { db: 1 } });
    const { scheduler } = engine;
    scheduler.add(makeTask('busy', { group: 'db' }));
    scheduler.add(makeTask('extract', { group: 'db' }));
    scheduler.add(makeTask('load', { afterAll: ['extract'] }));
    const busy = scheduler.runNow('busy').id;
    const { chain } = scheduler.runMake('load'); // extract waits for db
    const stopped = scheduler.stop({ graceMs: 60_000 });
    await end(engine, busy);
    await stopped;
    const result = await chain.done;
    expect(result.steps.map((run) => [run.task, run.status, run.error, run.skip?.reason ?? null])).toEqual([
      ['extract', 'cancelled', 'dropped: taskkit is stopping', null],
      // Nothing failed: the chain ended because taskkit stopped, as every trigger during a stop says.
      ['load', 'skipped', 'taskkit is stopping', 'stopping'],
    ]);
  });
});

describe('exclusion calendars with the other parts', () => {
  const HOLIDAY: ExceptCalendar = { name: 'holidays', days: dates('2026-11-03', '2026-11-04') };

  test('an rrule task: its instants on excluded dates are one calendar row, the others run', () => {
    const engine = createEngine(START);
    engine.scheduler.add(
      makeTask('r', { schedule: rrule('FREQ=DAILY;BYHOUR=6,18'), except: [HOLIDAY], overlap: 'allow' }),
    );
    engine.scheduler.start();
    engine.clock.advanceTo('2026-11-05T12:00:00.000Z');
    expect(skipsOf(engine)).toEqual([['r', '2026-11-03T06:00:00.000Z', 'calendar', 4]]);
    expect(runsOf(engine).map(([, , at]) => at)).toEqual([
      '2026-11-01T06:00:00.000Z',
      '2026-11-01T18:00:00.000Z',
      '2026-11-02T06:00:00.000Z',
      '2026-11-02T18:00:00.000Z',
      '2026-11-05T06:00:00.000Z',
    ]);
  });

  test('held across excluded dates: one held row for the instants not excluded, no calendar row', () => {
    const engine = createEngine(START);
    engine.scheduler.add(makeTask('d', { schedule: every('1d', '2026-11-01T06:00:00Z'), except: [HOLIDAY] }));
    engine.scheduler.start();
    engine.clock.advanceTo('2026-11-01T12:00:00.000Z');
    engine.scheduler.hold('d', 'x');
    engine.clock.advanceTo('2026-11-06T12:00:00.000Z');
    engine.scheduler.resume('d');
    // 2nd, 5th, 6th held; 3rd and 4th excluded: neither held nor a calendar row of their own.
    expect(skipsOf(engine)).toEqual([['d', '2026-11-02T06:00:00.000Z', 'held', 3]]);
  });

  test('catch-up all after downtime: excluded instants neither run nor count as missed', async () => {
    const engine = createEngine('2026-11-06T12:00:00.000Z');
    engine.scheduler.add(
      makeTask('d', { schedule: every('1d', '2026-11-01T06:00:00Z'), except: [HOLIDAY], catchUp: 'all' }),
      { lastScheduledAt: ms('2026-11-01T06:00:00.000Z') },
    );
    engine.scheduler.start();
    for (let step = 0; step < 3; step++) await end(engine, engine.runner.running()[0] as number);
    expect(runsOf(engine).map(([, trigger, at]) => [trigger, at])).toEqual([
      ['catch-up', '2026-11-02T06:00:00.000Z'],
      ['catch-up', '2026-11-05T06:00:00.000Z'],
      ['catch-up', '2026-11-06T06:00:00.000Z'],
    ]);
    expect(skipsOf(engine)).toEqual([]);
  });

  test('a join parent on an excluded date: no success, the join keeps waiting', async () => {
    const engine = createEngine(START);
    const { scheduler } = engine;
    scheduler.add(makeTask('p', { schedule: every('1d', '2026-11-03T06:00:00Z'), except: [HOLIDAY] }));
    scheduler.add(makeTask('q'));
    scheduler.add(makeTask('join', { afterAll: ['p', 'q'] }));
    scheduler.start();
    await end(engine, scheduler.runNow('q').id);
    engine.clock.advanceTo('2026-11-04T12:00:00.000Z');
    scheduler.settleSkipped(); // as `history` does: the span's row counts up to now
    expect(skipsOf(engine)).toEqual([['p', '2026-11-03T06:00:00.000Z', 'calendar', 2]]);
    expect(scheduler.get('join').join?.succeeded.map((parent) => parent.task)).toEqual(['q']);
    expect(runsOf(engine).filter(([name]) => name === 'join')).toEqual([]);
    engine.clock.advanceTo('2026-11-05T06:00:00.000Z');
    await end(engine, engine.runner.running()[0] as number);
    expect(runsOf(engine).at(-1)).toEqual(['join', 'dependency', null]);
  });

  test('max-runs: excluded instants spend no budget', async () => {
    const engine = createEngine(START);
    const { scheduler } = engine;
    scheduler.add(makeTask('m', { schedule: every('1d', '2026-11-02T06:00:00Z'), except: [HOLIDAY], maxRuns: 3 }));
    scheduler.start();
    expect(scheduler.upcoming('m', 5).map(iso)).toEqual([
      '2026-11-02T06:00:00.000Z',
      '2026-11-05T06:00:00.000Z',
      '2026-11-06T06:00:00.000Z',
    ]);
    for (const day of ['02', '03', '04', '05', '06', '07']) {
      engine.clock.advanceTo(`2026-11-${day}T12:00:00.000Z`);
      const running = engine.runner.running();
      if (running.length > 0) await end(engine, running[0] as number);
    }
    expect(runsOf(engine).map(([, , at]) => at)).toEqual([
      '2026-11-02T06:00:00.000Z',
      '2026-11-05T06:00:00.000Z',
      '2026-11-06T06:00:00.000Z',
    ]);
    expect(scheduler.get('m')).toMatchObject({ state: 'done', scheduledRuns: 3 });
  });
});
