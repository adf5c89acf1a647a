/**
 * The embedding API (src/library/scheduler.ts, README "Embedding"): tasks defined with the
 * tasks-file keys, validated by the same rules, `run` as a function; on a fake clock with the
 * real in-process function runner.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { ConfigError, Scheduler, TaskkitError, type RunRecord, type TaskContext } from '../../src/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { flush } from '../support/fake-runner.js';

let scheduler: Scheduler | undefined;
afterEach(async () => {
  await scheduler?.stop({ graceMs: 0 });
  scheduler = undefined;
});

function create(start: string): { clock: FakeClock; scheduler: Scheduler; finished: RunRecord[] } {
  const clock = new FakeClock(start);
  scheduler = new Scheduler({ timezone: 'Europe/Berlin', clock });
  const finished: RunRecord[] = [];
  scheduler.on('run-finished', (run) => finished.push(run));
  return { clock, scheduler, finished };
}

describe('Scheduler (library API)', () => {
  test('a function task on `every` runs at its instants with the TaskKit context, and its result is kept', async () => {
    const { clock, scheduler, finished } = create('2026-03-01T09:59:30Z');
    const seen: Array<Pick<TaskContext, 'name' | 'trigger' | 'attempt' | 'scheduledAt'>> = [];
    scheduler.add('sweep', {
      every: '1m',
      run: (ctx: TaskContext) => {
        seen.push({ name: ctx.name, trigger: ctx.trigger, attempt: ctx.attempt, scheduledAt: ctx.scheduledAt });
        ctx.log('swept', 3);
        return { swept: 3 };
      },
    });
    scheduler.start();
    clock.advanceTo('2026-03-01T10:00:00Z');
    await flush(); // the run settles on a microtask; advancing past both instants at once would find it still running
    clock.advanceTo('2026-03-01T10:01:00Z');
    await flush();
    expect(seen).toEqual([
      { name: 'sweep', trigger: 'schedule', attempt: 1, scheduledAt: Date.parse('2026-03-01T10:00:00Z') },
      { name: 'sweep', trigger: 'schedule', attempt: 1, scheduledAt: Date.parse('2026-03-01T10:01:00Z') },
    ]);
    expect(finished.map((run) => [run.status, run.result, run.output.toString()])).toEqual([
      ['succeeded', { swept: 3 }, 'swept 3\n'],
      ['succeeded', { swept: 3 }, 'swept 3\n'],
    ]);
  });

  test("daily times are wall-clock times in the scheduler's zone", () => {
    const { scheduler } = create('2026-03-01T00:00:00Z');
    const status = scheduler.add('report', { daily: '03:30', run: () => undefined });
    expect(new Date(status.nextAt ?? 0).toISOString()).toBe('2026-03-01T02:30:00.000Z'); // 03:30 CET = 02:30 UTC
  });

  test('definitions are validated by the tasks-file rules: every problem at once, as a ConfigError', () => {
    const { scheduler } = create('2026-03-01T00:00:00Z');
    let error: unknown;
    try {
      scheduler.add('bad', { every: '5 minutes', overlap: 'skp', run: () => undefined });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const messages = (error as ConfigError).issues.map((issue) => issue.message);
    expect(messages).toHaveLength(2);
    expect(messages.join('\n')).toMatch(/"5 minutes"/);
    expect(messages.join('\n')).toMatch(/did you mean "skip"/);
    expect(scheduler.list()).toEqual([]);
  });

  test('runNow, hold and resume, reschedule with tasks-file keys, and reset', async () => {
    const { clock, scheduler, finished } = create('2026-03-01T10:00:30Z');
    scheduler.add('beat', { every: '1m', run: () => 'ok' });
    scheduler.start();
    const manual = scheduler.runNow('beat');
    expect((await scheduler.waitForRun(manual.id)).trigger).toBe('manual');

    expect(scheduler.hold('beat', 'maintenance')).toMatchObject({ state: 'held', holdNote: 'maintenance' });
    clock.advanceTo('2026-03-01T10:03:00Z');
    await flush();
    expect(finished.filter((run) => run.trigger === 'schedule')).toEqual([]);
    expect(scheduler.resume('beat').state).toBe('scheduled');

    const rescheduled = scheduler.reschedule('beat', { cron: '*/15 * * * *' });
    expect(rescheduled.rescheduled).toBe(true);
    expect(new Date(rescheduled.nextAt ?? 0).toISOString()).toBe('2026-03-01T10:15:00.000Z');
    expect(() => scheduler.reschedule('beat', { cron: '75 * * * *' })).toThrow(ConfigError);
    const byRule = scheduler.reschedule('beat', { rrule: 'FREQ=HOURLY;BYMINUTE=20', start: '2026-03-01T00:00' });
    expect(new Date(byRule.nextAt ?? 0).toISOString()).toBe('2026-03-01T10:20:00.000Z');
    expect(() => scheduler.reschedule('beat', { rrule: 'FREQ=HOURLY;BYMINUTE=60' })).toThrow(/rrule part "BYMINUTE"/);
    const reset = scheduler.reschedule('beat', null);
    expect(reset.rescheduled).toBe(false);
    expect(new Date(reset.nextAt ?? 0).toISOString()).toBe('2026-03-01T10:04:00.000Z');
  });

  test('a throwing function fails the run with its message; an unknown task is TASK_UNKNOWN', async () => {
    const { scheduler } = create('2026-03-01T10:00:00Z');
    scheduler.add('boom', {
      run: () => {
        throw new Error('disk full');
      },
    });
    scheduler.start();
    const run = await scheduler.waitForRun(scheduler.runNow('boom').id);
    expect(run).toMatchObject({ status: 'failed', error: 'disk full' });
    expect(() => scheduler.runNow('bom')).toThrow(TaskkitError);
    try {
      scheduler.runNow('bom');
    } catch (error) {
      expect((error as TaskkitError).code).toBe('TASK_UNKNOWN');
    }
  });

  test("ctx.handle.setPeriod changes the task's own period at run time (TaskKit setPeriod)", async () => {
    const { clock, scheduler } = create('2026-03-01T10:00:30Z');
    scheduler.add('adaptive', {
      every: '1m',
      run: (ctx: TaskContext) => ctx.handle.setPeriod('10m'),
    });
    scheduler.start();
    clock.advanceTo('2026-03-01T10:01:00Z');
    await flush();
    const status = scheduler.get('adaptive');
    expect(status.rescheduled).toBe(true);
    expect(new Date(status.nextAt ?? 0).toISOString()).toBe('2026-03-01T10:10:00.000Z');
  });

  test('calendars: `except` skips excluded local dates, naming the calendar; an unknown one is an error', async () => {
    const clock = new FakeClock('2026-12-24T12:00:00Z');
    scheduler = new Scheduler({
      timezone: 'Europe/Berlin',
      clock,
      calendars: { holidays: ['2026-12-25', '2026-12-26'], office: '2026-12-31..2027-01-01' },
    });
    const skipped: RunRecord[] = [];
    scheduler.on('run-skipped', (run) => skipped.push(run));
    const status = scheduler.add('export', { daily: '00:30', run: () => undefined, except: ['holidays'] });
    // 00:30 Berlin on the 25th and 26th are excluded: the next instant is the 27th's (23:30 UTC on the 26th).
    expect(new Date(status.nextAt ?? 0).toISOString()).toBe('2026-12-26T23:30:00.000Z');
    scheduler.start();
    clock.advanceTo('2026-12-25T00:00:00Z');
    await flush();
    expect(skipped.map((run) => [run.task, run.skip?.reason, run.error])).toEqual([
      ['export', 'calendar', expect.stringContaining('excluded by calendar "holidays"')],
    ]);
    expect(() => scheduler?.add('sync', { every: '1h', run: () => undefined, except: 'holiday' })).toThrow(
      /unknown calendar "holiday" \(did you mean "holidays"\)/,
    );
    expect(() => new Scheduler({ calendars: { bad: '2026-02-30' } })).toThrow(/no such date: 2026-02-30/);
  });

  test('runMake: the after-all prerequisites first, each once, then the task; a failure skips the rest', async () => {
    const { scheduler } = create('2026-03-01T10:00:00Z');
    const ran: string[] = [];
    const step =
      (name: string, ok = true) =>
      () => {
        ran.push(name);
        if (!ok) throw new Error(`${name} broke`);
      };
    scheduler.add('extract', { run: step('extract') });
    scheduler.add('transform', { 'after-all': ['extract'], run: step('transform') });
    scheduler.add('load', { 'after-all': ['extract', 'transform'], run: step('load') });
    scheduler.start();
    const make = scheduler.runMake('load');
    expect(make.order).toEqual(['extract', 'transform', 'load']);
    expect(make.first.task).toBe('extract');
    const result = await make.done;
    expect(ran).toEqual(['extract', 'transform', 'load']);
    expect(result.steps.map((run) => [run.task, run.status])).toEqual([
      ['extract', 'succeeded'],
      ['transform', 'succeeded'],
      ['load', 'succeeded'],
    ]);
    expect(result.failed).toBeNull();

    scheduler.add('report', { 'after-all': ['load'], run: step('report') });
    scheduler.remove('extract');
    scheduler.add('extract', { run: step('extract', false) });
    const failing = await scheduler.runMake('report').done;
    expect(failing.failed).toMatchObject({ task: 'extract', status: 'failed' });
    expect(failing.steps.map((run) => [run.task, run.status, run.skip?.reason ?? null])).toEqual([
      ['extract', 'failed', null],
      ['transform', 'skipped', 'prerequisite-failed'],
      ['load', 'skipped', 'prerequisite-failed'],
      ['report', 'skipped', 'prerequisite-failed'],
    ]);
  });
});
