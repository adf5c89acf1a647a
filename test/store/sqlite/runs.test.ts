// The runs table (DESIGN.md "Runs", "State and history"): every RunRecord field round-trips, output
// within the limit with its marker, history filters, crash recovery, retention, run ids.
import { statSync } from 'node:fs';
import type Sqlite from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import type { RunRecord, RunStatus } from '../../../src/engine/run.js';
import { createOutputBuffer, formatDroppedMarker } from '../../../src/runner/output-buffer.js';
import { openDatabase } from '../../../src/store/sqlite/open.js';
import { INTERRUPTED_REASON, RunsTable } from '../../../src/store/sqlite/runs.js';
import { makeRun, useTempState } from '../_support.js';

const temp = useTempState();

function openRuns(): { db: Sqlite.Database; runs: RunsTable } {
  const db = openDatabase(temp.dbPath);
  temp.defer(() => db.close());
  return { db, runs: new RunsTable(db) };
}

const T0 = Date.parse('2026-07-01T08:00:00.000Z');

describe('round trip', () => {
  test('every field of a RunRecord, values and keys exactly', () => {
    const { runs } = openRuns();
    const run = makeRun({ result: { rows: 3, names: ['a', 'b'], ok: true, none: null } });
    runs.save(run);
    const back = runs.get(run.id);
    expect(back).toStrictEqual(run);
    expect(Object.keys(back ?? {}).sort()).toEqual(Object.keys(run).sort());
  });

  test('nulls stay null, and an absent result stays absent (not undefined, not null)', () => {
    const { runs } = openRuns();
    const run = makeRun({
      scheduledAt: null,
      startedAt: null,
      endedAt: null,
      exitCode: null,
      signal: null,
      pid: null,
      error: null,
      output: Buffer.from(''),
    });
    runs.save(run);
    expect(runs.get(run.id)).toStrictEqual(run);
    expect('result' in (runs.get(run.id) as RunRecord)).toBe(false);
  });

  test('a result of null is kept as null', () => {
    const { runs } = openRuns();
    runs.save(makeRun({ result: null }));
    expect(runs.get(7)?.result).toBeNull();
  });

  test('a result JSON cannot hold is stored as its description, never failing the write', () => {
    const { runs } = openRuns();
    runs.save(makeRun({ result: 10n }));
    expect(runs.get(7)?.result).toBe('[taskkit: result not storable as JSON: Do not know how to serialize a BigInt]');
  });

  const statuses: RunStatus[] = [
    'queued',
    'running',
    'succeeded',
    'failed',
    'timed-out',
    'cancelled',
    'skipped',
    'interrupted',
  ];
  test.each(statuses)('status %s, with a signal and every trigger kind', (status) => {
    const { runs } = openRuns();
    const triggers = ['schedule', 'manual', 'retry', 'dependency', 'catch-up', 'reboot'] as const;
    triggers.forEach((trigger, index) =>
      runs.save(makeRun({ id: index + 1, status, trigger, signal: 'SIGKILL', outputTruncated: true })),
    );
    expect(triggers.map((_, index) => runs.get(index + 1))).toStrictEqual(
      triggers.map((trigger, index) =>
        makeRun({ id: index + 1, status, trigger, signal: 'SIGKILL', outputTruncated: true }),
      ),
    );
  });

  test('saving the same id again replaces every field (run-started, then run-finished)', () => {
    const { db, runs } = openRuns();
    const started = makeRun({
      status: 'running',
      endedAt: null,
      exitCode: null,
      output: Buffer.from(''),
      outputBytes: 0,
      error: null,
    });
    const finished = makeRun({ status: 'succeeded', exitCode: 0, error: null, result: 'done' });
    runs.save(started);
    expect(runs.get(7)).toStrictEqual(started);
    runs.save(finished);
    expect(runs.get(7)).toStrictEqual(finished);
    expect(db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 1 });
  });

  test('an id saved again for another task replaces the whole row, as the upsert always did', () => {
    const { runs } = openRuns();
    runs.save(makeRun({ id: 7, task: 'a', status: 'running' }));
    const other = makeRun({ id: 7, task: 'b', status: 'succeeded', exitCode: 0, error: null });
    runs.save(other);
    expect(runs.get(7)).toStrictEqual(other);
    expect(runs.list({ task: 'a' })).toEqual([]);
    expect(runs.list({ task: 'b' }).map((run) => run.id)).toEqual([7]);
  });

  test('a row saved again is updated in place: no sqlite_sequence, no (task, id) index, fewer WAL pages', () => {
    const { db, runs } = openRuns();
    // Enough rows of other tasks that the runs table, its indexes and sqlite_sequence sit on different pages.
    for (let id = 1; id <= 300; id++) runs.save(makeRun({ id, task: `t${id % 7}` }));
    db.pragma('wal_checkpoint(TRUNCATE)');
    const framesOf = (write: () => void): number => {
      db.pragma('wal_checkpoint(TRUNCATE)');
      write();
      return (db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]?.log ?? NaN;
    };
    const running = makeRun({ id: 301, task: 'backup', status: 'running', endedAt: null });
    const inserted = framesOf(() => runs.save(running));
    const updated = framesOf(() => runs.save({ ...running, pid: 99 }));
    expect(inserted).toBeGreaterThanOrEqual(updated + 2);
    expect(runs.get(301)).toStrictEqual({ ...running, pid: 99 });
    expect(runs.nextId()).toBe(302);
  });

  test('a run that printed 50 MB is stored as the runner kept it: within the limit, with the marker', () => {
    const { db, runs } = openRuns();
    const limit = 256 * 1024;
    const buffer = createOutputBuffer(limit);
    const line = `${'y'.repeat(1023)}\n`;
    const chunk = line.repeat(64);
    const total = 50 * 1024 * 1024;
    for (let written = 0; written < total; written += chunk.length) buffer.write(chunk);
    const output = buffer.bytes();
    runs.save(makeRun({ output, outputTruncated: buffer.truncated, outputBytes: buffer.totalBytes }));
    const back = runs.get(7) as RunRecord;
    expect(back.output.equals(output)).toBe(true);
    expect(back.outputTruncated).toBe(true);
    expect(back.outputBytes).toBe(total);
    expect(String(back.output)).toContain(formatDroppedMarker(total - limit));
    const stored = db.prepare<[], { bytes: number }>('SELECT length(CAST(output AS BLOB)) AS bytes FROM runs').get();
    expect(stored?.bytes).toBe(limit + Buffer.byteLength(formatDroppedMarker(total - limit)));
    expect(statSync(temp.dbPath).size + statSync(`${temp.dbPath}-wal`).size).toBeLessThan(2 * limit + 64 * 1024);
  });
});

describe('history queries', () => {
  function seed(runs: RunsTable): void {
    const rows: [number, string, RunStatus][] = [
      [1, 'a', 'succeeded'],
      [2, 'b', 'failed'],
      [3, 'a', 'timed-out'],
      [4, 'a', 'skipped'],
      [5, 'b', 'cancelled'],
      [6, 'a', 'interrupted'],
      [7, 'b', 'succeeded'],
      [8, 'a', 'running'],
    ];
    for (const [id, task, status] of rows) runs.save(makeRun({ id, task, status, createdAt: T0 + id * 60_000 }));
  }
  const ids = (list: { id: number }[]): number[] => list.map((run) => run.id);

  test('newest first, without output', () => {
    const { runs } = openRuns();
    seed(runs);
    const list = runs.list();
    expect(ids(list)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect('output' in (list[0] ?? {})).toBe(false);
    const { output: _output, ...summary } = makeRun({
      id: 8,
      task: 'a',
      status: 'running',
      createdAt: T0 + 8 * 60_000,
    });
    expect(list[0]).toStrictEqual(summary);
  });

  test.each([
    [{ task: 'a' }, [8, 6, 4, 3, 1]],
    [{ failed: true }, [6, 3, 2]],
    [{ task: 'a', failed: true }, [6, 3]],
    [{ since: T0 + 5 * 60_000 }, [8, 7, 6, 5]],
    [{ limit: 3 }, [8, 7, 6]],
    [{ task: 'b', since: T0 + 3 * 60_000, limit: 1 }, [7]],
    [{ task: 'nobody' }, []],
  ])('filter %j', (filter, expected) => {
    const { runs } = openRuns();
    seed(runs);
    expect(ids(runs.list(filter))).toEqual(expected);
  });

  test('a stop is stored as facts: its cause in its own column (filterable), the rest read back whole', () => {
    const { runs } = openRuns();
    const timeout = {
      cause: 'timeout',
      afterMs: 30_000,
      signals: ['SIGTERM', 'SIGKILL'],
      killAfterMs: 10_000,
      abandoned: null,
    } as const;
    const replaced = {
      cause: 'replace',
      afterMs: 1_500,
      signals: [],
      killAfterMs: 10_000,
      abandoned: 'module',
    } as const;
    runs.save(makeRun({ id: 1, status: 'timed-out', stop: timeout, error: null }));
    runs.save(makeRun({ id: 2, status: 'cancelled', stop: replaced, error: null }));
    runs.save(makeRun({ id: 3, status: 'failed', stop: null }));
    expect([runs.get(1)?.stop, runs.get(2)?.stop, runs.get(3)?.stop]).toEqual([timeout, replaced, null]);
    expect([
      ids(runs.list({ stopCause: 'timeout' })),
      ids(runs.list({ stopCause: 'replace' })),
      ids(runs.list({ stopCause: 'shutdown' })),
    ]).toEqual([[1], [2], []]);
  });

  test('the default limit is 50', () => {
    const { runs } = openRuns();
    for (let id = 1; id <= 60; id++) runs.save(makeRun({ id }));
    expect(runs.list().length).toBe(50);
  });

  test('get by id, latest of a task (any status), with output', () => {
    const { runs } = openRuns();
    seed(runs);
    expect(runs.get(99)).toBeNull();
    expect(runs.latest('a')).toStrictEqual(
      makeRun({ id: 8, task: 'a', status: 'running', createdAt: T0 + 8 * 60_000 }),
    );
    expect(runs.latest('b')?.id).toBe(7);
    expect(runs.latest('nobody')).toBeNull();
  });

  test('the newest ended run of each task, for list', () => {
    const { runs } = openRuns();
    seed(runs);
    expect(runs.lastEnded().map((run) => [run.task, run.id, run.status])).toEqual([
      ['a', 6, 'interrupted'],
      ['b', 7, 'succeeded'],
    ]);
  });

  test('success rate counts succeeded against failed, timed-out and interrupted only', () => {
    const { runs } = openRuns();
    seed(runs);
    expect(runs.stats('a')).toEqual({ task: 'a', succeeded: 1, failed: 2, successRate: 1 / 3 });
    expect(runs.stats('b')).toEqual({ task: 'b', succeeded: 1, failed: 1, successRate: 0.5 });
    expect(runs.stats('nobody')).toEqual({ task: 'nobody', succeeded: 0, failed: 0, successRate: null });
  });
});

describe('runs left unfinished by a daemon that died', () => {
  test('running and queued rows become interrupted, ended at the start time; the rest is untouched', () => {
    const { runs } = openRuns();
    runs.save(makeRun({ id: 1, status: 'succeeded' }));
    runs.save(makeRun({ id: 2, status: 'running', endedAt: null, exitCode: null, error: null, pid: 777 }));
    runs.save(
      makeRun({ id: 3, status: 'queued', startedAt: null, endedAt: null, exitCode: null, error: null, pid: null }),
    );
    const at = T0 + 3_600_000;
    const marked = runs.markInterrupted(at);
    const expected2 = makeRun({
      id: 2,
      status: 'interrupted',
      endedAt: at,
      exitCode: null,
      error: INTERRUPTED_REASON.running,
      pid: 777,
    });
    const expected3 = makeRun({
      id: 3,
      status: 'interrupted',
      startedAt: null,
      endedAt: at,
      exitCode: null,
      error: INTERRUPTED_REASON.queued,
      pid: null,
    });
    const { output: _o2, ...summary2 } = expected2;
    const { output: _o3, ...summary3 } = expected3;
    expect(marked).toStrictEqual([summary2, summary3]);
    expect(runs.get(1)).toStrictEqual(makeRun({ id: 1, status: 'succeeded' }));
    expect(runs.get(2)).toStrictEqual(expected2);
    expect(runs.markInterrupted(at + 1)).toEqual([]);
  });
});

describe('retention', () => {
  test("keeps the task's newest `keep` runs and leaves other tasks alone", () => {
    const { runs } = openRuns();
    for (let id = 1; id <= 10; id++) runs.save(makeRun({ id, task: id % 2 === 0 ? 'even' : 'odd' }));
    expect(runs.prune('even', 2)).toBe(3);
    expect(runs.list({ task: 'even' }).map((run) => run.id)).toEqual([10, 8]);
    expect(runs.list({ task: 'odd' }).map((run) => run.id)).toEqual([9, 7, 5, 3, 1]);
    expect(runs.prune('even', 2)).toBe(0);
    expect(runs.prune('odd', 10)).toBe(0);
    expect(runs.prune('odd', 0)).toBe(5);
    expect(runs.list({ task: 'odd' })).toEqual([]);
  });

  // Issue 15.6: with keep 3 and every 1s, the skips of a 5 s run deleted its own row while it ran.
  test('a running or queued run is never deleted, however many newer rows there are', () => {
    const { runs } = openRuns();
    runs.save(makeRun({ id: 1, status: 'running', endedAt: null, exitCode: null, error: null }));
    runs.save(makeRun({ id: 2, status: 'queued', startedAt: null, endedAt: null, exitCode: null, error: null }));
    for (let id = 3; id <= 10; id++) runs.save(makeRun({ id, status: 'skipped', error: 'overlap: skip' }));
    for (let id = 11; id <= 14; id++) runs.save(makeRun({ id, status: 'succeeded' }));
    expect(runs.prune('backup', 3)).toBe(5 + 1);
    expect(runs.list({ task: 'backup' }).map((run) => run.id)).toEqual([14, 13, 12, 10, 9, 8, 2, 1]);
    expect(runs.prune('backup', 0)).toBe(6);
    expect(runs.list({ task: 'backup' }).map((run) => [run.id, run.status])).toEqual([
      [2, 'queued'],
      [1, 'running'],
    ]);
  });

  test('skipped triggers are kept apart: a burst of them leaves the newest `keep` ended runs in place', () => {
    const { runs } = openRuns();
    for (let id = 1; id <= 4; id++) runs.save(makeRun({ id, status: id % 2 === 0 ? 'succeeded' : 'failed' }));
    for (let id = 5; id <= 20; id++) runs.save(makeRun({ id, status: 'skipped', error: 'overlap: skip' }));
    expect(runs.prune('backup', 2)).toBe(2 + 14);
    expect(runs.list({ task: 'backup' }).map((run) => run.id)).toEqual([20, 19, 4, 3]);
    runs.save(makeRun({ id: 21, status: 'timed-out' }));
    expect(runs.prune('backup', 2)).toBe(1);
    expect(runs.list({ task: 'backup' }).map((run) => run.id)).toEqual([21, 20, 19, 4]);
  });
});

describe('run ids', () => {
  test('the next id is 1 on an empty database, then one past the highest ever stored, deleted rows included', () => {
    const { runs } = openRuns();
    expect(runs.nextId()).toBe(1);
    runs.save(makeRun({ id: 41, task: 'x' }));
    runs.save(makeRun({ id: 5, task: 'y' }));
    expect(runs.nextId()).toBe(42);
    runs.prune('x', 0);
    expect(runs.list().map((run) => run.id)).toEqual([5]);
    expect(runs.nextId()).toBe(42);
  });
});
