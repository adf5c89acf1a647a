// Issue 16.1, DESIGN.md "Alerts and health": the engine decides the alerts of `notify:` on its
// clock (engine/alerts.ts). A slot is one scheduled instant with all its retries; `failure` once
// `after` consecutive slots failed, then at most every `repeat`; `recovery` at the success that ends
// an alerted failure or overdue; `overdue` once per period; `auto-hold` when the task is auto-held.
// Only events in `on` go out. The state change is announced (task-changed) before the alert.
import { describe, expect, test } from 'vitest';
import type { AlertEvent, NotifySpec } from '../../src/config/types.js';
import { applyAlerts, decideAlerts, NO_ALERTS } from '../../src/engine/alerts.js';
import type { Alert } from '../../src/engine/events.js';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask, ms } from '../support/engine-task.js';

const START = '2026-10-01T00:00:00.000Z';
const MIN = 60_000;
const ALL: readonly AlertEvent[] = ['failure', 'recovery', 'overdue', 'auto-hold'];

function notifier(options: Partial<Omit<NotifySpec, 'target'>> = {}): NotifySpec {
  return { target: { kind: 'run', run: './alert.sh' }, on: ALL, after: 1, repeatMs: null, ...options };
}

/** [event, at, failures, run id, overdueSince] of each alert: compact and exact. */
const summary = (alerts: readonly Alert[]) =>
  alerts.map((alert) => [
    alert.event,
    iso(alert.at),
    alert.failures,
    alert.run?.id ?? null,
    alert.overdueSince === undefined ? undefined : iso(alert.overdueSince),
  ]);

type Engine = ReturnType<typeof createEngine>;

/** Let the slot `minutes` after START start; end its one running run as `status`. */
async function slotAt(engine: Engine, minutes: number, status: 'failed' | 'succeeded'): Promise<number> {
  engine.clock.advanceTo(new Date(ms(START) + minutes * MIN).toISOString());
  const [id] = engine.runner.running();
  if (id === undefined) throw new Error(`no run at +${minutes}m`);
  engine.runner.finish(id, status === 'failed' ? { status, exitCode: 1 } : { status, exitCode: 0 });
  await flush();
  return id;
}

describe('the rules (decideAlerts, pure)', () => {
  const at = ms(START);

  test("applyAlerts keeps decideAlerts' state in the task's alertState and returns what to send", () => {
    const task = { alertState: NO_ALERTS };
    const failed = { kind: 'slot-failed', failures: 1, slotAt: at } as const;
    expect(applyAlerts(task, notifier(), failed, at + 1)).toEqual(['failure']);
    expect(task.alertState).toEqual({ failureAlertedAt: at, overdueAlertedAt: null });
    expect(applyAlerts(task, notifier(), { ...failed, failures: 2, slotAt: at + MIN }, at + MIN)).toEqual([]);
    expect(applyAlerts(task, notifier(), { kind: 'succeeded', slot: true }, at + 2 * MIN)).toEqual(['recovery']);
    expect(task.alertState).toEqual(NO_ALERTS);
  });

  test('failure: at `after`, then only after `repeat` between slot instants; none without notify or `on`', () => {
    const spec = notifier({ after: 2, repeatMs: 3_600_000 });
    const failed = (failures: number, slotAt: number) => ({ kind: 'slot-failed', failures, slotAt }) as const;
    expect(decideAlerts(NO_ALERTS, spec, failed(1, at), at).send).toEqual([]);
    // Decided when the slot's run ended (5 minutes after its instant): the state keeps the instant.
    const first = decideAlerts(NO_ALERTS, spec, failed(2, at), at + 300_000);
    expect(first).toEqual({ state: { failureAlertedAt: at, overdueAlertedAt: null }, send: ['failure'] });
    // A slot 1h after it, whose run ended sooner: due all the same (slot instants, not run ends).
    expect(decideAlerts(first.state, spec, failed(3, at + 3_599_999), at + 3_600_000).send).toEqual([]);
    expect(decideAlerts(first.state, spec, failed(4, at + 3_600_000), at + 3_600_001)).toEqual({
      state: { failureAlertedAt: at + 3_600_000, overdueAlertedAt: null },
      send: ['failure'],
    });
    const unchanged = decideAlerts(NO_ALERTS, undefined, failed(9, at), at);
    expect(unchanged).toEqual({ state: NO_ALERTS, send: [] });
    expect(unchanged.state).toBe(NO_ALERTS);
    expect(decideAlerts(NO_ALERTS, notifier({ on: ['recovery'] }), failed(9, at), at)).toEqual({
      state: NO_ALERTS,
      send: [],
    });
  });

  test('recovery: ends what was sent; a run-now success ends an overdue period, not failing slots', () => {
    const both = { failureAlertedAt: at, overdueAlertedAt: at };
    expect(decideAlerts(both, notifier(), { kind: 'succeeded', slot: false }, at)).toEqual({
      state: { failureAlertedAt: at, overdueAlertedAt: null },
      send: ['recovery'],
    });
    expect(decideAlerts(both, notifier(), { kind: 'succeeded', slot: true }, at)).toEqual({
      state: NO_ALERTS,
      send: ['recovery'],
    });
    expect(decideAlerts(NO_ALERTS, notifier(), { kind: 'succeeded', slot: true }, at).send).toEqual([]);
    // Recovery left out of `on`: the state is cleared all the same, nothing is sent.
    expect(decideAlerts(both, notifier({ on: ['failure'] }), { kind: 'succeeded', slot: true }, at)).toEqual({
      state: NO_ALERTS,
      send: [],
    });
  });

  test('overdue once per period; auto-hold when in `on`', () => {
    const sent = decideAlerts(NO_ALERTS, notifier(), { kind: 'overdue' }, at);
    expect(sent).toEqual({ state: { failureAlertedAt: null, overdueAlertedAt: at }, send: ['overdue'] });
    expect(decideAlerts(sent.state, notifier(), { kind: 'overdue' }, at + 1).send).toEqual([]);
    expect(decideAlerts(NO_ALERTS, notifier(), { kind: 'auto-hold' }, at).send).toEqual(['auto-hold']);
    expect(decideAlerts(NO_ALERTS, notifier({ on: ['failure'] }), { kind: 'auto-hold' }, at).send).toEqual([]);
  });
});

describe('failure and recovery on the engine', () => {
  test('5 failed slots then a success (after: 2, repeat: 1h, every 20m): failure at 2 and 5, a recovery', async () => {
    const engine = createEngine(START);
    engine.scheduler.add(
      makeTask('backup', { schedule: every('20m'), notify: notifier({ after: 2, repeatMs: 3_600_000 }) }),
    );
    engine.scheduler.start();
    for (const minutes of [20, 40, 60, 80, 100]) await slotAt(engine, minutes, 'failed');
    await slotAt(engine, 120, 'succeeded');
    await slotAt(engine, 140, 'succeeded');
    expect(summary(engine.eventsOf('alert'))).toEqual([
      ['failure', '2026-10-01T00:40:00.000Z', 2, 2, undefined],
      // 40m + 1h: the first failed slot at least `repeat` after the last failure sent.
      ['failure', '2026-10-01T01:40:00.000Z', 5, 5, undefined],
      ['recovery', '2026-10-01T02:00:00.000Z', 5, 6, undefined],
    ]);
    expect(engine.eventsOf('alert')[0]?.notify).toEqual(notifier({ after: 2, repeatMs: 3_600_000 }));
    expect(engine.scheduler.get('backup').alert).toEqual(NO_ALERTS);
    expect(engine.logs).toContainEqual(['info', 'backup: alert failure (2 failed slot(s)) to its run notifier']);
  });

  test('repeat counts between slot instants, however long the runs took', async () => {
    const engine = createEngine(START);
    const { scheduler, runner, clock } = engine;
    scheduler.add(makeTask('slow', { schedule: every('20m'), notify: notifier({ repeatMs: 40 * MIN }) }));
    scheduler.start();
    // Slot 00:20 fails at 00:25 (alerted); 00:40 fails at 00:41; 01:00 fails at 01:01: 40m after the
    // alerted slot's instant (only 36m after that alert was decided), so failure goes out again.
    for (const [slotAt, endsAt] of [
      ['00:20', '00:25'],
      ['00:40', '00:41'],
      ['01:00', '01:01'],
    ] as const) {
      clock.advanceTo(`2026-10-01T${slotAt}:00.000Z`);
      const [id] = runner.running();
      clock.advanceTo(`2026-10-01T${endsAt}:00.000Z`);
      runner.finish(id as number, { status: 'failed', exitCode: 1 });
      await flush();
    }
    expect(summary(engine.eventsOf('alert'))).toEqual([
      ['failure', '2026-10-01T00:25:00.000Z', 1, 1, undefined],
      ['failure', '2026-10-01T01:01:00.000Z', 3, 3, undefined],
    ]);
    expect(scheduler.get('slow').alert.failureAlertedAt).toBe(ms('2026-10-01T01:00:00.000Z'));
  });

  test('retries inside one slot never alert twice; a slot mended by its retry is no failure', async () => {
    const engine = createEngine(START);
    const { scheduler, runner, clock } = engine;
    scheduler.add(
      makeTask('flaky', {
        schedule: every('1h'),
        retry: { attempts: 2, delayMs: MIN, backoff: 1, maxDelayMs: MIN },
        notify: notifier({ repeatMs: MIN }),
      }),
    );
    scheduler.start();
    clock.advanceTo('2026-10-01T01:00:00.000Z');
    for (const id of [1, 2, 3]) {
      runner.finish(id, { status: 'failed', exitCode: 1 });
      await flush();
      // Each retry is due a minute later: well past `repeat`, yet no second failure within the slot.
      clock.advanceBy(MIN);
    }
    expect(summary(engine.eventsOf('alert'))).toEqual([['failure', '2026-10-01T01:02:00.000Z', 1, 3, undefined]]);
    // The next slot: its first attempt fails, its retry succeeds: no failure, and the recovery.
    clock.advanceTo('2026-10-01T02:00:00.000Z');
    runner.finish(4, { status: 'failed', exitCode: 1 });
    await flush();
    clock.advanceBy(MIN);
    runner.finish(5, { status: 'succeeded', exitCode: 0 });
    await flush();
    expect(summary(engine.eventsOf('alert')).map((row) => row[0])).toEqual(['failure', 'recovery']);
    expect(engine.eventsOf('alert')[1]).toMatchObject({ event: 'recovery', failures: 1, run: { id: 5, attempt: 2 } });
  });

  test('run-now failures neither count nor alert; its success does not end failing slots', async () => {
    const engine = createEngine(START);
    engine.scheduler.add(makeTask('job', { schedule: every('10m'), notify: notifier() }));
    engine.scheduler.start();
    const manual = engine.scheduler.runNow('job');
    engine.runner.finish(manual.id, { status: 'failed', exitCode: 1 });
    await flush();
    expect(engine.eventsOf('alert')).toEqual([]);
    await slotAt(engine, 10, 'failed');
    const fixed = engine.scheduler.runNow('job');
    engine.runner.finish(fixed.id, { status: 'succeeded', exitCode: 0 });
    await flush();
    expect(summary(engine.eventsOf('alert')).map((row) => row[0])).toEqual(['failure']);
    await slotAt(engine, 20, 'succeeded');
    expect(summary(engine.eventsOf('alert')).map((row) => row[0])).toEqual(['failure', 'recovery']);
  });

  test('a task without instants has a slot per triggered run: run-now failures alert (after, recovery)', async () => {
    const engine = createEngine(START);
    engine.scheduler.add(makeTask('snapshot', { notify: notifier({ after: 2 }), holdAfterFailures: 3 }));
    engine.scheduler.start();
    const end = async (status: 'failed' | 'succeeded') => {
      const run = engine.scheduler.runNow('snapshot');
      engine.runner.finish(run.id, status === 'failed' ? { status, exitCode: 1 } : { status, exitCode: 0 });
      await flush();
      return run.id;
    };
    await end('failed');
    expect(engine.eventsOf('alert')).toEqual([]);
    const second = await end('failed');
    const recovered = await end('succeeded');
    expect(summary(engine.eventsOf('alert'))).toEqual([
      ['failure', START, 2, second, undefined],
      ['recovery', START, 2, recovered, undefined],
    ]);
  });

  test('the state change is announced in the same turn, just before the alert', async () => {
    const engine = createEngine(START);
    engine.scheduler.add(makeTask('job', { schedule: every('10m'), notify: notifier() }));
    engine.scheduler.start();
    await slotAt(engine, 10, 'failed');
    const index = engine.events.findIndex((event) => event[0] === 'alert');
    const before = engine.events[index - 1];
    expect(before?.[0]).toBe('task-changed');
    expect(before?.[0] === 'task-changed' ? before[1].alert : null).toEqual({
      failureAlertedAt: ms('2026-10-01T00:10:00.000Z'),
      overdueAlertedAt: null,
    });
    expect(engine.events.slice(index - 3, index - 1).map((event) => event[0])).toEqual([
      'run-finished',
      'task-changed',
    ]);
  });

  test('resume restarts the count of failed slots, not the alert', async () => {
    const engine = createEngine(START);
    engine.scheduler.add(makeTask('job', { schedule: every('10m'), notify: notifier() }));
    engine.scheduler.start();
    await slotAt(engine, 10, 'failed');
    engine.scheduler.hold('job');
    engine.scheduler.resume('job');
    await slotAt(engine, 20, 'failed');
    expect(engine.scheduler.get('job')).toMatchObject({ failedSlots: 1 });
    expect(summary(engine.eventsOf('alert')).map((row) => row[0])).toEqual(['failure']);
    await slotAt(engine, 30, 'succeeded');
    expect(summary(engine.eventsOf('alert')).map((row) => row[0])).toEqual(['failure', 'recovery']);
  });
});

describe('on: filters what is sent', () => {
  test.each<[string, AlertEvent[], string[]]>([
    ['recovery alone: nothing, ever (it only follows a sent alert)', ['recovery'], []],
    ['failure alone: no recovery, and the next failing slots alert again', ['failure'], ['failure', 'failure']],
    ['failure and recovery', ['failure', 'recovery'], ['failure', 'recovery', 'failure']],
  ])('%s', async (_name, on, sent) => {
    const engine = createEngine(START);
    engine.scheduler.add(makeTask('job', { schedule: every('10m'), notify: notifier({ on }) }));
    engine.scheduler.start();
    await slotAt(engine, 10, 'failed');
    await slotAt(engine, 20, 'succeeded');
    await slotAt(engine, 30, 'failed');
    expect(engine.eventsOf('alert').map((alert) => alert.event)).toEqual(sent);
  });

  test('no notify: no alert and no alert state', async () => {
    const engine = createEngine(START);
    engine.scheduler.add(makeTask('job', { schedule: every('10m') }));
    engine.scheduler.start();
    await slotAt(engine, 10, 'failed');
    expect(engine.eventsOf('alert')).toEqual([]);
    expect(engine.scheduler.get('job').alert).toEqual(NO_ALERTS);
  });
});

describe('overdue and auto-hold', () => {
  test('overdue once per period, then recovery at the next success (a run-now), then a new period', async () => {
    const engine = createEngine(START);
    const { scheduler, runner, clock } = engine;
    scheduler.add(makeTask('sync', { expectSuccessWithinMs: 3_600_000, notify: notifier() }));
    scheduler.start();
    clock.advanceTo('2026-10-01T01:00:00.000Z');
    clock.advanceTo('2026-10-01T05:00:00.000Z');
    expect(summary(engine.eventsOf('alert'))).toEqual([
      ['overdue', '2026-10-01T01:00:00.000Z', 0, null, '2026-10-01T00:00:00.000Z'],
    ]);
    const run = scheduler.runNow('sync');
    runner.finish(run.id, { status: 'succeeded', exitCode: 0 });
    await flush();
    clock.advanceTo('2026-10-01T06:00:00.000Z');
    expect(summary(engine.eventsOf('alert'))).toEqual([
      ['overdue', '2026-10-01T01:00:00.000Z', 0, null, '2026-10-01T00:00:00.000Z'],
      ['recovery', '2026-10-01T05:00:00.000Z', 0, run.id, '2026-10-01T00:00:00.000Z'],
      ['overdue', '2026-10-01T06:00:00.000Z', 0, null, '2026-10-01T05:00:00.000Z'],
    ]);
  });

  test('auto-hold: after the failure of the same slot, after the engine event', async () => {
    const engine = createEngine(START);
    engine.scheduler.add(
      makeTask('flaky', { schedule: every('10m'), holdAfterFailures: 2, notify: notifier({ after: 2 }) }),
    );
    engine.scheduler.start();
    await slotAt(engine, 10, 'failed');
    await slotAt(engine, 20, 'failed');
    expect(summary(engine.eventsOf('alert'))).toEqual([
      ['failure', '2026-10-01T00:20:00.000Z', 2, 2, undefined],
      ['auto-hold', '2026-10-01T00:20:00.000Z', 2, 2, undefined],
    ]);
    const names = engine.events.map((event) => event[0]);
    expect(names.indexOf('auto-hold')).toBeLessThan(names.indexOf('alert'));
    expect(engine.scheduler.get('flaky')).toMatchObject({ autoHeld: true });
  });

  test('auto-hold alone in `on`: just that', async () => {
    const engine = createEngine(START);
    engine.scheduler.add(
      makeTask('flaky', { schedule: every('10m'), holdAfterFailures: 1, notify: notifier({ on: ['auto-hold'] }) }),
    );
    engine.scheduler.start();
    await slotAt(engine, 10, 'failed');
    expect(engine.eventsOf('alert').map((alert) => alert.event)).toEqual(['auto-hold']);
  });
});
