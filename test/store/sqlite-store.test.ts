// The SQLite Store as the daemon and the offline CLI use it: batched writes in one transaction,
// flushed on close; reads see queued writes; a read-only store beside the writer; retention bounding
// the file under a task running every second for a day.
import { existsSync, statSync } from 'node:fs';
import Sqlite from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { TaskkitError } from '../../src/errors.js';
import { definitionFingerprint } from '../../src/config/definition.js';
import { every, makeTask, ms } from '../support/engine-task.js';
import { makeRun, nextTurn, stateOf, useTempState } from './_support.js';

const temp = useTempState();

function countRows(): number {
  const db = new Sqlite(temp.dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('writes', () => {
  test('900 writes of one turn land in one transaction after the turn', async () => {
    const store = temp.open();
    for (let id = 1; id <= 900; id++) store.saveRun(makeRun({ id }));
    store.saveTaskState(stateOf('backup'));
    expect(countRows()).toBe(0);
    expect(store.pendingWrites).toBe(901);
    await nextTurn();
    expect(countRows()).toBe(900);
    expect(store.batchStats).toMatchObject({ flushes: 1, written: 901, failures: 0 });
  });

  test('close flushes synchronously: nothing queued is lost', () => {
    const store = temp.open({ now: () => 123 });
    store.saveRun(makeRun({ id: 3 }));
    store.saveTaskState(stateOf('backup', { scheduledRuns: 9 }));
    store.close();
    const again = temp.open();
    expect(again.getRun(3)).toStrictEqual(makeRun({ id: 3 }));
    expect(again.loadTaskState('backup')).toStrictEqual({ ...stateOf('backup', { scheduledRuns: 9 }), savedAt: 123 });
  });

  test('a read sees every write queued before it', () => {
    const store = temp.open();
    store.saveRun(makeRun({ id: 1, task: 'a' }));
    expect(store.getRun(1)?.task).toBe('a');
    store.saveRun(makeRun({ id: 2, task: 'a', status: 'succeeded' }));
    expect(store.listRuns({ task: 'a' }).map((run) => run.id)).toEqual([2, 1]);
    expect(store.latestRun('a')?.id).toBe(2);
    expect(store.lastRuns().map((run) => run.id)).toEqual([2]);
    expect(store.runStats('a')).toEqual({ task: 'a', succeeded: 1, failed: 1, successRate: 0.5 });
  });

  test('nextRunId counts queued runs too', () => {
    const store = temp.open();
    expect(store.nextRunId()).toBe(1);
    store.saveRun(makeRun({ id: 41 }));
    expect(store.nextRunId()).toBe(42);
  });

  test('saveRun with keep prunes the task in the same transaction', async () => {
    const store = temp.open();
    for (let id = 1; id <= 10; id++) store.saveRun(makeRun({ id }), 4);
    await nextTurn();
    expect(store.listRuns().map((run) => run.id)).toEqual([10, 9, 8, 7]);
    expect(store.pruneRuns('backup', 1)).toBe(3);
  });

  test('rows over keep left by the last daemon go at the first write of a task, a running row too', async () => {
    const before = temp.open();
    for (let id = 1; id <= 6; id++) before.saveRun(makeRun({ id }));
    before.close();
    const store = temp.open();
    store.saveRun(makeRun({ id: 7, status: 'running', endedAt: null }), 2);
    await nextTurn();
    expect(store.listRuns().map((run) => run.id)).toEqual([7, 6, 5]);
  });

  test('a lower keep (a reload) prunes at the next write of the task, a running row too', async () => {
    const store = temp.open();
    for (let id = 1; id <= 6; id++) store.saveRun(makeRun({ id }), 10);
    await nextTurn();
    store.saveRun(makeRun({ id: 7, status: 'running', endedAt: null }), 3);
    await nextTurn();
    expect(store.listRuns().map((run) => run.id)).toEqual([7, 6, 5, 4]);
  });

  test('writes after close are dropped with a warning, not thrown', () => {
    const logs: string[] = [];
    const store = temp.open({ log: (_level, message) => logs.push(message) });
    store.close();
    expect(() => store.saveRun(makeRun({ id: 1 }))).not.toThrow();
    expect(logs).toEqual([`history database ${temp.dbPath}: closed; dropping writes from now on (first: run:1)`]);
  });
});

describe('a read-only store (history and logs with no daemon)', () => {
  test('reads what the running writer flushed, and refuses writes', async () => {
    const writer = temp.open();
    writer.saveRun(makeRun({ id: 1 }));
    await nextTurn();
    const reader = temp.open({ readOnly: true });
    expect(reader.readOnly).toBe(true);
    expect(reader.getRun(1)).toStrictEqual(makeRun({ id: 1 }));
    writer.saveRun(makeRun({ id: 2 }));
    writer.flush();
    expect(reader.listRuns().map((run) => run.id)).toEqual([2, 1]);
    const refused = (fn: () => unknown): unknown => {
      try {
        fn();
      } catch (error) {
        return error;
      }
      return null;
    };
    for (const write of [
      () => reader.saveRun(makeRun({ id: 3 })),
      () => reader.saveTaskState(stateOf('x')),
      () => reader.markInterrupted(1),
      () => reader.pruneRuns('backup', 1),
    ]) {
      const error = refused(write);
      expect(error).toBeInstanceOf(TaskkitError);
      expect(error).toMatchObject({
        code: 'STORE_UNAVAILABLE',
        message: `${temp.dbPath} is open read-only; only the daemon writes to it`,
      });
    }
  });

  test('after the daemon stopped (no -wal file left)', () => {
    const writer = temp.open();
    writer.saveRun(makeRun({ id: 1 }));
    writer.close();
    expect(existsSync(`${temp.dbPath}-wal`)).toBe(false);
    expect(temp.open({ readOnly: true }).getRun(1)).toStrictEqual(makeRun({ id: 1 }));
  });
});

describe('task state', () => {
  test('restoreTask applies the rules to what was saved', () => {
    const spec = makeTask('job', { schedule: every('1h') });
    const store = temp.open({ now: () => ms('2026-07-01T09:00:00.000Z') });
    expect(store.restoreTask(spec)).toEqual({ state: {}, notice: null });
    store.saveTaskState({
      name: 'job',
      fingerprint: definitionFingerprint(spec),
      fileHold: false,
      hold: { note: 'n', at: 5, until: null },
      reschedule: every('5m'),
      lastScheduledAt: 1_000,
      scheduledRuns: 2,
      failedSlots: 3,
      alerts: { failureAlertedAt: 900, overdueAlertedAt: null },
    });
    store.close();
    expect(temp.open().restoreTask(spec)).toStrictEqual({
      state: {
        lastScheduledAt: 1_000,
        scheduledRuns: 2,
        failedSlots: 3,
        alerts: { failureAlertedAt: 900, overdueAlertedAt: null },
        schedule: every('5m'),
        hold: { note: 'n', at: 5, until: null },
      },
      notice: null,
    });
  });
});

describe('restoreTask while a daemon adds its tasks', () => {
  const saveState = (store: ReturnType<typeof temp.open>, spec: ReturnType<typeof makeTask>, lastScheduledAt: number) =>
    store.saveTaskState({
      name: spec.name,
      fingerprint: definitionFingerprint(spec),
      fileHold: false,
      hold: null,
      reschedule: null,
      lastScheduledAt,
      scheduledRuns: 1,
      failedSlots: 0,
      alerts: { failureAlertedAt: null, overdueAlertedAt: null },
    });

  test("commits only when the task's own state is waiting: other tasks' writes stay batched", () => {
    const a = makeTask('a', { schedule: every('1h') });
    const b = makeTask('b', { schedule: every('1h') });
    const store = temp.open({ now: () => ms('2026-07-01T09:00:00.000Z') });
    saveState(store, a, 1_000);
    const flushes = store.batchStats.flushes;
    expect(store.restoreTask(b)).toEqual({ state: {}, notice: null });
    expect([store.pendingWrites, store.batchStats.flushes]).toEqual([1, flushes]);
    // Its own waiting state is written first, so what it restores is never stale.
    expect(store.restoreTask(a).state.lastScheduledAt).toBe(1_000);
    expect(store.pendingWrites).toBe(0);
  });
});

describe('the restores of one turn read one snapshot (restore-snapshot.ts), never less than the database holds', () => {
  const saved = (name: string, spec = makeTask(name, { schedule: every('1h') }), lastScheduledAt = 1_000) =>
    stateOf(name, { fingerprint: definitionFingerprint(spec), lastScheduledAt });

  test('saved states and the latest instants of runs; a task written in the turn is read afresh', () => {
    const [a, b, c] = ['a', 'b', 'c'].map((name) => makeTask(name, { schedule: every('1h') })) as [
      ReturnType<typeof makeTask>,
      ReturnType<typeof makeTask>,
      ReturnType<typeof makeTask>,
    ];
    const first = temp.open();
    first.saveTaskState(saved('a', a));
    first.saveTaskState(saved('b', b));
    first.saveRun(makeRun({ id: 1, task: 'a', scheduledAt: 5_000 }));
    first.close();
    const store = temp.open();
    expect(store.restoreTask(a).state.lastScheduledAt).toBe(5_000);
    // Written after the snapshot was read, in the same turn: a run of b, then c's state.
    store.saveRun(makeRun({ id: 2, task: 'b', scheduledAt: 9_000 }));
    store.saveTaskState(saved('c', c, 7_000));
    store.flush();
    expect(store.restoreTask(b).state.lastScheduledAt).toBe(9_000);
    expect(store.restoreTask(c).state.lastScheduledAt).toBe(7_000);
  });

  test('the next turn reads the database again', async () => {
    const c = makeTask('c', { schedule: every('1h') });
    const store = temp.open();
    expect(store.restoreTask(makeTask('a')).state).toEqual({});
    await nextTurn();
    // A row the store did not write itself (another connection): only a new snapshot sees it.
    const db = new Sqlite(temp.dbPath);
    db.prepare(
      'INSERT INTO task_state (name, fingerprint, file_hold, held, scheduled_runs, failed_slots, updated_at, ' +
        "last_scheduled_at) VALUES ('c', ?, 0, 0, 0, 0, 1, 3000)",
    ).run(definitionFingerprint(c));
    db.close();
    expect(store.restoreTask(c).state.lastScheduledAt).toBe(3_000);
  });
});

describe('retention under a task running every second for a day', () => {
  test('86,400 runs with keep 200 leave 200 rows and a file that stops growing', () => {
    const store = temp.open({ batch: { maxItems: 1_000 } });
    const day = 86_400;
    const start = ms('2026-07-01T00:00:00.000Z');
    let sizeAtHalfDay = 0;
    for (let second = 1; second <= day; second++) {
      const at = start + second * 1_000;
      const run = makeRun({
        id: second,
        task: 'tick',
        scheduledAt: at,
        createdAt: at,
        startedAt: at,
        endedAt: at + 40,
        status: 'succeeded',
        exitCode: 0,
        error: null,
        output: Buffer.from(`tick ${second}\n`),
        outputBytes: 12,
      });
      store.saveRun(
        { ...run, status: 'running', endedAt: null, exitCode: null, output: Buffer.from(''), outputBytes: 0 },
        200,
      );
      store.saveRun(run, 200);
      if (second === day / 2) {
        store.flush();
        sizeAtHalfDay = statSync(temp.dbPath).size;
      }
    }
    store.flush();
    expect(store.listRuns({ task: 'tick', limit: 1_000 }).map((run) => run.id)).toEqual(
      Array.from({ length: 200 }, (_, i) => day - i),
    );
    // run-started and run-finished of one run coalesce unless a flush falls between them.
    expect(store.batchStats.written).toBeGreaterThanOrEqual(day);
    expect(store.batchStats.written).toBeLessThan(day * 1.01);
    const sizeAtEnd = statSync(temp.dbPath).size;
    // Freed pages are reused: the second half of the day adds nothing.
    expect(sizeAtEnd).toBeLessThanOrEqual(sizeAtHalfDay + 16 * 1024);
    expect(sizeAtEnd).toBeLessThan(256 * 1024);
    expect(statSync(`${temp.dbPath}-wal`).size).toBeLessThanOrEqual(8 * 1024 * 1024);
    store.close();
    expect(statSync(temp.dbPath).size).toBeLessThan(256 * 1024);
  });
});
