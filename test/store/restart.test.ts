// DESIGN.md "State and history" and issue 4 "Done means", across restarts of an engine on a real
// SQLite file: holds and reschedules survive; a crash leaves its running run `interrupted` and
// nothing else lost; catch-up skip/once/all across a 3-hour downtime (fake clock, exact instants);
// a one-shot `at` missed while down runs once, never twice; run ids continue.
import { describe, expect, test } from 'vitest';
import type { TaskSpec } from '../../src/config/types.js';
import { attachStore } from '../../src/store/attach.js';
import { INTERRUPTED_REASON } from '../../src/store/sqlite/runs.js';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask, ms } from '../support/engine-task.js';
import { useTempState } from './_support.js';

const temp = useTempState();

/** What the daemon does at start: open, recover, continue ids, attach, restore each task, start. */
function boot(at: string, tasks: readonly TaskSpec[]) {
  let now = (): number => ms(at);
  const store = temp.open({ now: () => now() });
  const interrupted = store.markInterrupted(ms(at));
  const engine = createEngine(at, { firstRunId: store.nextRunId() });
  now = () => engine.clock.now();
  attachStore(engine.scheduler, store);
  const notices: string[] = [];
  for (const task of tasks) {
    const { state, notice } = store.restoreTask(task);
    if (notice !== null) notices.push(notice);
    engine.scheduler.add(task, state);
  }
  engine.scheduler.start();
  /** `taskkit stop`: graceful, then the store is closed (flushing what is queued). */
  const stop = async (): Promise<void> => {
    await engine.scheduler.stop({ graceMs: 0 });
    store.close();
  };
  return { ...engine, store, interrupted, notices, stop };
}

const requested = (engine: ReturnType<typeof boot>): [number, string, string | null][] =>
  engine.runner.requests.map((request) => [request.runId, request.trigger, iso(request.scheduledAt)]);

describe('holds and reschedules survive stop and start', () => {
  test('a hold with its note and time, and a run-time reschedule, come back', async () => {
    const tasks = [makeTask('report', { schedule: every('1h') }), makeTask('sync', { schedule: every('1h') })];
    const first = boot('2026-07-01T08:00:00.000Z', tasks);
    first.clock.advanceTo('2026-07-01T08:10:00.000Z');
    first.scheduler.hold('report', 'disk full');
    first.scheduler.reschedule('sync', every('15m'));
    await first.stop();

    const second = boot('2026-07-01T08:12:00.000Z', tasks);
    expect(second.notices).toEqual([]);
    expect(second.scheduler.get('report')).toMatchObject({
      state: 'held',
      held: true,
      holdNote: 'disk full',
      heldAt: ms('2026-07-01T08:10:00.000Z'),
    });
    expect(second.scheduler.get('sync')).toMatchObject({ rescheduled: true, schedule: every('15m') });
    expect(iso(second.scheduler.get('sync').nextAt)).toBe('2026-07-01T08:15:00.000Z');
    second.scheduler.resume('report');
    await second.stop();

    const third = boot('2026-07-01T08:14:00.000Z', tasks);
    expect(third.scheduler.get('report')).toMatchObject({ held: false, holdNote: null });
    expect(third.scheduler.get('sync').rescheduled).toBe(true);
  });

  test("a resume outlives the file's hold: true", async () => {
    const tasks = [makeTask('report', { schedule: every('1h'), hold: true })];
    const first = boot('2026-07-01T08:00:00.000Z', tasks);
    expect(first.scheduler.get('report').held).toBe(true);
    first.scheduler.resume('report');
    await first.stop();
    expect(boot('2026-07-01T08:05:00.000Z', tasks).scheduler.get('report').held).toBe(false);
  });

  test('a changed definition in the file clears a stale reschedule, and says so for the log', async () => {
    const first = boot('2026-07-01T08:00:00.000Z', [makeTask('sync', { schedule: every('1h') })]);
    first.scheduler.reschedule('sync', every('15m'));
    await first.stop();
    const edited = makeTask('sync', {
      schedule: every('1h'),
      action: { kind: 'shell', script: './sync.sh --fast', shell: '/bin/sh' },
    });
    const second = boot('2026-07-01T08:05:00.000Z', [edited]);
    expect(second.notices).toEqual([
      'sync: its definition in the tasks file changed since it was rescheduled at run time (every); ' +
        "the reschedule is dropped and the file's schedule applies",
    ]);
    expect(second.scheduler.get('sync')).toMatchObject({ rescheduled: false, schedule: every('1h') });
    await second.stop();
    // The new definition was saved: the next start has nothing more to say.
    expect(boot('2026-07-01T08:06:00.000Z', [edited]).notices).toEqual([]);
  });
});

describe('kill -9 during a run, then start', () => {
  test('that run is interrupted, with its pid for the log; nothing else is lost; ids continue', async () => {
    const tasks = [makeTask('backup', { schedule: every('1h') }), makeTask('report')];
    const crashed = boot('2026-07-01T08:30:00.000Z', tasks);
    crashed.scheduler.runNow('backup');
    crashed.clock.advanceTo('2026-07-01T08:31:00.000Z');
    crashed.runner.finish(1, { output: Buffer.from('ok\n'), outputBytes: 3 });
    await flush();
    crashed.scheduler.hold('report', 'waiting for #12');
    crashed.clock.advanceTo('2026-07-01T09:00:00.000Z');
    expect(crashed.runner.running()).toEqual([2]);
    await flush();
    // The process dies here: no stop(), no close(); only what was flushed is on disk.

    const restarted = boot('2026-07-01T09:20:00.000Z', tasks);
    expect(restarted.interrupted).toStrictEqual([
      {
        id: 2,
        task: 'backup',
        trigger: 'schedule',
        scheduledAt: ms('2026-07-01T09:00:00.000Z'),
        createdAt: ms('2026-07-01T09:00:00.000Z'),
        startedAt: ms('2026-07-01T09:00:00.000Z'),
        endedAt: ms('2026-07-01T09:20:00.000Z'),
        status: 'interrupted',
        exitCode: null,
        signal: null,
        attempt: 1,
        pid: 1002,
        outputTruncated: false,
        outputBytes: 0,
        stop: null,
        error: INTERRUPTED_REASON.running,
      },
    ]);
    expect(restarted.store.getRun(1)).toMatchObject({
      status: 'succeeded',
      output: Buffer.from('ok\n'),
      trigger: 'manual',
    });
    expect(restarted.scheduler.get('report')).toMatchObject({ held: true, holdNote: 'waiting for #12' });
    expect(restarted.scheduler.runNow('backup').id).toBe(3);
    expect(restarted.store.listRuns().map((run) => [run.id, run.status])).toEqual([
      [3, 'running'],
      [2, 'interrupted'],
      [1, 'succeeded'],
    ]);
  });
});

describe('catch-up across a simulated 3-hour downtime', () => {
  // every 30m phased at :05 and :35; up 08:00-08:50 (fired 08:05, 08:35), down until 11:50.
  const MISSED = ['09:05', '09:35', '10:05', '10:35', '11:05', '11:35'].map((time) => `2026-07-01T${time}:00.000Z`);

  async function downFor3Hours(task: Partial<TaskSpec>) {
    const tasks = [makeTask('job', { schedule: every('30m', '2026-07-01T08:05'), ...task })];
    const first = boot('2026-07-01T08:00:00.000Z', tasks);
    for (const at of ['08:05', '08:35']) {
      first.clock.advanceTo(`2026-07-01T${at}:00.000Z`);
      first.runner.finish(first.runner.running()[0] ?? -1);
      await flush();
    }
    first.clock.advanceTo('2026-07-01T08:50:00.000Z');
    await first.stop();
    return { tasks, second: boot('2026-07-01T11:50:00.000Z', tasks) };
  }

  test('skip (default): one skipped catch-up record, no run; `every` keeps its phase', async () => {
    const { second } = await downFor3Hours({});
    expect(second.runner.requests).toEqual([]);
    expect(second.eventsOf('run-skipped').map((run) => [run.id, run.trigger, iso(run.scheduledAt), run.error])).toEqual(
      [[3, 'catch-up', '2026-07-01T09:05:00.000Z', 'missed 6 instants while taskkit was down (catch-up: skip)']],
    );
    // One row for the six, from the first to the last (issue 16.7).
    expect(second.store.getRun(3)?.skip).toEqual({
      reason: 'missed',
      count: 6,
      more: false,
      lastAt: ms('2026-07-01T11:35:00.000Z'),
    });
    expect(iso(second.scheduler.get('job').nextAt)).toBe('2026-07-01T12:05:00.000Z');
    expect(second.store.listRuns().map((run) => [run.id, run.trigger, run.status])).toEqual([
      [3, 'catch-up', 'skipped'],
      [2, 'schedule', 'succeeded'],
      [1, 'schedule', 'succeeded'],
    ]);
  });

  test('once: one run, for the latest missed instant, recorded with trigger catch-up', async () => {
    const { second } = await downFor3Hours({ catchUp: 'once' });
    expect(requested(second)).toEqual([[4, 'catch-up', '2026-07-01T11:35:00.000Z']]);
    // The five not run are one row before it (issue 16.7).
    expect(second.store.getRun(3)).toMatchObject({
      status: 'skipped',
      scheduledAt: ms('2026-07-01T09:05:00.000Z'),
      error: 'missed 5 instants while taskkit was down (catch-up: once, ran the latest)',
      skip: { reason: 'missed', count: 5, more: false, lastAt: ms('2026-07-01T11:05:00.000Z') },
    });
    second.runner.finish(4);
    await flush();
    expect(second.store.getRun(4)).toMatchObject({
      trigger: 'catch-up',
      status: 'succeeded',
      scheduledAt: ms('2026-07-01T11:35:00.000Z'),
    });
  });

  test('all: each missed instant, in order, one after another', async () => {
    const { second } = await downFor3Hours({ catchUp: 'all' });
    for (let id = 3; id <= 8; id++) {
      expect(second.runner.running()).toEqual([id]);
      second.runner.finish(id);
      await flush();
    }
    expect(requested(second)).toEqual(MISSED.map((at, index) => [index + 3, 'catch-up', at]));
    expect(second.store.listRuns({ limit: 6 }).map((run) => [run.id, run.trigger, run.status])).toEqual(
      [8, 7, 6, 5, 4, 3].map((id) => [id, 'catch-up', 'succeeded']),
    );
  });

  test('all, bounded by deadline 1h: older instants are skipped with the reason, younger ones run', async () => {
    const { second } = await downFor3Hours({ catchUp: 'all', deadlineMs: 3_600_000 });
    expect(second.eventsOf('run-skipped').map((run) => [run.id, iso(run.scheduledAt), run.error])).toEqual([
      [3, MISSED[0], 'would start 2h45m after its instant, past its deadline of 1h'],
      [4, MISSED[1], 'would start 2h15m after its instant, past its deadline of 1h'],
      [5, MISSED[2], 'would start 1h45m after its instant, past its deadline of 1h'],
      [6, MISSED[3], 'would start 1h15m after its instant, past its deadline of 1h'],
    ]);
    expect(requested(second)).toEqual([[7, 'catch-up', MISSED[4]]]);
    second.runner.finish(7);
    await flush();
    expect(requested(second)).toEqual([
      [7, 'catch-up', MISSED[4]],
      [8, 'catch-up', MISSED[5]],
    ]);
  });

  test('a second restart soon after catches nothing up again', async () => {
    const { tasks, second } = await downFor3Hours({ catchUp: 'all' });
    for (let id = 3; id <= 8; id++) {
      second.runner.finish(id);
      await flush();
    }
    await second.stop();
    const third = boot('2026-07-01T11:55:00.000Z', tasks);
    expect(third.runner.requests).toEqual([]);
    expect(third.eventsOf('run-skipped')).toEqual([]);
    expect(third.store.loadTaskState('job')?.lastScheduledAt).toBe(ms('2026-07-01T11:35:00.000Z'));
  });
});

describe('a one-shot `at` that passed while the daemon was down', () => {
  const migrate = (catchUp: TaskSpec['catchUp']): TaskSpec[] => [
    makeTask('migrate', { schedule: { kind: 'at', instants: [ms('2026-07-01T10:00:00.000Z')] }, catchUp }),
  ];

  test('runs once when its policy allows, and never twice', async () => {
    const tasks = migrate('once');
    const first = boot('2026-07-01T08:00:00.000Z', tasks);
    first.clock.advanceTo('2026-07-01T08:30:00.000Z');
    await first.stop();

    const second = boot('2026-07-01T11:00:00.000Z', tasks);
    expect(requested(second)).toEqual([[1, 'catch-up', '2026-07-01T10:00:00.000Z']]);
    second.runner.finish(1);
    await flush();
    await second.stop();

    const third = boot('2026-07-01T11:30:00.000Z', tasks);
    expect(third.runner.requests).toEqual([]);
    expect(third.eventsOf('run-skipped')).toEqual([]);
    expect(third.scheduler.get('migrate').state).toBe('done');
    expect(third.store.listRuns().map((run) => [run.id, run.trigger, run.status])).toEqual([
      [1, 'catch-up', 'succeeded'],
    ]);
  });

  test('with catch-up skip it is recorded as missed, not run', async () => {
    const tasks = migrate('skip');
    await boot('2026-07-01T08:00:00.000Z', tasks).stop();
    const second = boot('2026-07-01T11:00:00.000Z', tasks);
    expect(second.runner.requests).toEqual([]);
    expect(second.store.listRuns().map((run) => [run.trigger, iso(run.scheduledAt), run.status, run.error])).toEqual([
      ['catch-up', '2026-07-01T10:00:00.000Z', 'skipped', 'missed 1 instant while taskkit was down (catch-up: skip)'],
    ]);
  });
});
