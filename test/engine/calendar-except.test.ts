// Issue 17.2, exclusion calendars: a task's instants whose LOCAL date (in its zone) is in one of its
// `except:` calendars do not run; the first instant of a run of excluded dates opens ONE skipped
// record, reason `calendar`, naming the calendar and counting the instants of those dates that have
// passed: re-emitted with the same id (the store updates one row) as it is settled, never ahead of now.
import { describe, expect, test } from 'vitest';
import type { TaskSpec } from '../../src/config/types.js';
import { dates } from '../support/excluded-days.js';
import { parseDaily } from '../../src/schedule/daily.js';
import type { ExceptCalendar } from '../../src/schedule/excluded-dates.js';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask, ms } from '../support/engine-task.js';

const BERLIN = 'Europe/Berlin';

function daily(time: string): TaskSpec['schedule'] {
  const parsed = parseDaily(time);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

const HOLIDAYS: ExceptCalendar = { name: 'holidays', days: dates('2026-12-24', '2026-12-26') };

/** A daily task at 00:30 Berlin time: its instants are 23:30 UTC of the day BEFORE their local date. */
function nightly(except: readonly ExceptCalendar[] = [HOLIDAYS], overrides: Partial<TaskSpec> = {}): TaskSpec {
  return makeTask('nightly', { schedule: daily('00:30'), timezone: BERLIN, overlap: 'allow', except, ...overrides });
}

type SkipRow = { id: number; scheduledAt: number | null; error: string | null; skip?: { count: number } | null };

/** The rows as the store keeps them: one per record id, its last emission (first emission's order). */
function rowsOf<R extends SkipRow>(records: readonly R[]): R[] {
  const rows = new Map<number, R>();
  for (const record of records) rows.set(record.id, record);
  return [...rows.values()];
}

const skipsOf = (records: readonly SkipRow[]) =>
  rowsOf(records).map((run) => [iso(run.scheduledAt), run.error, run.skip]);

describe('a daily task with except: in a non-UTC zone', () => {
  test('skips exactly the excluded local dates, with one calendar record for the run of them', () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-12-22T00:00:00.000Z');
    scheduler.add(nightly());
    scheduler.start();
    clock.advanceTo('2026-12-29T12:00:00.000Z');
    // Local dates 23, 27, 28, 29 ran; 24, 25, 26 did not (UTC dates 23-25 at 23:30).
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual([
      '2026-12-22T23:30:00.000Z',
      '2026-12-26T23:30:00.000Z',
      '2026-12-27T23:30:00.000Z',
      '2026-12-28T23:30:00.000Z',
    ]);
    const skipped = rowsOf(eventsOf('run-skipped'));
    expect(skipsOf(skipped)).toEqual([
      [
        '2026-12-23T23:30:00.000Z',
        'excluded by calendar "holidays"',
        { reason: 'calendar', count: 3, more: false, lastAt: ms('2026-12-25T23:30:00.000Z') },
      ],
    ]);
    expect(skipped[0]).toMatchObject({ task: 'nightly', status: 'skipped', trigger: 'schedule' });
  });

  test('next, show and list preview without the excluded dates; the engine still wakes on them', () => {
    const { clock, scheduler, eventsOf } = createEngine('2026-12-23T12:00:00.000Z');
    scheduler.add(nightly());
    scheduler.start();
    expect(iso(scheduler.get('nightly').nextAt)).toBe('2026-12-26T23:30:00.000Z');
    expect(scheduler.upcoming('nightly', 3).map(iso)).toEqual([
      '2026-12-26T23:30:00.000Z',
      '2026-12-27T23:30:00.000Z',
      '2026-12-28T23:30:00.000Z',
    ]);
    // The engine still wakes at the first excluded instant, and records the skip right then: that
    // instant alone (the others have not happened yet); the span ends at the next wake.
    clock.advanceTo('2026-12-23T23:29:59.999Z');
    expect(eventsOf('run-skipped')).toEqual([]);
    clock.advanceTo('2026-12-23T23:30:00.000Z');
    expect(eventsOf('run-skipped').map((run) => run.skip?.count)).toEqual([1]);
    expect(iso(scheduler.get('nightly').nextAt)).toBe('2026-12-26T23:30:00.000Z');
    clock.advanceTo('2026-12-25T12:00:00.000Z');
    scheduler.settleSkipped();
    expect(rowsOf(eventsOf('run-skipped')).map((run) => run.skip?.count)).toEqual([2]);
    clock.advanceTo('2026-12-26T23:30:00.000Z');
    expect(rowsOf(eventsOf('run-skipped')).map((run) => run.skip?.count)).toEqual([3]);
  });

  test('a date is read in the task zone: the same instants in UTC are not excluded', () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-12-22T00:00:00.000Z');
    scheduler.add(nightly([HOLIDAYS], { timezone: 'UTC' }));
    scheduler.start();
    clock.advanceTo('2026-12-27T12:00:00.000Z');
    // 00:30 UTC on 23 and 27 ran; 24-26 were excluded.
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual([
      '2026-12-22T00:30:00.000Z',
      '2026-12-23T00:30:00.000Z',
      '2026-12-27T00:30:00.000Z',
    ]);
    expect(rowsOf(eventsOf('run-skipped'))).toHaveLength(1);
  });

  test('two calendars: each run of dates names the calendar that excludes its first date', () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-12-22T00:00:00.000Z');
    const plant: ExceptCalendar = { name: 'plant-closed', days: dates('2026-12-28') };
    scheduler.add(nightly([HOLIDAYS, plant]));
    scheduler.start();
    clock.advanceTo('2026-12-30T12:00:00.000Z');
    expect(rowsOf(eventsOf('run-skipped')).map((run) => [iso(run.scheduledAt), run.error, run.skip?.count])).toEqual([
      ['2026-12-23T23:30:00.000Z', 'excluded by calendar "holidays"', 3],
      ['2026-12-27T23:30:00.000Z', 'excluded by calendar "plant-closed"', 1],
    ]);
    expect(runner.requests).toHaveLength(4);
  });
});

describe('an every-second task on an excluded date', () => {
  test('one wake and one record for the whole day, counted by arithmetic; it runs again after midnight', () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-12-24T22:59:59.000Z');
    scheduler.add(
      makeTask('tick', {
        schedule: every('1s', undefined, BERLIN),
        timezone: BERLIN,
        overlap: 'allow',
        except: [{ name: 'christmas', days: dates('2026-12-25') }],
      }),
    );
    scheduler.start();
    const timersBefore = clock.delays.length;
    clock.advanceTo('2026-12-25T23:00:01.000Z');
    // 23:00:00 UTC on the 24th is local midnight of the 25th: excluded, as every second of that day.
    expect(skipsOf(eventsOf('run-skipped'))).toEqual([
      [
        '2026-12-24T23:00:00.000Z',
        'excluded by calendar "christmas"',
        { reason: 'calendar', count: 86_400, more: false, lastAt: ms('2026-12-25T22:59:59.000Z') },
      ],
    ]);
    // No more timers than an engine with nothing scheduled (the timeline's own capped wake).
    const idle = createEngine('2026-12-24T22:59:59.000Z');
    idle.scheduler.add(makeTask('idle'));
    idle.scheduler.start();
    const idleBefore = idle.clock.delays.length;
    idle.clock.advanceTo('2026-12-25T22:59:59.000Z');
    expect(clock.delays.length - timersBefore).toBeLessThanOrEqual(idle.clock.delays.length - idleBefore + 3);
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual([
      '2026-12-25T23:00:00.000Z',
      '2026-12-25T23:00:01.000Z',
    ]);
  });
});

describe('an every-second task: the span counts only instants that have passed', () => {
  // Local midnight of the 25th in Berlin is 23:00 UTC on the 24th; local noon, 11:00 UTC.
  const tick = (except: readonly ExceptCalendar[]): TaskSpec =>
    makeTask('tick', { schedule: every('1s', undefined, BERLIN), timezone: BERLIN, overlap: 'allow', except });
  const CHRISTMAS: ExceptCalendar = { name: 'christmas', days: dates('2026-12-25') };
  const count = (records: readonly SkipRow[]) => rowsOf(records).map((run) => run.skip?.count);

  test('the first excluded instant counts 1; at noon, once settled, exactly the morning', () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-12-24T22:59:59.000Z');
    scheduler.add(tick([CHRISTMAS]));
    scheduler.start();
    clock.advanceTo('2026-12-24T23:00:00.000Z');
    expect(skipsOf(eventsOf('run-skipped'))).toEqual([
      [
        '2026-12-24T23:00:00.000Z',
        'excluded by calendar "christmas"',
        { reason: 'calendar', count: 1, more: false, lastAt: ms('2026-12-24T23:00:00.000Z') },
      ],
    ]);
    clock.advanceTo('2026-12-25T11:00:00.000Z');
    // No wake in between: the row grows when asked (history, show) or when the span ends.
    expect(count(eventsOf('run-skipped'))).toEqual([1]);
    scheduler.settleSkipped('tick');
    expect(skipsOf(eventsOf('run-skipped'))).toEqual([
      [
        '2026-12-24T23:00:00.000Z',
        'excluded by calendar "christmas"',
        { reason: 'calendar', count: 12 * 3600 + 1, more: false, lastAt: ms('2026-12-25T11:00:00.000Z') },
      ],
    ]);
    expect(new Set(eventsOf('run-skipped').map((run) => run.id)).size).toBe(1);
    clock.advanceTo('2026-12-25T23:00:00.000Z');
    expect(count(eventsOf('run-skipped'))).toEqual([86_400]);
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual(['2026-12-25T23:00:00.000Z']);
  });

  test('a reload at noon removing the date: the afternoon instants run, the row keeps the morning', () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-12-24T22:59:59.000Z');
    scheduler.add(tick([CHRISTMAS]));
    scheduler.start();
    clock.advanceTo('2026-12-25T11:00:00.000Z');
    // The same calendars again: the span goes on, no new row, no wake before the day's end.
    scheduler.replace(tick([{ name: 'christmas', days: dates('2026-12-25') }]));
    expect(count(eventsOf('run-skipped'))).toEqual([12 * 3600 + 1]);
    clock.advanceTo('2026-12-25T11:00:05.000Z');
    expect(count(eventsOf('run-skipped'))).toEqual([12 * 3600 + 1]);
    scheduler.replace(tick([]));
    expect(iso(scheduler.get('tick').nextAt)).toBe('2026-12-25T11:00:06.000Z');
    clock.advanceTo('2026-12-25T11:00:08.000Z');
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual([
      '2026-12-25T11:00:06.000Z',
      '2026-12-25T11:00:07.000Z',
      '2026-12-25T11:00:08.000Z',
    ]);
    expect(skipsOf(eventsOf('run-skipped'))).toEqual([
      [
        '2026-12-24T23:00:00.000Z',
        'excluded by calendar "christmas"',
        { reason: 'calendar', count: 12 * 3600 + 6, more: false, lastAt: ms('2026-12-25T11:00:05.000Z') },
      ],
    ]);
  });

  test('held mid-span: the calendar row ends at the hold; after resume a new span counts from then', () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-12-24T22:59:59.000Z');
    scheduler.add(tick([CHRISTMAS]));
    scheduler.start();
    clock.advanceTo('2026-12-25T11:00:00.000Z');
    scheduler.hold('tick');
    clock.advanceTo('2026-12-25T11:00:10.000Z');
    scheduler.resume('tick');
    clock.advanceTo('2026-12-25T23:00:00.000Z');
    // Excluded instants while held are in neither row; the held row has none, so none is written.
    expect(skipsOf(eventsOf('run-skipped'))).toEqual([
      [
        '2026-12-24T23:00:00.000Z',
        'excluded by calendar "christmas"',
        { reason: 'calendar', count: 12 * 3600 + 1, more: false, lastAt: ms('2026-12-25T11:00:00.000Z') },
      ],
      [
        '2026-12-25T11:00:11.000Z',
        'excluded by calendar "christmas"',
        { reason: 'calendar', count: 12 * 3600 - 11, more: false, lastAt: ms('2026-12-25T22:59:59.000Z') },
      ],
    ]);
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual(['2026-12-25T23:00:00.000Z']);
  });

  test('stop mid-span: the row counts up to the stop, not the rest of the day', async () => {
    const { clock, scheduler, eventsOf } = createEngine('2026-12-24T22:59:59.000Z');
    scheduler.add(tick([CHRISTMAS]));
    scheduler.start();
    clock.advanceTo('2026-12-25T05:00:00.000Z');
    await scheduler.stop();
    expect(skipsOf(eventsOf('run-skipped'))).toEqual([
      [
        '2026-12-24T23:00:00.000Z',
        'excluded by calendar "christmas"',
        { reason: 'calendar', count: 6 * 3600 + 1, more: false, lastAt: ms('2026-12-25T05:00:00.000Z') },
      ],
    ]);
  });
});

describe('catch-up after downtime', () => {
  test('instants on excluded dates are not missed: catch-up all runs only the others', async () => {
    const engine = createEngine('2026-12-27T12:00:00.000Z');
    engine.scheduler.add(nightly([HOLIDAYS], { catchUp: 'all' }), {
      lastScheduledAt: ms('2026-12-21T23:30:00.000Z'),
    });
    engine.scheduler.start();
    // catch-up all runs them one after another.
    engine.runner.finish(engine.runner.running()[0] as number);
    await flush();
    // Down from the 22nd (local) to the 27th: 23 and 27 were missed and run; 24-26 were excluded.
    expect(engine.runner.requests.map((request) => [request.trigger, iso(request.scheduledAt)])).toEqual([
      ['catch-up', '2026-12-22T23:30:00.000Z'],
      ['catch-up', '2026-12-26T23:30:00.000Z'],
    ]);
    expect(engine.eventsOf('run-skipped')).toEqual([]);
  });

  test('catch-up skip counts only the instants not excluded as missed', () => {
    const engine = createEngine('2026-12-27T12:00:00.000Z');
    engine.scheduler.add(nightly(), { lastScheduledAt: ms('2026-12-21T23:30:00.000Z') });
    engine.scheduler.start();
    expect(engine.eventsOf('run-skipped').map((run) => [run.error, run.skip?.reason, run.skip?.count])).toEqual([
      ['missed 2 instants while taskkit was down (catch-up: skip)', 'missed', 2],
    ]);
  });

  test('a late wake past a run of excluded dates records it, then the passed instant runs late, once', () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-12-23T12:00:00.000Z');
    scheduler.add(nightly([HOLIDAYS], { catchUp: 'once' }));
    scheduler.start();
    // The event loop is blocked through the holidays: the timer fires late, at noon on the 27th.
    clock.stall(ms('2026-12-27T12:00:00.000Z') - ms('2026-12-23T12:00:00.000Z'));
    clock.advanceBy(0);
    expect(rowsOf(eventsOf('run-skipped')).map((run) => [run.skip?.reason, run.skip?.count])).toEqual([
      ['calendar', 3],
    ]);
    expect(runner.requests.map((request) => [request.trigger, iso(request.scheduledAt)])).toEqual([
      ['schedule', '2026-12-26T23:30:00.000Z'],
    ]);
    expect(iso(scheduler.get('nightly').nextAt)).toBe('2026-12-27T23:30:00.000Z');
  });
});

describe('reload', () => {
  test('a new calendar is no new definition: the next instant stays, and is skipped once it is excluded', () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-12-20T12:00:00.000Z');
    scheduler.add(nightly([]));
    scheduler.start();
    scheduler.reschedule('nightly', daily('00:45'));
    scheduler.replace(nightly([{ name: 'holidays', days: dates('2026-12-21') }]));
    // The run-time reschedule stays (a calendar change is no definition change), its dates now excluded.
    expect(scheduler.get('nightly').rescheduled).toBe(true);
    expect(iso(scheduler.get('nightly').nextAt)).toBe('2026-12-21T23:45:00.000Z');
    clock.advanceTo('2026-12-22T00:00:00.000Z');
    expect(rowsOf(eventsOf('run-skipped')).map((run) => [iso(run.scheduledAt), run.skip?.reason])).toEqual([
      ['2026-12-20T23:45:00.000Z', 'calendar'],
    ]);
    expect(runner.requests.map((request) => iso(request.scheduledAt))).toEqual(['2026-12-21T23:45:00.000Z']);
  });
});
