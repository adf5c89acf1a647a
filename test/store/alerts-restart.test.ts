// Issue 16.1: the alert state of `notify:` survives a restart and kill -9 (task_state, migration 7):
// a restart neither repeats an alert nor forgets one. A real SQLite store in a temp dir; the
// "daemon" is a Scheduler on the fake clock restored from it, as daemon/main.ts does.
import Sqlite from 'better-sqlite3';
import { expect, test } from 'vitest';
import type { NotifySpec, TaskSpec } from '../../src/config/types.js';
import { createDeliveryService } from '../../src/daemon/notify/deliveries.js';
import type { Alert } from '../../src/engine/events.js';
import { flush } from '../support/fake-runner.js';
import { every, iso, makeTask, ms } from '../support/engine-task.js';
import { bootOnStore, useTempState } from './_support.js';

const temp = useTempState();
const NOTIFY: NotifySpec = {
  target: { kind: 'url', url: 'https://hooks.example.com/t' },
  on: ['failure', 'recovery', 'overdue', 'auto-hold'],
  after: 2,
  repeatMs: 3_600_000,
};

const boot = (at: string, tasks: readonly TaskSpec[]) => bootOnStore(temp, at, tasks);

type Daemon = ReturnType<typeof boot>;

/** The slot at `at`: its one run ends as `status`; the turn's writes are committed (setImmediate). */
async function slot(daemon: Daemon, at: string, status: 'failed' | 'succeeded'): Promise<void> {
  daemon.clock.advanceTo(at);
  const [id] = daemon.runner.running();
  if (id === undefined) throw new Error(`no run at ${at}`);
  daemon.runner.finish(id, status === 'failed' ? { status, exitCode: 1 } : { status, exitCode: 0 });
  await flush();
  await flush();
}

const summary = (alerts: readonly Alert[]) => alerts.map((alert) => [alert.event, iso(alert.at), alert.failures]);

test('5 failed slots then a success (after: 2, repeat: 1h, every 20m), killed -9 after the third', async () => {
  const backup = makeTask('backup', { schedule: every('20m'), notify: NOTIFY });
  const first = boot('2026-10-01T00:00:00.000Z', [backup]);
  await slot(first, '2026-10-01T00:20:00.000Z', 'failed');
  await slot(first, '2026-10-01T00:40:00.000Z', 'failed');
  await slot(first, '2026-10-01T01:00:00.000Z', 'failed');
  expect(summary(first.eventsOf('alert'))).toEqual([['failure', '2026-10-01T00:40:00.000Z', 2]]);
  // kill -9: the store is never closed (no write at exit); only what the batches committed counts.
  // The old engine is stopped only so that it fires no more.
  await first.scheduler.stop({ graceMs: 0 });

  const second = boot('2026-10-01T01:10:00.000Z', [backup]);
  expect(second.scheduler.get('backup')).toMatchObject({
    failedSlots: 3,
    alert: { failureAlertedAt: ms('2026-10-01T00:40:00.000Z'), overdueAlertedAt: null },
  });
  // Not repeated: failure was sent at 00:40 and `repeat` is 1h.
  await slot(second, '2026-10-01T01:20:00.000Z', 'failed');
  expect(second.eventsOf('alert')).toEqual([]);
  await slot(second, '2026-10-01T01:40:00.000Z', 'failed');
  // Not forgotten: the recovery of the failure sent by the first daemon.
  await slot(second, '2026-10-01T02:00:00.000Z', 'succeeded');
  expect(summary(second.eventsOf('alert'))).toEqual([
    ['failure', '2026-10-01T01:40:00.000Z', 5],
    ['recovery', '2026-10-01T02:00:00.000Z', 5],
  ]);
  await second.scheduler.stop({ graceMs: 0 });
});

test('kill -9 right after the alert: the stored state already says it was sent', async () => {
  const backup = makeTask('backup', { schedule: every('20m'), notify: { ...NOTIFY, after: 1 } });
  const first = boot('2026-10-01T00:00:00.000Z', [backup]);
  await slot(first, '2026-10-01T00:20:00.000Z', 'failed');
  expect(first.eventsOf('alert')).toHaveLength(1);
  // A second connection reads what is on disk, as the next daemon would after kill -9.
  const db = new Sqlite(temp.dbPath, { readonly: true });
  temp.defer(() => db.close());
  expect(db.prepare('SELECT failed_slots, failure_alerted_at, overdue_alerted_at FROM task_state').get()).toEqual({
    failed_slots: 1,
    failure_alerted_at: ms('2026-10-01T00:20:00.000Z'),
    overdue_alerted_at: null,
  });
});

test('overdue once per period across a restart, then the recovery', async () => {
  const sync = makeTask('sync', { expectSuccessWithinMs: 3_600_000, notify: NOTIFY });
  const first = boot('2026-10-01T00:00:00.000Z', [sync]);
  first.clock.advanceTo('2026-10-01T01:00:00.000Z');
  await flush();
  expect(summary(first.eventsOf('alert'))).toEqual([['overdue', '2026-10-01T01:00:00.000Z', 0]]);
  await first.scheduler.stop({ graceMs: 0 });

  // No success yet: the new daemon's watch goes overdue again at 03:00, in the same overdue period.
  const second = boot('2026-10-01T02:00:00.000Z', [sync]);
  second.clock.advanceTo('2026-10-01T03:00:00.000Z');
  expect(second.eventsOf('overdue')).toHaveLength(1);
  expect(second.eventsOf('alert')).toEqual([]);
  const run = second.scheduler.runNow('sync');
  second.runner.finish(run.id, { status: 'succeeded', exitCode: 0 });
  await flush();
  expect(summary(second.eventsOf('alert'))).toEqual([['recovery', '2026-10-01T03:00:00.000Z', 0]]);
  expect(second.scheduler.get('sync').alert).toEqual({ failureAlertedAt: null, overdueAlertedAt: null });
  await second.scheduler.stop({ graceMs: 0 });
});

test('the alert state and what an alert listener queues are written in one transaction', async () => {
  const backup = makeTask('backup', { schedule: every('20m'), notify: { ...NOTIFY, after: 1 } });
  const daemon = boot('2026-10-01T00:00:00.000Z', [backup]);
  await flush();
  let stateQueuedFirst: boolean | null = null;
  // The daemon's own listener (daemon/notify/deliveries.ts), delivering nothing: only its pending row counts.
  const deliveries = createDeliveryService({
    store: daemon.store,
    log: () => {},
    now: () => daemon.clock.now(),
    context: () => ({ shell: '/bin/sh', cwd: temp.dir, notifyOf: () => null }),
    limits: { concurrency: 0 },
  });
  daemon.scheduler.on('alert', (alert) => {
    stateQueuedFirst = daemon.store.pendingWrites > 0;
    deliveries.handle(alert);
  });
  daemon.clock.advanceTo('2026-10-01T00:20:00.000Z');
  await flush();
  const flushes = daemon.store.batchStats.flushes;
  const [id] = daemon.runner.running();
  daemon.runner.finish(id as number, { status: 'failed', exitCode: 1 });
  await flush();
  await flush();
  expect(stateQueuedFirst).toBe(true);
  expect(daemon.store.batchStats.flushes - flushes).toBe(1);
  expect(daemon.store.listDeliveries().map((row) => [row.event, row.status])).toEqual([['failure', 'pending']]);
  expect(daemon.store.loadTaskState('backup')?.alerts.failureAlertedAt).toBe(ms('2026-10-01T00:20:00.000Z'));
  await deliveries.stop();
  await daemon.scheduler.stop({ graceMs: 0 });
});
