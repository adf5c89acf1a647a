// Issue 16.1, the contract between the alert rules and their delivery: the delivery's pending row
// is written in the same transaction as the alert state that decided it (task_state), so that a
// kill -9 at any moment leaves both or neither. A Scheduler on the fake clock, attached to a real
// store as daemon/main.ts attaches it, with the batcher's flushes driven by hand.
import Sqlite from 'better-sqlite3';
import { expect, test } from 'vitest';
import { createDeliveryService } from '../../../src/daemon/notify/deliveries.js';
import { attachStore } from '../../../src/store/attach.js';
import type { BatchTimers } from '../../../src/store/sqlite/write-batcher.js';
import { createEngine, every, makeTask, ms } from '../../support/engine-task.js';
import { flush } from '../../support/fake-runner.js';
import { useTempState } from '../../store/_support.js';
import { notifyTo } from './_support.js';

const temp = useTempState();

/**
 * `backup` (every 20m, notify) and `others` plain tasks on a real store whose batch flushes run
 * only from `due`; started, with what the start queued written. Its slot at 00:20 is running.
 */
function setUp(options: { maxItems?: number; others?: number } = {}) {
  const due: (() => void)[] = [];
  const timers: BatchTimers = {
    schedule(_delayMs, fn) {
      due.push(fn);
      return () => due.splice(due.indexOf(fn) >>> 0, 1);
    },
  };
  const store = temp.open({
    batch: { timers, ...(options.maxItems === undefined ? {} : { maxItems: options.maxItems }) },
  });
  const engine = createEngine('2026-10-01T00:00:00.000Z', { firstRunId: store.nextRunId() });
  attachStore(engine.scheduler, store);
  // Nothing is delivered (no slot): only what the alert listener records is under test.
  const deliveries = createDeliveryService({
    store,
    log: () => {},
    now: () => engine.clock.now(),
    context: () => ({ shell: '/bin/sh', cwd: temp.dir, notifyOf: () => null }),
    limits: { concurrency: 0 },
  });
  engine.scheduler.on('alert', (alert) => deliveries.handle(alert));
  for (let i = 0; i < (options.others ?? 0); i++)
    engine.scheduler.add(makeTask(`other${i}`, { schedule: every('20m') }));
  engine.scheduler.add(
    makeTask('backup', { schedule: every('20m'), notify: notifyTo({ kind: 'run', run: './n.sh' }) }),
  );
  engine.scheduler.start();
  while (due.length > 0) due.shift()?.();
  engine.clock.advanceTo('2026-10-01T00:20:00.000Z');
  const db = new Sqlite(temp.dbPath, { readonly: true });
  temp.defer(() => db.close());
  const alertedAt = (): unknown =>
    db.prepare("SELECT failure_alerted_at AS at FROM task_state WHERE name = 'backup'").get();
  const rows = (): unknown => db.prepare('SELECT id, status FROM deliveries').all();
  const stop = async () => {
    await deliveries.stop();
    await engine.scheduler.stop({ graceMs: 0 });
  };
  return { due, store, engine, alertedAt, rows, stop };
}

test('the pending delivery and the alert state reach the database in one transaction', async () => {
  const { due, store, engine, alertedAt, rows, stop } = setUp();
  const [id] = engine.runner.running();
  engine.runner.finish(id as number, { status: 'failed', exitCode: 1 });
  await flush();
  expect(engine.eventsOf('alert')).toHaveLength(1);
  // Decided, queued, not written: a kill -9 now loses both, and the alert is decided again.
  expect(alertedAt()).toEqual({ at: null });
  expect(rows()).toEqual([]);
  const flushes = store.batchStats.flushes;
  expect(due).toHaveLength(1);
  due.shift()?.();
  expect(store.batchStats.flushes).toBe(flushes + 1);
  expect(alertedAt()).toEqual({ at: ms('2026-10-01T00:20:00.000Z') });
  expect(rows()).toEqual([{ id: 1, status: 'pending' }]);
  await stop();
});

// However full the write batch is when the alert is decided (the batcher writes at once at
// maxItems), the alert state and the pending row never land in two transactions: after the turn
// that decided the alert, with no timer run, the database holds both or neither.
const SIZES = [2, 3, 4, 5, 6, 7, 8].flatMap((maxItems) => [0, 1, 2].map((others) => [maxItems, others]));
test.each(SIZES)('both or neither: batch full at %i writes, %i other tasks due', async (maxItems, others) => {
  const { engine, alertedAt, rows, stop } = setUp({ maxItems, others });
  // The others end first, in the same turn as backup's failure: their writes fill the batch.
  const running = engine.runner.running();
  const backup = running[running.length - 1] as number;
  for (const id of running) {
    if (id !== backup) engine.runner.finish(id, { status: 'succeeded', exitCode: 0 });
  }
  engine.runner.finish(backup, { status: 'failed', exitCode: 1 });
  await flush();
  expect(engine.eventsOf('alert')).toHaveLength(1);
  const written = { alerted: (alertedAt() as { at: number | null } | undefined)?.at != null, pending: rows() };
  expect(written).toEqual(
    written.alerted ? { alerted: true, pending: [{ id: 1, status: 'pending' }] } : { alerted: false, pending: [] },
  );
  await stop();
});
